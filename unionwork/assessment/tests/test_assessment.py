"""The 100-point assessment end to end on the demo city: schemes and versions, scores from the
kept figures, evidence and review, veto, bonus cap, rankings per group, appeals, reproducibility,
the kept score figure, hard requirements, scope and audit."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from unionwork.assessment import actions, demo, queries, scoring
from unionwork.assessment.indicators import SCORE
from unionwork.assessment.models import (
    AppealState,
    ComputationKind,
    Group,
    Item,
    ItemResult,
    Rule,
    Scheme,
    SchemeState,
    Source,
    UnitResult,
    VetoEffect,
)
from unionwork.core import audit, indicators
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_demos")]

YEAR = 2026
EV = demo.EV


def _sections(base_points=(60, 40), veto_effect=VetoEffect.FAIL):
    """A small scheme: a founding-rate threshold, an evidence item, a bonus, a deduction, a veto."""
    a, b = base_points
    return [
        (
            "一、指标",
            [("A1", "建会率", "base", a, "founding.rate", Rule.THRESHOLD, {"steps": [[0, 1.0]]}, False)],
        ),
        (
            "二、市定",
            [
                ("E1", "法律顾问制度", "base", b, EV, Rule.REVIEW, {}, False),
                (
                    "F1",
                    "典型经验",
                    "bonus",
                    10,
                    "culture.model_experiences",
                    Rule.PER_COUNT,
                    {"each": 4},
                    False,
                ),
                ("F2", "创新", "bonus", 10, EV, Rule.REVIEW, {}, False),
                ("G1", "逾期督办", "deduction", 3, "documents.overdue", Rule.PER_COUNT, {"each": 0.5}, False),
                ("V1", "瞒报", "veto", 0, "stability.concealed", Rule.OVER, {"over": 0}, False),
            ],
        ),
    ]


def _scheme(group=Group.DISTRICTS, year=2031, publish=True, **kw):
    city = demo_user("city_admin")
    with audit.acting_as(city, "test"):
        s = demo.build_scheme(
            city,
            unit("2102"),
            year=year,
            group=group,
            name=f"测试方案{year}{group}",
            sections=_sections(**kw),
        )
        if publish:
            s = actions.publish_scheme(city, s)
    if any(
        i.kind == "veto" and i.veto_effect != kw.get("veto_effect", VetoEffect.FAIL) for i in s.items.all()
    ):
        Item.objects.filter(scheme=s, kind="veto").update(veto_effect=kw["veto_effect"])
    return s


def _as(name):
    return audit.acting_as(demo_user(name), "test")


# -- schemes --------------------------------------------------------------------------------------------


def test_base_points_must_sum_to_100_to_publish():
    city = demo_user("city_admin")
    s = _scheme(base_points=(60, 39), publish=False)
    with _as("city_admin"), pytest.raises(ActionError, match="100 分，现为 99"):
        actions.publish_scheme(city, s)
    with _as("city_admin"):
        a1 = s.items.get(code="A1")
        actions.save_item(city, s, a1, points=Decimal("61"))
        assert actions.publish_scheme(city, s).state == SchemeState.PUBLISHED


def test_a_published_scheme_is_frozen_and_a_change_is_a_new_version_with_its_reason():
    city = demo_user("city_admin")
    s = _scheme()
    with _as("city_admin"):
        with pytest.raises(ActionError, match="修订"):
            actions.save_item(city, s, s.items.get(code="A1"), points=Decimal("50"))
        with pytest.raises(ActionError, match="修订原因"):
            actions.revise_scheme(city, s, reason="")
        v2 = actions.revise_scheme(city, s, reason="省总调整建会率分值")
        assert (v2.version, v2.series, v2.previous_id, v2.state) == (2, s.series, s.pk, SchemeState.DRAFT)
        assert sorted(v2.items.values_list("code", flat=True)) == sorted(
            s.items.values_list("code", flat=True)
        )
        s.refresh_from_db()
        assert s.state == SchemeState.PUBLISHED  # in force until the new version is published
        actions.save_item(city, v2, v2.items.get(code="A1"), points=Decimal("50"))
        actions.save_item(city, v2, v2.items.get(code="E1"), points=Decimal("50"))
        actions.publish_scheme(city, v2)
    s.refresh_from_db()
    assert s.state == SchemeState.SUPERSEDED
    assert s.items.get(code="A1").points == Decimal("60")  # the old version is kept as it was
    verbs = list(
        AuditEvent.objects.filter(object_id__in=[str(s.pk), str(v2.pk)]).values_list("verb", flat=True)
    )
    assert {"revise_scheme", "supersede_scheme", "publish_scheme"} <= set(verbs)


def test_only_the_assessing_levels_administrator_manages_schemes():
    s = _scheme(publish=False)
    for name in ("gjz_admin", "city_viewer"):
        with _as(name), pytest.raises(ActionError):
            actions.publish_scheme(demo_user(name), s)


def test_an_item_bound_to_an_unknown_indicator_or_a_wrong_rule_is_refused():
    city = demo_user("city_admin")
    s = _scheme(publish=False)
    section = s.sections.first()
    with _as("city_admin"):
        with pytest.raises(ActionError, match="指标"):
            actions.save_item(
                city,
                s,
                section=section,
                code="X1",
                name="x",
                kind="base",
                points=1,
                source=Source.INDICATOR,
                indicator="no.such",
                rule=Rule.THRESHOLD,
                params={"steps": [[1, 1]]},
            )
        with pytest.raises(ActionError, match="一票否决项可用"):
            actions.save_item(
                city,
                s,
                section=section,
                code="X2",
                name="x",
                kind="veto",
                points=0,
                source=Source.INDICATOR,
                indicator="stability.concealed",
                rule=Rule.THRESHOLD,
                params={"steps": [[1, 1]]},
                veto_effect="fail",
            )
        with pytest.raises(ActionError, match="硬性指标"):
            actions.save_item(
                city,
                s,
                section=section,
                code="X3",
                name="x",
                kind="base",
                points=1,
                source=Source.INDICATOR,
                indicator="founding.rate",
                rule=Rule.LINEAR,
                params={"low": 0, "high": 1},
                is_hard=True,
            )


# -- scores -----------------------------------------------------------------------------------------------


def test_every_indicator_item_reads_the_kept_figure_of_the_month():
    s = _scheme()
    day = datetime.date.today()
    scores = scoring.score(s, day)
    month = indicators.month_of(day)
    assert {u.unit.kind for u in scores} <= {"district", "zone"} and len(scores) >= 10
    for us in scores:
        a1 = next(i for i in us.items if i.item.code == "A1")
        assert a1.figure == indicators.value("founding.rate", us.unit, month)
        g1 = next(i for i in us.items if i.item.code == "G1")
        overdue = indicators.value("documents.overdue", us.unit, month).numerator
        assert g1.points == min(Decimal("0.5") * overdue, Decimal("3"))


def test_bonus_is_capped_and_a_veto_sets_a_failing_total():
    city = demo_user("city_admin")
    s = _scheme()
    gjz, zs = unit("210211"), unit("210202")
    with _as("city_admin"):
        actions.review(city, s, s.items.get(code="E1"), zs, points=40, comment="满分")
        actions.review(city, s, s.items.get(code="F2"), zs, points=10, comment="创新")
        actions.review(city, s, s.items.get(code="E1"), gjz, points=40, comment="满分")
    by_unit = {u.unit.pk: u for u in scoring.score(s, datetime.date.today())}
    z = by_unit[zs.pk]
    assert z.bonus == s.bonus_cap == Decimal("5")  # 10 reviewed + culture bonus, capped at 5
    assert z.total == z.base + Decimal("5") - z.deduction
    concealed = indicators.value("stability.concealed", gjz).numerator
    g = by_unit[gjz.pk]
    assert concealed > 0 and g.vetoed  # the demo's district learned of a concealed dispute in 甘井子区
    assert g.total == min(g.base + g.bonus - g.deduction, s.pass_mark - 1) and g.total < s.pass_mark
    assert g.rank is not None


def test_a_disqualifying_veto_takes_the_unit_out_of_the_ranking():
    s = _scheme(veto_effect=VetoEffect.DISQUALIFY)
    rows = scoring.score(s, datetime.date.today())
    gjz = next(r for r in rows if r.unit.code == "210211")
    assert gjz.disqualified and gjz.rank is None and rows[-1] is gjz
    ranked = [r.rank for r in rows if r.rank]
    assert ranked[0] == 1 and ranked == sorted(ranked)


def test_rankings_are_separate_for_districts_and_industrial_unions():
    d, i = _scheme(Group.DISTRICTS), _scheme(Group.INDUSTRIAL)
    with _as("city_admin"):
        cd = actions.compute(demo_user("city_admin"), d)
        ci = actions.compute(demo_user("city_admin"), i)
    kinds_d = set(cd.results.values_list("unit__kind", flat=True))
    kinds_i = set(ci.results.values_list("unit__kind", flat=True))
    assert kinds_d <= {"district", "zone"} and kinds_i == {"industrial"}
    assert min(cd.results.exclude(rank=None).values_list("rank", flat=True)) == 1
    assert min(ci.results.exclude(rank=None).values_list("rank", flat=True)) == 1


# -- evidence and review ----------------------------------------------------------------------------------


def test_a_reviewer_cannot_score_their_own_unit():
    s = _scheme()
    e1 = s.items.get(code="E1")
    with _as("gjz_admin"):
        c = actions.claim(
            demo_user("gjz_admin"),
            s,
            e1,
            unit("210211"),
            text="已建立",
            files=[("制度.txt", "法律顾问制度".encode())],
        )
    assert c.files.count() == 1
    for name in ("gjz_reviewer", "gjz_admin"):
        with _as(name), pytest.raises(ActionError, match="本单位"):
            actions.review(demo_user(name), s, e1, unit("210211"), points=10, comment="自评", claim_obj=c)
    with _as("city_admin"):
        r = actions.review(
            demo_user("city_admin"), s, e1, unit("210211"), points=30, comment="材料齐全", claim_obj=c
        )
        with pytest.raises(ActionError, match="不能超过"):
            actions.review(demo_user("city_admin"), s, e1, unit("210211"), points=41, comment="超分")
    row = next(
        i
        for u in scoring.score(s, datetime.date.today())
        if u.unit.code == "210211"
        for i in u.items
        if i.item.code == "E1"
    )
    assert (row.points, row.source, row.review) == (Decimal("30.00"), "review", r)


def test_a_claim_refuses_hostile_files_and_foreign_links():
    s = _scheme()
    e1 = s.items.get(code="E1")
    gjz_admin = demo_user("gjz_admin")
    with _as("gjz_admin"):
        with pytest.raises(ActionError, match="内容与扩展名"):
            actions.claim(
                gjz_admin, s, e1, unit("210211"), text="x", files=[("制度.pdf", b"MZ\x90\x00 not a pdf")]
            )
        with pytest.raises(ActionError, match="以 / 开头"):
            actions.claim(gjz_admin, s, e1, unit("210211"), text="x", link="https://evil.example/")
        with pytest.raises(ActionError, match="被考核单位本级"):
            actions.claim(demo_user("city_admin"), s, e1, unit("210211"), text="x")
        with pytest.raises(ActionError):
            actions.claim(gjz_admin, s, e1, unit("210202"), text="代中山区申报")


# -- rankings, appeals, reproducibility -------------------------------------------------------------------


def test_appeal_flow_to_the_final_ranking_traced_and_frozen():
    city, gjz_admin = demo_user("city_admin"), demo_user("gjz_admin")
    s = _scheme()
    e1 = s.items.get(code="E1")
    day = datetime.date.today()
    with _as("city_admin"):
        prov = actions.compute(city, s, kind=ComputationKind.PROVISIONAL, day=day)
    assert prov.appeal_until == day + datetime.timedelta(days=s.appeal_days)
    mine = UnitResult.objects.get(computation=prov, unit__code="210211")
    with _as("gjz_admin"):
        appeal = actions.file_appeal(gjz_admin, mine, e1, reason="已报送法律顾问制度，未评分")
        with pytest.raises(ActionError, match="已有待裁定"):
            actions.file_appeal(gjz_admin, mine, e1, reason="再次")
    with _as("city_admin"):
        with pytest.raises(ActionError, match="申诉期"):
            actions.compute(city, s, kind=ComputationKind.FINAL, day=prov.appeal_until)
        with pytest.raises(ActionError, match="未裁定"):
            actions.compute(
                city, s, kind=ComputationKind.FINAL, day=prov.appeal_until + datetime.timedelta(days=1)
            )
        with pytest.raises(ActionError, match="裁定得分"):
            actions.decide_appeal(city, appeal, upheld=True, decision="属实")
        actions.decide_appeal(city, appeal, upheld=True, decision="材料属实", points=Decimal("35"))
    late = datetime.datetime.combine(
        prov.appeal_until + datetime.timedelta(days=1), datetime.time(9), tzinfo=datetime.UTC
    )
    with _as("gjz_admin"), pytest.raises(ActionError, match="申诉期已过"):
        actions.file_appeal(gjz_admin, mine, s.items.get(code="A1"), reason="过期", now=late)
    with _as("city_admin"):
        final = actions.compute(
            city, s, kind=ComputationKind.FINAL, day=prov.appeal_until + datetime.timedelta(days=1)
        )
    row = ItemResult.objects.get(computation=final, unit__code="210211", item=e1)
    assert (row.points, row.source, row.appeal_id) == (Decimal("35.00"), "appeal", appeal.pk)
    assert "申诉成立" in row.basis and "材料属实" in row.basis
    res = UnitResult.objects.get(computation=final, unit__code="210211")
    assert res.previous_total == mine.total and res.previous_rank == mine.rank
    with _as("city_admin"):
        with pytest.raises(ActionError, match="冻结"):
            actions.compute(city, s)
        with pytest.raises(ActionError):
            actions.review(city, s, e1, unit("210202"), points=1, comment="冻结后")
        actions.close_scheme(city, s)
    assert {"file_appeal", "decide_appeal", "compute_final", "compute_provisional"} <= set(
        AuditEvent.objects.filter(
            verb__in=["file_appeal", "decide_appeal", "compute_final", "compute_provisional"]
        ).values_list("verb", flat=True)
    )
    assert appeal.__class__.objects.get(pk=appeal.pk).state == AppealState.UPHELD


def test_recomputing_a_closed_scheme_from_the_stored_month_figures_gives_the_same_totals():
    city = demo_user("city_admin")
    s = _scheme()
    day = datetime.date.today()
    with _as("city_admin"):
        prov = actions.compute(city, s, kind=ComputationKind.PROVISIONAL, day=day)
        final = actions.compute(
            city, s, kind=ComputationKind.FINAL, day=prov.appeal_until + datetime.timedelta(days=1)
        )
        actions.close_scheme(city, s)
    assert queries.recompute_matches(final) == []
    # Records change in a later month: the closed scheme's month figures do not, nor its totals.
    gjz = unit("210211")
    later = indicators.month_of(day + datetime.timedelta(days=40))
    with audit.acting_as(None, "test"):
        indicators.bump("founding.rate", gjz.path, gjz.ipath, numerator=50, denominator=50, when=later)
        indicators.bump("documents.overdue", gjz.path, gjz.ipath, numerator=3, when=later)
    assert queries.recompute_matches(final) == []
    # Had the month's own figure changed (a correction of the month), the check would say so.
    zs = unit("210202")
    fig = indicators.value("founding.rate", zs, final.month)
    assert fig.denominator
    with audit.acting_as(None, "test"):
        indicators.bump(
            "founding.rate", zs.path, zs.ipath, -fig.numerator, -fig.denominator, when=final.month
        )
    assert [name for name, _a, _b in queries.recompute_matches(final)] == [zs.name]


def test_the_published_score_is_a_kept_figure_the_dashboard_shows(client):
    city = demo_user("city_admin")
    s = _scheme(Group.INDUSTRIAL)
    with _as("city_admin"):
        prov = actions.compute(city, s, kind=ComputationKind.PROVISIONAL)
    jx = unit("I01")
    res = UnitResult.objects.get(computation=prov, unit=jx)
    fig = indicators.value(SCORE, jx)
    assert fig.numerator == int(res.total * 100) and fig.denominator == 10_000
    assert indicators.live_totals(SCORE, jx.path) == fig
    client.force_login(demo_user("jx_admin"))
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "百分考核得分率" in page and f"{fig.rate}%" in page


# -- hard requirements, pages, scope ----------------------------------------------------------------------


def test_hard_requirements_count_down_with_the_live_figure_and_pace(client):
    client.force_login(demo_user("city_admin"))
    page = client.get(reverse("assessment:home")).content.decode()
    assert (
        page.count('data-testid="hard-requirement"') == 7
    )  # 4 of the districts' scheme, 3 of the industrial
    city = unit("2102")
    hard = queries.hard_requirements(
        demo_user("city_admin"), city, [unit("210211")], datetime.date(YEAR, 6, 1)
    )
    cards = next(h for h in hard if h.item.code == "C1" and h.scheme.group == Group.DISTRICTS)
    assert cards.days_left == (datetime.date(YEAR, 8, 31) - datetime.date(YEAR, 6, 1)).days
    row = cards.rows[1]
    assert row.figure == indicators.value("members.card_coverage", unit("210211"), datetime.date(YEAR, 6, 1))
    assert row.pace.time == pytest.approx(round(151 * 100 / 242, 1))
    # A district sees its own node and its streets, with the same countdown.
    client.force_login(demo_user("gjz_viewer"))
    page = client.get(reverse("assessment:home")).content.decode()
    assert "甘井子区总工会" in page and "还剩" in page or "已过截止" in page


def test_an_assessed_unit_sees_its_own_sheet_and_the_published_totals_only(client):
    prov = UnitResult.objects.filter(
        computation__kind="provisional", computation__scheme__group=Group.DISTRICTS
    )
    mine, theirs = prov.get(unit__code="210211"), prov.get(unit__code="210202")
    client.force_login(demo_user("gjz_viewer"))
    assert client.get(reverse("assessment:result-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("assessment:result-detail", args=[theirs.pk])).status_code == 404
    assert client.get(f"/api/v1/assessment/results/{theirs.pk}").status_code in (401, 404)
    ranking = client.get(reverse("assessment:ranking", args=[mine.computation.scheme_id])).content.decode()
    assert "中山区总工会" in ranking and str(theirs.total) in ranking
    # The working trial is the assessing level's own.
    working = mine.computation.scheme.computations.filter(kind="working").first()
    assert (
        client.get(
            reverse("assessment:ranking", args=[working.scheme_id]) + f"?computation={working.pk}"
        ).status_code
        == 404
    )
    # The city sees every unit's sheet.
    client.force_login(demo_user("city_viewer"))
    assert client.get(reverse("assessment:result-detail", args=[theirs.pk])).status_code == 200


def test_exports_of_the_ranking_and_a_sheet(client):
    import io
    import subprocess

    from python_calamine import CalamineWorkbook

    res = UnitResult.objects.filter(computation__kind="provisional", unit__code="210211").first()
    client.force_login(demo_user("gjz_admin"))
    url = reverse("assessment:ranking", args=[res.computation.scheme_id])
    xlsx = client.get(url + "?export=xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(xlsx.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert any("甘井子区总工会" in [str(c) for c in r] for r in rows)
    pdf = client.get(reverse("assessment:result-detail", args=[res.pk]) + "?export=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "评分表" in text and "甘井子区总工会" in text


# -- notifications -----------------------------------------------------------------------------------------


def test_reviewers_see_what_awaits_them_and_units_their_appeal_window():
    from unionwork.assessment import notifications

    city, gjz_admin = demo_user("city_admin"), demo_user("gjz_admin")
    open_appeals = queries.appeals_to_decide(city)
    assert open_appeals.filter(unit__code="210211", state=AppealState.OPEN).exists()  # the demo's
    assert not queries.appeals_to_decide(gjz_admin).exists()  # a unit never decides its own
    waiting = queries.claims_to_review(city)
    assert waiting.filter(unit__code="210211", item__code="C5").exists()  # claimed, not reviewed
    assert not waiting.filter(unit__code="210211", item__code="A4").exists()  # reviewed after the claim
    assert not queries.claims_to_review(demo_user("gjz_reviewer")).exists()
    windows = queries.open_appeal_windows(gjz_admin)
    assert windows.count() == 1 and windows.first().unit.code == "210211"
    # A hard requirement a month ahead: reminded to each district below the target, not to one at it.
    s = _scheme(publish=False)
    with _as("city_admin"):
        actions.save_item(
            city,
            s,
            section=s.sections.first(),
            code="H1",
            name="会员卡",
            kind="base",
            points=1,
            source=Source.INDICATOR,
            indicator="members.card_coverage",
            rule=Rule.DEADLINE,
            params={
                "target": 90,
                "deadline": (datetime.date.today() + datetime.timedelta(days=7)).isoformat(),
            },
            is_hard=True,
        )
        actions.save_item(city, s, s.items.get(code="A1"), points=Decimal("59"))
        actions.publish_scheme(city, s)
    reminders = [r for r in notifications._hard_reminders(datetime.date.today()) if ":H1:" in r.subject]
    reminded = {r.unit_ids[0] for r in reminders}
    for u in scoring.assessed_units(s):
        value = scoring.value_of(indicators.value("members.card_coverage", u))
        assert (u.pk in reminded) == (value is None or value < 90), u.name
    assert reminders and "目标 90" in reminders[0].body


def test_a_scheme_is_carried_into_next_year_as_a_draft_with_its_deadlines_moved(client):
    city = demo_user("city_admin")
    year = datetime.date.today().year
    demo_scheme = Scheme.objects.get(is_demo=True, group=Group.DISTRICTS)
    client.force_login(city)
    resp = client.post(
        reverse("assessment:scheme-copy", args=[demo_scheme.pk]), {"year": year + 1, "name": ""}
    )
    assert resp.status_code == 302
    new = Scheme.objects.get(org=demo_scheme.org, year=year + 1, group=Group.DISTRICTS)
    assert new.state == SchemeState.DRAFT and str(year + 1) in new.name and new.series == new.pk
    assert new.items.count() == demo_scheme.items.count()
    assert new.items.get(code="C1").params["deadline"] == f"{year + 1}-08-31"
    assert actions.points_summary(new)["base"] == Decimal("100")
    assert demo_scheme.items.get(code="C1").params["deadline"] == f"{year}-08-31"
    with _as("gjz_admin"), pytest.raises(ActionError):
        actions.copy_scheme(demo_user("gjz_admin"), demo_scheme, year=year + 2)


def test_the_claim_page_names_the_file_it_refuses_and_keeps_nothing(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    s = Scheme.objects.get(is_demo=True, group=Group.DISTRICTS)
    item = s.items.get(code="E5")
    client.force_login(demo_user("gjz_admin"))
    url = reverse("assessment:claim-create", args=[s.pk])
    before = s.claims.count()
    fake = SimpleUploadedFile(
        "预算批复.pdf", b"PK\x03\x04 a zip renamed to pdf", content_type="application/pdf"
    )
    resp = client.post(url, {"item": item.pk, "text": "已列入预算", "files": [fake]})
    assert resp.status_code == 400 and "预算批复.pdf" in resp.content.decode(), resp.context["form"].errors
    many = [SimpleUploadedFile(f"{i}.txt", b"x", content_type="text/plain") for i in range(7)]
    resp = client.post(url, {"item": item.pk, "text": "已列入预算", "files": many})
    assert resp.status_code == 400 and "最多 6 个" in resp.content.decode()
    assert s.claims.count() == before
    good = SimpleUploadedFile("预算批复.txt", "财政预算批复".encode(), content_type="text/plain")
    resp = client.post(url, {"item": item.pk, "text": "已列入预算", "files": [good]})
    assert resp.status_code == 302 and s.claims.count() == before + 1
    claim = s.claims.order_by("-pk").first()
    assert claim.unit.code == "210211" and claim.files.get().name == "预算批复.txt"


def test_the_assessed_units_are_the_tree_as_of_the_figures_month():
    from unionwork.orgs import actions as orgs_actions

    city = demo_user("city_admin")
    s = _scheme()
    today = datetime.date.today()
    last_month = indicators.month_of(today) - datetime.timedelta(days=1)
    with _as("city_admin"):
        zone = orgs_actions.create_unit(city, parent=unit("2102"), name="测试新设先导区总工会", kind="zone")
    now = {u.pk for u in scoring.assessed_units(s, today)}
    then = {u.pk for u in scoring.assessed_units(s, last_month)}
    assert zone.pk in now and zone.pk not in then  # founded this month: not assessed for last month
    assert then <= now and unit("210211").pk in then and len(then) >= 10  # the real districts, then and now
    assert {r.unit.pk for r in scoring.score(s, last_month)} == then


@pytest.mark.parametrize(
    ("username", "review", "claim", "compute"),
    [
        ("city_admin", True, False, True),
        ("city_viewer", False, False, False),
        ("gjz_admin", False, True, False),
        ("gjz_editor", False, True, False),
        ("gjz_reviewer", False, False, False),
        ("gjz_viewer", False, False, False),
        ("jx_admin", False, False, False),  # an industrial union: not assessed by the districts' scheme
    ],
)
def test_the_scheme_page_offers_only_what_the_role_can_do(client, username, review, claim, compute):
    s = Scheme.objects.get(is_demo=True, group=Group.DISTRICTS)
    client.force_login(demo_user(username))
    page = client.get(s.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert (reverse("assessment:reviews", args=[s.pk]) in html) is review
    assert (reverse("assessment:claim-create", args=[s.pk]) in html) is claim
    assert (reverse("assessment:scheme-compute", args=[s.pk]) in html) is compute
    for url, shown in (
        (reverse("assessment:reviews", args=[s.pk]), review),
        (reverse("assessment:claim-create", args=[s.pk]), claim),
        (reverse("assessment:scheme-compute", args=[s.pk]), compute),
    ):
        assert (client.get(url).status_code == 200) is shown, url
