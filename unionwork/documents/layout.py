"""A document laid out as GB/T 9704-2012 prints it: .pdf through WeasyPrint, .docx through python-docx.

The page: A4, 版心 156 mm × 225 mm, 天头 37 mm, 订口 28 mm; 3号 (16 pt) body type, 22 lines of 28
characters (a line grid of 225/22 mm); the red 发文机关标志 centred, the 发文字号 below it and the red
separator line (版头中的分隔线) under the number; the title in 2号 (22 pt); 主送机关; the body with
two-character indents; the 发文机关署名 and 成文日期 (right, four characters in); the 版记 (抄送,
印发机关 and 印发日期 between two lines) at the foot of the last page; page numbers “— 1 —” in 4号.
Noto Serif CJK SC stands in for 方正小标宋 and 仿宋 (the fonts installed with fonts-noto-cjk).
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string

RED = "#E60012"


TITLE_CHARS = 20  # 2号 (22 pt) characters on a line of the 版心
# Where a title line may end so that words stay whole (GB/T 9704: 回行时要做到词意完整).
BREAK_BEFORE = (
    "关于",
    "工作",
    "会议",
    "的通知",
    "的意见",
    "的决定",
    "的报告",
    "的请示",
    "的函",
    "的通报",
    "情况",
)
BREAK_AFTER = ("的", "和", "及", "、", "）", "》")


def title_lines(title: str, per_line: int = TITLE_CHARS) -> list[str]:
    """The title in lines of at most ``per_line`` characters, of even length, broken where a word
    ends (before 工作, 会议, 的通知 … or after 的, 和, 、 …) when such a place is near the middle."""
    title = title.strip()
    if len(title) <= per_line:
        return [title]
    lines = -(-len(title) // per_line)
    target = len(title) / lines
    lo, hi = max(1, len(title) - per_line * (lines - 1)), min(per_line, len(title) - 1)

    def score(i):
        good = title[i:].startswith(BREAK_BEFORE) or title[i - 1] in BREAK_AFTER
        return abs(i - target) - (3 if good else 0)

    cut = min(range(lo, hi + 1), key=score)
    return [title[:cut], *title_lines(title[cut:], per_line)]


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def annex_parts(text: str) -> tuple[list[str], list[str]]:
    """The printed text's heading lines (its title, date and speaker: short lines before the first
    long paragraph) and its paragraphs."""
    lines = paragraphs(text)
    head = []
    while lines and len(lines[0]) <= 40 and len(head) < 4:
        head.append(lines.pop(0))
    return head, lines


def date_cn(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def context(doc, main_text: str, copy_text: str) -> dict:
    head, annex = annex_parts(doc.annex)
    return {
        "doc": doc,
        "red": RED,
        "title_lines": title_lines(doc.title),
        "issuer_mark": doc.series.issuer.name + (doc.series.department or "") + "文件",
        "main_text": main_text,
        "copy_text": copy_text,
        "body": paragraphs(doc.body),
        "annex_head": head,
        "annex": annex,
        "issue_date": date_cn(doc.issue_date),
        "printed_on": date_cn(doc.printed_on),
        "signing_spaced": " ".join(doc.signing_body) if len(doc.signing_body) <= 6 else doc.signing_body,
    }


def render_html(doc, main_text: str, copy_text: str) -> str:
    return render_to_string("documents/print.html", context(doc, main_text, copy_text))


def render_pdf(doc, main_text: str, copy_text: str) -> bytes:
    from unionwork.core import pdf

    return pdf.render(render_html(doc, main_text, copy_text))


def render_docx(doc, main_text: str, copy_text: str) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    c = context(doc, main_text, copy_text)
    out = Docx()
    section = out.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    red = RGBColor(0xE6, 0x00, 0x12)

    def para(text="", size=16, bold=False, color=None, align=None, indent=False, font="仿宋_GB2312"):
        p = out.add_paragraph()
        p.paragraph_format.line_spacing = Pt(28.9)
        p.paragraph_format.space_after = Pt(0)
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = font
        run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
        if color is not None:
            run.font.color.rgb = color
        return p

    def rule(color="E60012", size=12):
        p = out.add_paragraph()
        border = p._p.get_or_add_pPr()
        from docx.oxml import OxmlElement

        pbdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
            bottom.set(qn(k), v)
        pbdr.append(bottom)
        border.append(pbdr)

    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    if doc.urgency:
        para(doc.get_urgency_display(), font="黑体")
    para(c["issuer_mark"], size=36, color=red, align=center, font="方正小标宋简体")
    para()
    para(doc.number, align=center)
    rule()
    para()
    for line in c["title_lines"]:
        para(line, size=22, align=center, font="方正小标宋简体")
    para()
    para(main_text + "：")
    for text in c["body"]:
        para(text, indent=True)
    para()
    para(doc.signing_body, align=right)
    para(c["issue_date"] + "    ", align=right)
    if c["annex"] or c["annex_head"]:
        out.add_page_break()
        for i, text in enumerate(c["annex_head"]):
            para(
                text,
                size=22 if i == 0 else 16,
                align=center,
                font="方正小标宋简体" if i == 0 else "仿宋_GB2312",
            )
        for text in c["annex"]:
            para(text, indent=True)
    para()
    rule("000000", 8)
    if copy_text:
        para(f"抄送：{copy_text}。", size=14)
        rule("000000", 4)
    p = para(f"{doc.printer}\t{c['printed_on']}印发", size=14)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)
    rule("000000", 8)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()
