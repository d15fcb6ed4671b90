from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The navigation by module: (url name, label, action the user's roles must allow).
NAVIGATION = [
    ("dashboard:home", _("工作台"), "view"),
    ("orgs:browser", _("组织"), "view"),
    ("founding:home", _("企业与建会"), "view"),
    ("members:home", _("会员"), "view"),
    ("stability:home", _("维稳"), "view"),
    ("imports:jobs", _("导入记录"), "change"),
    ("accounts:list", _("账号"), "manage"),
    ("core:audit", _("审计"), "manage"),
    ("core:security-events", _("安全事件"), "manage"),
]


def navigation(user, path: str = "") -> list[tuple[str, str, bool]]:
    """(url, label, active) of the modules the user may open; a module not installed is left out."""
    items = []
    for name, label, action in NAVIGATION:
        if not user.may(action):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append((url, label, path == url or (url != "/" and path.startswith(url))))
    return items


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation(user, request.path), "scope_unit": getattr(user, "org", None)}
