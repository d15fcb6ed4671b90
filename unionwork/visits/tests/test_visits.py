"""Checklist versions, deeds at their deadline, the indicators, a dispute opening a stability case,
households masked, and the research report: its figures equal plain counts, .docx and .pdf hold them."""

import datetime
import io
import subprocess
import tempfile

import pytest
from django.utils import timezone

from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.core.testing import ARTIFACTS
from unionwork.stability.models import Case
from unionwork.visits import actions, documents, queries
from unionwork.visits.indicators import (
    DEEDS_ON_TIME,
    DONE_VS_PLANNED,
    ENTERPRISES_REACHED,
    HOUSEHOLDS_REACHED,
)
from unionwork.visits.models import Answer, Deed, Finding, Visit

from .helpers import as_user, demo_user, enterprise_in, unit, visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_demos")]


@pytest.fixture
def gjz():
    return demo_user("gjz_admin")


@pytest.fixture
def city():
    return demo_user("city_admin")


def test_an_old_visit_keeps_the_checklist_version_it_was_answered_on(gjz, city):
    old = visit(gjz, enterprise=enterprise_in("210211"))
    v1 = old.template
    first_item = v1.items.order_by("position").first()
    with as_user(city):
        v2 = actions.new_checklist_version(
            city,
            "six",
            items=[
                {"text": "企业有无欠薪", "kind": "yes_no", "required": True},
                {"text": "备注", "kind": "text"},
            ],
            note="第二版",
        )
    old.refresh_from_db()
    assert v2.version == v1.version + 1 and old.template_id == v1.pk
    assert Answer.objects.filter(visit=old, item=first_item).exists()
    v1.refresh_from_db()
    assert not v1.is_current and v2.is_current
    with pytest.raises(ActionError, match="必须回答"):
        visit(gjz, enterprise=enterprise_in("210211"), answers={})
    new = visit(gjz, enterprise=enterprise_in("210211"), answers={v2.items.get(position=1).pk: "no"})
    assert new.template_id == v2.pk
    assert [a.item.template_id for a in new.answers.all()] == [v2.pk]


def test_only_the_city_administrator_versions_a_checklist(gjz):
    with as_user(gjz), pytest.raises(ActionError):
        actions.new_checklist_version(gjz, "six", items=[{"text": "x"}], note="n")


def test_a_draft_sent_twice_is_recorded_once(gjz):
    e = enterprise_in("210211")
    a = visit(gjz, enterprise=e, client_key="draft-1")
    b = visit(gjz, enterprise=e, client_key="draft-1")
    assert a.pk == b.pk and Visit.objects.filter(client_key="draft-1").count() == 1


def test_deed_deadlines_at_the_boundary(gjz):
    editor = demo_user("gjz_editor")
    v = visit(
        gjz,
        enterprise=enterprise_in("210211"),
        findings=[{"category": "demand", "severity": 2, "text": "班车"}],
    )
    f = v.findings.get()
    today = timezone.localdate()
    before = indicators.value(DEEDS_ON_TIME, unit("210211"))
    with as_user(gjz):
        on_day = actions.promise_deed(gjz, f, title="按期", owner=editor, promised_on=today)
        late = actions.promise_deed(
            gjz, f, title="超期", owner=editor, promised_on=today - datetime.timedelta(days=1)
        )
        due_today = actions.promise_deed(gjz, f, title="今天到期", owner=editor, promised_on=today)
    # The promised date itself is not overdue; the day after is.
    assert not on_day.is_overdue(today) and late.is_overdue(today)
    assert actions.count_overdue_deeds(today) == 1  # only the one promised yesterday
    assert Deed.objects.get(pk=due_today.pk).counted_due is False
    with as_user(editor):
        actions.mark_deed_done(
            editor, on_day, done_on=today, evidence="已办"
        )  # on the promised date: on time
        actions.mark_deed_done(editor, late, done_on=today, evidence="已办")  # after it: late
    after = indicators.value(DEEDS_ON_TIME, unit("210211"))
    assert (after.numerator - before.numerator, after.denominator - before.denominator) == (1, 2)
    assert indicators.live_totals(DEEDS_ON_TIME, unit("210211").path) == after
    summary = queries.deed_summary(gjz, unit("210211"))
    assert summary.on_time >= 1 and summary.late >= 1
    with as_user(editor), pytest.raises(ActionError, match="无权|不能核实"):
        actions.verify_deed(editor, Deed.objects.get(pk=on_day.pk), note="自己核实")
    with as_user(gjz):
        assert actions.verify_deed(gjz, Deed.objects.get(pk=on_day.pk), note="属实").state == "verified"


def test_the_kept_figures_follow_visits_pairings_and_withdrawals(gjz):
    district = unit("210211")
    e = enterprise_in("210211")
    today = timezone.localdate()
    with as_user(gjz):
        campaign = actions.set_campaign(
            gjz,
            district,
            name="测试活动",
            starts_on=today.replace(day=1),
            ends_on=today.replace(day=1) + datetime.timedelta(days=40),
            enterprises_per_month=2,
            households_per_month=1,
        )
        actions.pair(gjz, campaign, cadre=gjz, enterprises=[e])
    keys = (DONE_VS_PLANNED, ENTERPRISES_REACHED, HOUSEHOLDS_REACHED)
    before = {k: indicators.value(k, district) for k in keys}
    v = visit(gjz, enterprise=e)
    h = visit(gjz, kind="household")
    for k in keys:
        assert indicators.value(k, district) == indicators.live_totals(k, district.path), k
    assert (
        indicators.value(HOUSEHOLDS_REACHED, district).numerator == before[HOUSEHOLDS_REACHED].numerator + 1
    )
    rows = queries.campaign_cadres(campaign)
    assert [(r.cadre.pk, r.done, r.planned) for r in rows] == [(gjz.pk, 2, 3)]
    with as_user(gjz):
        actions.withdraw_visit(gjz, h, reason="误录")
        actions.withdraw_visit(gjz, v, reason="误录")
    for k in keys:
        assert indicators.value(k, district) == indicators.live_totals(k, district.path), k
    assert indicators.value(HOUSEHOLDS_REACHED, district) == before[HOUSEHOLDS_REACHED]


def test_a_dispute_opens_a_linked_stability_case(gjz):
    v = visit(
        gjz,
        enterprise=enterprise_in("210211"),
        findings=[{"category": "risk", "severity": 3, "text": "欠薪三个月"}],
    )
    f = v.findings.get()
    with as_user(gjz):
        actions.open_case_for_finding(gjz, f, kind="wage_arrears", severity="general", workers_involved=12)
    f.refresh_from_db()
    case = Case.objects.get(pk=f.case_id)
    assert case.kind == "dispute" and "欠薪三个月" in case.description
    with as_user(gjz), pytest.raises(ActionError):
        actions.open_case_for_finding(gjz, f, kind="wage_arrears", severity="general")


def test_a_household_is_masked_in_lists_and_the_api(client, gjz):
    visit(
        gjz,
        kind="household",
        household_name="欧阳娜娜",
        household_address="大连市甘井子区某某街道幸福小区 8 号",
    )
    viewer = demo_user("gjz_viewer")
    client.force_login(viewer)
    for url in ("/visits/list/", "/visits/list/?export=xlsx"):
        body = (
            b"".join(client.get(url).streaming_content) if url.endswith("xlsx") else client.get(url).content
        )
        if not url.endswith("xlsx"):
            text = body.decode()
            assert "欧阳娜娜" not in text and "欧***家" in text, url
    v = Visit.objects.get(household_name="欧阳娜娜")
    page = client.get(v.get_absolute_url()).content.decode()
    assert "欧阳娜娜" not in page and "幸福小区" not in page


def test_a_photo_is_checked_by_its_content_and_stored_encrypted(gjz):
    from django.core.files.uploadedfile import SimpleUploadedFile

    v = visit(gjz, enterprise=enterprise_in("210211"))
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    with as_user(gjz):
        with pytest.raises(ActionError, match="JPEG 或 PNG"):
            actions.add_photo(gjz, v, SimpleUploadedFile("x.png", b"<script>alert(1)</script>"))
        p = actions.add_photo(gjz, v, SimpleUploadedFile("x.png", png))
    with p.file.open("rb") as fh:
        assert fh.read() != png
    assert actions.photo_bytes(gjz, p) == png


def _plain(org, start, end):
    vs = [
        v
        for v in Visit.objects.filter(withdrawn_at=None)
        if v.org.path.startswith(org.path) and start <= v.visited_on <= end
    ]
    fs = [
        f
        for f in Finding.objects.filter(visit__withdrawn_at=None)
        if f.org.path.startswith(org.path) and start <= f.found_on <= end
    ]
    return {
        "visits": len(vs),
        "enterprise_visits": sum(1 for v in vs if v.kind == "enterprise"),
        "household_visits": sum(1 for v in vs if v.kind == "household"),
        "enterprises": len({v.enterprise_id for v in vs if v.enterprise_id}),
        "findings": len(fs),
        "demand": sum(1 for f in fs if f.category == "demand"),
    }


def test_report_figures_equal_a_plain_count_and_the_documents_hold_them(gjz):
    district = unit("210211")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    visit(
        gjz,
        enterprise=enterprise_in("210211"),
        visited_on=today - datetime.timedelta(days=2),
        findings=[
            {"category": "demand", "severity": 3, "text": "诉求甲"},
            {"category": "risk", "severity": 2, "text": "风险乙"},
        ],
    )
    visit(
        gjz,
        kind="household",
        visited_on=today - datetime.timedelta(days=1),
        findings=[{"category": "demand", "severity": 1, "text": "诉求丙"}],
    )
    visit(
        gjz, enterprise=enterprise_in("210211"), visited_on=start - datetime.timedelta(days=1)
    )  # before the period
    with as_user(gjz):
        report = actions.draft_report(gjz, district, period_start=start, period_end=today)
        actions.add_recommendation(
            gjz, report, text="建议开通班车", findings=list(queries.report_findings(gjz, report)[:1])
        )
    plain = _plain(district, start, today)
    fig = report.figures
    for k in ("visits", "enterprise_visits", "household_visits", "enterprises", "findings"):
        assert fig[k] == plain[k], k
    assert next(r["count"] for r in fig["by_category"] if r["key"] == "demand") == plain["demand"]
    # Reproducible: drawn again from the stored period and scope, the same figures.
    assert queries.report_figures(report.org, report.period_start, report.period_end) == fig
    assert fig["ranked"][0]["key"] == "demand"  # 3+1 outweighs 2
    recs = queries.recommendations(report)
    from docx import Document

    doc = Document(io.BytesIO(documents.report_docx(report, recs)))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert report.title in text and "建议开通班车" in text
    assert f"共组织走访 {plain['visits']} 次" in text
    assert str(plain["findings"]) in text
    assert doc.inline_shapes  # the chart
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(documents.report_pdf(report, recs))
        fh.flush()
        ARTIFACTS.mkdir(exist_ok=True)  # the first page as an image, to look at the layout
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                fh.name,
                str(ARTIFACTS / "visits-report-pdf"),
            ],
            check=False,
        )
        pdf = subprocess.run(["pdftotext", fh.name, "-"], capture_output=True, check=True, text=True).stdout
    assert "一、基本情况" in pdf and "三、对策建议" in pdf
    flat = "".join(pdf.split())
    assert f"共组织走访{plain['visits']}次" in flat and f"了解掌握情况{plain['findings']}条" in flat


def test_report_pages_and_exports_answer(client, gjz):
    with as_user(gjz):
        report = actions.draft_report(
            gjz, unit("210211"), period_start=datetime.date(2026, 1, 1), period_end=timezone.localdate()
        )
    client.force_login(gjz)
    assert client.get(report.get_absolute_url()).status_code == 200
    r = client.get(f"/visits/reports/{report.pk}/docx/")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = client.get(f"/visits/reports/{report.pk}/pdf/")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"


def test_an_owner_at_a_lower_level_sees_is_reminded_of_and_closes_the_deed(client, gjz):
    from unionwork.core import notifications
    from unionwork.core.tests.factories import make_user

    street = make_user("visits_street_owner", "210211001", ["editor"])
    v = visit(
        gjz,
        enterprise=enterprise_in("210211"),
        findings=[{"category": "demand", "severity": 1, "text": "修路"}],
    )
    today = timezone.localdate()
    with as_user(gjz):
        deed = actions.promise_deed(
            gjz, v.findings.get(), title="修路", owner=street, promised_on=today - datetime.timedelta(days=2)
        )
    assert list(queries.owned_overdue(street)) == [deed]
    mine = next(g for g in notifications.collect(street) if g.source.key == "visits.deeds")
    assert mine.count == 1 and "修路" in mine.items[0].title and mine.items[0].level == "danger"
    client.force_login(street)
    assert client.get(deed.get_absolute_url()).status_code == 200
    resp = client.post(f"/visits/deeds/{deed.pk}/done/", {"done_on": today.isoformat(), "evidence": "已修好"})
    assert resp.status_code == 302
    deed.refresh_from_db()
    assert deed.state == "done" and deed.on_time is False
    # The owner never verifies; the requesting level's reviewer does.
    assert client.post(f"/visits/deeds/{deed.pk}/verify/", {"note": "好"}).status_code == 403


def test_a_photo_is_added_later_from_the_visit_page(client, gjz):
    from django.core.files.uploadedfile import SimpleUploadedFile

    v = visit(gjz, enterprise=enterprise_in("210211"))
    client.force_login(gjz)
    png = b"\x89PNG\r\n\x1a\n" + b"1" * 50
    resp = client.post(f"/visits/{v.pk}/photo/", {"photo": SimpleUploadedFile("a.png", png, "image/png")})
    assert resp.status_code == 302
    p = v.photos.get()
    assert client.get(f"/visits/photos/{p.pk}/").content == png
    bad = client.post(
        f"/visits/{v.pk}/photo/", {"photo": SimpleUploadedFile("a.jpg", b"GIF89a....", "image/jpeg")}
    )
    assert bad.status_code == 400 and v.photos.count() == 1


def test_an_owner_s_unit_is_reminded_before_the_promised_date(gjz, settings):
    from unionwork.core import notifications
    from unionwork.core.models import Notice

    settings.UNIONWORK_REMIND_DAYS = (7, 1)
    editor = demo_user("gjz_editor")
    v = visit(
        gjz,
        enterprise=enterprise_in("210211"),
        findings=[{"category": "demand", "severity": 1, "text": "托管"}],
    )
    day = timezone.localdate()
    with as_user(gjz):
        deed = actions.promise_deed(
            gjz,
            v.findings.get(),
            title="开办托管班",
            owner=editor,
            promised_on=day + datetime.timedelta(days=7),
        )
    notifications.send_reminders(day)
    notes = Notice.objects.filter(key__startswith=f"visits.deed:{deed.pk}:")
    assert set(notes.values_list("user__username", flat=True)) == {"gjz_admin", "gjz_editor"}
    assert deed.get_absolute_url() in notes.first().url
    assert notifications.send_reminders(day)["created"] == 0


def test_a_finding_about_an_enterprise_is_seen_by_every_level_above_it(client, gjz):
    from unionwork.core.tests.factories import make_user

    e = enterprise_in("210211")
    visit(gjz, enterprise=e, findings=[{"category": "risk", "severity": 3, "text": "停产风险某某"}])
    # The street between the district and the enterprise's community.
    street = next(a for a in e.community.ancestors() if a.parent_id == unit("210211").pk)
    watcher = make_user("visits_street_viewer", street.code, ["viewer"])
    f = Finding.objects.get(text="停产风险某某")
    assert Finding.objects.restrict(watcher).filter(pk=f.pk).exists()
    assert not Finding.objects.restrict(watcher, "change").filter(pk=f.pk).exists()  # seeing only
    assert not Visit.objects.restrict(watcher).filter(pk=f.visit_id).exists()  # the visit is the district's
    client.force_login(watcher)
    assert "停产风险某某" in client.get("/visits/findings/").content.decode()
    client.force_login(demo_user("zs_admin"))
    assert "停产风险某某" not in client.get("/visits/findings/").content.decode()
