"""A research report as an official document: .docx (python-docx) and .pdf (WeasyPrint), A4, title
centred, 仿宋/宋体-like Noto CJK fonts, and the bar chart of findings by category as an image."""

from __future__ import annotations

import base64
import io
from html import escape

from django.utils.translation import gettext as _

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
FONT_FILE = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"


def chart_rows(fig: dict) -> list[dict]:
    rows = fig.get("by_category") or []
    top = max([r["count"] for r in rows] + [1])
    return [{"label": r["label"], "count": r["count"], "pct": round(100 * r["count"] / top)} for r in rows]


def chart_png(fig: dict) -> bytes:
    """A horizontal bar chart of findings by category (Pillow; no plotting library needed)."""
    from PIL import Image, ImageDraw, ImageFont

    rows = chart_rows(fig)
    width, bar_h, gap, left = 900, 34, 14, 230
    height = 60 + len(rows) * (bar_h + gap)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype(FONT_FILE, 22)
    except OSError:  # pragma: no cover - the font is installed with the platform
        font = ImageFont.load_default()
    draw.text((20, 14), _("走访发现分类统计（条）"), fill="black", font=font)
    for i, r in enumerate(rows):
        y = 54 + i * (bar_h + gap)
        draw.text((20, y + 4), r["label"], fill="black", font=font)
        length = int((width - left - 90) * r["pct"] / 100)
        draw.rectangle([left, y, left + max(length, 2), y + bar_h], fill="#c0392b")
        draw.text((left + max(length, 2) + 10, y + 4), str(r["count"]), fill="black", font=font)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _figure_table(fig: dict) -> list[tuple[str, str]]:
    d = fig.get("deeds", {})
    return [
        (_("走访次数"), str(fig.get("visits", 0))),
        (_("走访企业（次）"), str(fig.get("enterprise_visits", 0))),
        (_("覆盖企业（家）"), str(fig.get("enterprises", 0))),
        (_("覆盖职工（人）"), str(fig.get("workers", 0))),
        (_("走访职工家庭（户次）"), str(fig.get("household_visits", 0))),
        (_("参加走访干部（人）"), str(fig.get("cadres", 0))),
        (_("了解掌握情况（条）"), str(fig.get("findings", 0))),
        (_("承诺办实事（件）"), str(d.get("promised", 0))),
        (_("按期办结（件）"), str(d.get("on_time", 0))),
        (_("超期办结（件）"), str(d.get("late", 0))),
        (_("正在办理（件）"), str(d.get("open", 0))),
    ]


def _rec_support(rec) -> str:
    return "；".join(f"FX{f.pk:06d} {f.get_category_display()}：{f.text[:40]}" for f in rec.findings.all())


def report_docx(report, recommendations) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    style = doc.styles["Normal"]
    style.font.name = SERIF
    style.font.size = Pt(16)  # 三号
    style.element.rPr.rFonts.set(qn("w:eastAsia"), SERIF)

    def para(text, *, size=16, bold=False, center=False, indent=True, font=SERIF):
        p = doc.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = font
        run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
        return p

    para(report.title, size=22, bold=True, center=True)  # 二号 小标宋
    para(
        f"（{report.org.name}　{report.period_start:%Y年%m月%d日}至{report.period_end:%Y年%m月%d日}）",
        size=14,
        center=True,
    )
    para(_("一、基本情况"), bold=True, indent=False, font=SANS)
    for line in report.situation.splitlines():
        if line.strip():
            para(line.strip())
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in _figure_table(report.figures):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_picture(io.BytesIO(chart_png(report.figures)), width=Cm(15))
    para(_("二、问题分析"), bold=True, indent=False, font=SANS)
    for line in report.analysis.splitlines():
        if line.strip():
            para(line.strip())
    para(_("三、对策建议"), bold=True, indent=False, font=SANS)
    for rec in recommendations:
        para(f"（{rec.position}）{rec.text}")
        support = _rec_support(rec)
        if support:
            para(_("支撑情况：") + support, size=12)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


PDF_CSS = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; @bottom-center {{ content: "— " counter(page) " —"; font-family: "{SERIF}"; font-size: 14pt; }} }}
body {{ font-family: "{SERIF}", serif; font-size: 16pt; line-height: 1.75; }}
h1 {{ text-align: center; font-size: 22pt; font-weight: bold; margin: 0 0 6pt; }}
.sub {{ text-align: center; font-size: 14pt; margin-bottom: 12pt; }}
h2 {{ font-family: "{SANS}", sans-serif; font-size: 16pt; margin: 10pt 0 0; }}
p {{ text-indent: 2em; margin: 0; }}
table {{ border-collapse: collapse; width: 100%; font-size: 12pt; margin: 6pt 0; }}
td {{ border: 0.5pt solid #000; padding: 2pt 6pt; }}
img {{ width: 100%; }}
.support {{ font-size: 12pt; }}
"""


def report_html(report, recommendations) -> str:
    def paras(text):
        return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())

    rows = "".join(
        f"<tr><td>{escape(a)}</td><td>{escape(b)}</td></tr>" for a, b in _figure_table(report.figures)
    )
    chart = base64.b64encode(chart_png(report.figures)).decode()
    recs = "".join(
        f"<p>（{r.position}）{escape(r.text)}</p>"
        + (
            f'<p class="support">{escape(_("支撑情况：") + _rec_support(r))}</p>'
            if r.findings.exists()
            else ""
        )
        for r in recommendations
    )
    return (
        f"<html><head><meta charset='utf-8'><style>{PDF_CSS}</style></head><body>"
        f"<h1>{escape(report.title)}</h1>"
        f"<div class='sub'>（{escape(report.org.name)}　{report.period_start:%Y年%m月%d日}至{report.period_end:%Y年%m月%d日}）</div>"
        f"<h2>{_('一、基本情况')}</h2>{paras(report.situation)}<table>{rows}</table>"
        f"<img src='data:image/png;base64,{chart}'>"
        f"<h2>{_('二、问题分析')}</h2>{paras(report.analysis)}"
        f"<h2>{_('三、对策建议')}</h2>{recs}</body></html>"
    )


def report_pdf(report, recommendations) -> bytes:
    from unionwork.core import pdf

    return pdf.render(report_html(report, recommendations))
