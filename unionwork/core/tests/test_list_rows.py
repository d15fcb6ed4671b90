"""A list page's rows are built in Python (core.views.ListRow, resolve): what they show must be
exactly what the template and Django's own ``get_X_display`` would show."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import timezone, translation

from unionwork.core.views import ListRow, _cell, resolve
from unionwork.members.models import Member
from unionwork.orgs.models import OrgUnit


def test_choice_labels_equal_djangos_in_each_language():
    m = Member(sex="F", employment_form=Member._meta.get_field("employment_form").choices[1][0], education="")
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            assert resolve(m, "get_sex_display") == m.get_sex_display()
            assert resolve(m, "get_employment_form_display") == m.get_employment_form_display()
            assert resolve(m, "get_education_display") == m.get_education_display() == ""
    m.sex = "X"  # a value outside the choices shows as stored, as Django does
    assert resolve(m, "get_sex_display") == m.get_sex_display() == "X"


def test_choice_label_through_a_relation_and_a_missing_one():
    unit = OrgUnit(name="甲", kind="street")
    child = OrgUnit(name="乙", kind="community", parent=unit)
    assert resolve(child, "parent.get_kind_display") == unit.get_kind_display()
    assert resolve(OrgUnit(name="丙", kind="city"), "parent.get_kind_display") is None


class _Row:
    def __init__(self, url=""):
        self.url = url

    def get_absolute_url(self):
        return self.url


def test_row_html_equals_the_templates_rendering():
    aware = timezone.make_aware(datetime.datetime(2026, 3, 4, 5, 6))
    cells = [
        _cell(v)
        for v in [
            "<b>名</b> & 号",
            1234567,
            Decimal("12.50"),
            datetime.date(2026, 1, 2),
            aware,
            None,
            True,
            0,
        ]
    ]
    labels = ["名称", "数", "额", "日", "时", "空", "是否", "零"]
    row = ListRow(_Row("/x/?a=1&b=<2>"), cells, labels)
    template = Template(
        '{% for cell in row.cells %}<td>{% if forloop.first and row.url %}<a href="{{ row.url }}">{{ cell }}</a>'
        "{% else %}{{ cell }}{% endif %}</td>{% endfor %}|"
        '{% for label, cell in row.rest %}<dt class="col-4 uw-muted fw-normal text-truncate">{{ label }}</dt>'
        '<dd class="col-8 mb-0 text-break">{{ cell }}</dd>{% endfor %}'
    )
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            row = ListRow(_Row("/x/?a=1&b=<2>"), cells, labels)
            expected = template.render(Context({"row": row}))
            assert f"{row.table_html()}|{row.card_html()}" == expected
    assert "&lt;b&gt;" in row.table_html() and "<b>" not in row.table_html()
    assert "空" not in row.card_html()  # empty cells are left out of the card, as before
    no_link = ListRow(_Row(""), cells, labels)
    assert no_link.table_html().startswith("<td>&lt;b&gt;")
