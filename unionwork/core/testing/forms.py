"""What a browser would post for a rendered form."""


def form_data(html: str, index: int | None = None) -> dict[str, list[str]]:
    """The values a browser would post for a form of ``html``, as rendered (a page's form posting
    to itself, the one without an ``action``, unless ``index`` names another)."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.forms: list[tuple[dict, dict[str, list[str]]]] = []
            self.current = None
            self.select = None
            self.textarea = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.current = {}
                self.forms.append((a, self.current))
                return
            if self.current is None:
                return
            name = a.get("name")
            if tag == "input" and name and "disabled" not in a:
                kind = a.get("type", "text")
                if kind in ("submit", "button", "file", "image", "reset"):
                    return
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                self.current.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
            elif tag == "select" and name and "disabled" not in a:
                self.select = name
                self.current.setdefault(name, [])
            elif tag == "option" and self.select and "selected" in a:
                self.current[self.select].append(a.get("value", ""))
            elif tag == "textarea" and name and "disabled" not in a:
                self.textarea = name
                self.current[name] = [""]

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None
            elif tag == "form":
                self.current = None

        def handle_data(self, data):
            if self.textarea and self.current is not None:
                self.current[self.textarea][0] += (
                    data.removeprefix("\n") if not self.current[self.textarea][0] else data
                )

    parser = Parser()
    parser.feed(html)
    if index is not None:
        return parser.forms[index][1]
    own = [values for attrs, values in parser.forms if not attrs.get("action")]
    assert own, "no form posting to its own page"
    return own[-1]
