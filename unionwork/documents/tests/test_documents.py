"""Numbering, drafting to sending, receipt, reminders, forwarding, revoking, attachments."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from unionwork.core.errors import ActionError
from unionwork.core.models import Notice
from unionwork.core.tests.factories import demo_user, make_user, unit
from unionwork.documents import actions
from unionwork.documents.models import (
    Dispatch,
    DocState,
    Document,
    RecipientGroup,
    format_number,
)
from unionwork.orgs import actions as org_actions
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

from .helpers import at, draft, issue, series

pytestmark = pytest.mark.django_db


# -- numbers ----------------------------------------------------------------------------------------


def test_the_number_is_prefix_year_in_hexagonal_brackets_serial_and_hao():
    assert format_number("大工发", 2012, 57) == "大工发〔2012〕57号"
    assert format_number("大工办发", 2026, 1) == "大工办发〔2026〕1号"


def test_signing_numbers_per_series_and_year_without_gaps_and_withdrawing_frees_nothing(acting):
    a = issue(draft(), issue_date=datetime.date(2026, 3, 1))
    b = draft()
    actions.submit(None, b)
    actions.approve(demo_user("city_admin"), b)
    actions.sign(demo_user("city_admin"), b, issue_date=datetime.date(2026, 3, 2))
    actions.withdraw(None, b)  # signed, then withdrawn: keeps its number
    c = issue(draft(), issue_date=datetime.date(2026, 3, 3))
    other_year = issue(draft(), issue_date=datetime.date(2027, 1, 5))
    other_series = issue(draft(prefix="测工办发"), issue_date=datetime.date(2026, 3, 3))
    b.refresh_from_db()
    assert [a.number, b.number, c.number] == ["测工发〔2026〕1号", "测工发〔2026〕2号", "测工发〔2026〕3号"]
    assert b.state == DocState.WITHDRAWN
    assert other_year.number == "测工发〔2027〕1号"
    assert other_series.number == "测工办发〔2026〕1号"
    # A draft withdrawn before signing never took a number.
    d = draft()
    actions.withdraw(None, d)
    assert issue(draft(), issue_date=datetime.date(2026, 4, 1)).number == "测工发〔2026〕4号"
    d.refresh_from_db()
    assert d.number == "" and d.serial is None


def test_the_database_refuses_two_documents_with_one_number(acting):
    a = issue(draft(), issue_date=datetime.date(2026, 3, 1))
    b = draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=b.pk).update(
            year=a.year, serial=a.serial, number=a.number, state=DocState.SIGNED, signer=a.signer
        )


def test_a_series_may_start_after_numbers_given_before_the_platform_but_not_once_it_numbered(acting):
    city = unit("2102")
    s = series(city, "测工字")
    actions.set_serial_start(None, s, year=2012, last=56)
    doc = issue(draft(prefix="测工字"), issue_date=datetime.date(2012, 8, 13))
    assert doc.number == "测工字〔2012〕57号"
    with pytest.raises(ActionError, match="不能再改"):
        actions.set_serial_start(None, s, year=2012, last=10)


def test_a_prefix_holds_no_year_or_number(acting):
    with pytest.raises(ActionError, match="代字"):
        actions.add_series(None, unit("2102"), prefix="大工发〔2012〕")


# -- drafting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("secrecy", ["secret", "confidential", "top_secret"])
def test_classified_documents_are_refused_in_plain_words(acting, secrecy):
    with pytest.raises(ActionError) as exc:
        draft(secrecy=secrecy)
    assert "只处理非涉密公文" in str(exc.value) and "涉密渠道" in str(exc.value)


def test_the_workflow_refuses_a_move_its_table_does_not_allow(acting):
    doc = draft()
    with pytest.raises(ActionError, match="不能“签发”"):
        actions.sign(demo_user("city_admin"), doc)
    with pytest.raises(ActionError, match="不能“分发”"):
        actions.send(None, doc)


def test_the_drafter_cannot_sign_and_the_signer_is_named(acting):
    admin = demo_user("city_admin")
    doc = actions.draft_document(
        admin,
        unit("2102"),
        series=series(unit("2102"), "测工发"),
        title="自拟自签",
        body="正文",
        main_groups=["district"],
    )
    actions.submit(admin, doc)
    actions.approve(admin, doc)
    with pytest.raises(ActionError, match="拟稿人不能签发"):
        actions.sign(admin, doc)
    signer = make_user("city_leader", "2102", ["reviewer"])
    doc = actions.sign(signer, doc)
    assert doc.signer == signer and doc.state == DocState.SIGNED and doc.number


def test_an_editor_cannot_approve_or_sign(acting):
    editor = demo_user("gjz_editor")
    doc = draft("210211", prefix="测甘发", groups=[RecipientGroup.CHILDREN])
    actions.submit(editor, doc)
    with pytest.raises(ActionError, match="角色无权"):
        actions.approve(editor, doc)


# -- recipients resolved at sending ----------------------------------------------------------------


def test_recipients_by_kind_are_the_units_of_that_kind_when_it_is_sent(acting):
    doc = draft(groups=[RecipientGroup.DISTRICT, RecipientGroup.INDUSTRIAL], units=[unit("210211001")])
    city = unit("2102")
    new_district = org_actions.create_unit(
        None, parent=city, name="测试新区总工会", kind=OrgKind.DISTRICT, code="219999"
    )
    gone = org_actions.create_unit(
        None, parent=city, name="测试撤并县总工会", kind=OrgKind.DISTRICT, code="219998"
    )
    org_actions.deregister_unit(None, gone, reason="测试注销")  # between drafting and sending
    doc = issue(doc)
    got = set(Dispatch.objects.filter(document=doc).values_list("recipient_id", flat=True))
    expected = set(
        OrgUnit.objects.filter(
            path__startswith=city.path,
            kind__in=[OrgKind.DISTRICT, OrgKind.INDUSTRIAL],
            status=OrgStatus.ACTIVE,
        ).values_list("pk", flat=True)
    ) | {unit("210211001").pk}
    assert got == expected
    assert new_district.pk in got and gone.pk not in got
    assert doc.main_text.startswith("各区市县总工会")


def test_a_copy_recipient_also_main_is_sent_once_as_main(acting):
    doc = draft(groups=[RecipientGroup.DISTRICT])
    doc.copy_units.set([unit("210211")])
    doc = issue(doc)
    row = Dispatch.objects.get(document=doc, recipient=unit("210211"))
    assert row.role == "main"


def test_a_recipient_outside_the_issuers_subtree_is_refused(acting):
    with pytest.raises(ActionError, match="下级单位"):
        draft("210211", prefix="测甘发", groups=[], units=[unit("210202")])


# -- receipt, reminders -----------------------------------------------------------------------------


def test_acknowledgement_is_the_recipients_own_with_who_and_when(acting):
    doc = issue(draft(ack_days=3), when=at(2026, 3, 2))
    row = Dispatch.objects.get(document=doc, recipient=unit("210211"))
    with pytest.raises(ActionError):
        actions.acknowledge(demo_user("zs_admin"), row)  # another district: not in its scope
    with pytest.raises(ActionError, match="本单位"):
        actions.acknowledge(demo_user("city_admin"), row)  # the level above does not sign for it
    editor = demo_user("gjz_editor")
    row = actions.acknowledge(editor, row, now=at(2026, 3, 5, 8))
    assert row.acknowledged_by == editor and row.acknowledged_at == at(2026, 3, 5, 8) and row.on_time
    assert row.read_at is not None
    with pytest.raises(ActionError, match="已于"):
        actions.acknowledge(editor, row)
    late = Dispatch.objects.get(document=doc, recipient=unit("210202"))
    late = actions.acknowledge(demo_user("zs_admin"), late, now=at(2026, 3, 5, 10))
    assert not late.on_time and late.status_display() == "逾期签收"


def test_sending_notifies_every_recipient_and_reminding_only_those_not_acknowledged(acting):
    doc = issue(draft())
    gjz, zs = demo_user("gjz_admin"), demo_user("zs_admin")
    assert Notice.objects.filter(user=gjz, key=f"doc-sent:{doc.pk}").exists()
    assert Notice.objects.filter(user=zs, key=f"doc-sent:{doc.pk}").exists()
    actions.acknowledge(gjz, Dispatch.objects.get(document=doc, recipient=gjz.org))
    n = actions.remind(demo_user("city_admin"), doc)
    assert n == Dispatch.objects.filter(document=doc, acknowledged_at__isnull=True).count()
    reminded = Notice.objects.filter(key__startswith=f"doc-remind:{doc.pk}:")
    assert reminded.filter(user=zs).exists() and not reminded.filter(user=gjz).exists()
    assert Dispatch.objects.get(document=doc, recipient=zs.org).remind_count == 1
    assert Dispatch.objects.get(document=doc, recipient=gjz.org).remind_count == 0


def test_a_recipient_cannot_remind(acting):
    doc = issue(draft())
    with pytest.raises(ActionError):
        actions.remind(demo_user("gjz_admin"), doc)


# -- forwarding, revoking ---------------------------------------------------------------------------


def test_a_district_forwards_down_its_subtree_as_its_own_numbered_document(acting):
    original = issue(draft(title="关于推行会员服务卡的通知"), issue_date=datetime.date(2026, 3, 1))
    gjz = unit("210211")
    row = Dispatch.objects.get(document=original, recipient=gjz)
    fwd = actions.forward(demo_user("gjz_editor"), row, series=series(gjz, "测甘发"))
    assert fwd.issuer == gjz and fwd.forwarded_from == original and fwd.state == DocState.DRAFT
    assert fwd.title == "关于转发《关于推行会员服务卡的通知》的通知"
    assert original.number in fwd.body and "转发给你们" in fwd.body
    fwd = issue(fwd, signer="gjz_admin", issue_date=datetime.date(2026, 3, 2))
    assert fwd.number == "测甘发〔2026〕1号"
    recipients = Dispatch.objects.filter(document=fwd)
    assert recipients.exists()
    assert all(d.recipient.parent_id == gjz.pk for d in recipients.select_related("recipient"))
    # The city sees the forward (its subtree's documents), 中山区 does not.
    assert Document.objects.restrict(demo_user("city_admin")).filter(pk=fwd.pk).exists()
    assert not Document.objects.restrict(demo_user("zs_admin")).filter(pk=fwd.pk).exists()


def test_revoking_keeps_the_document_and_tells_the_recipients(acting):
    doc = issue(draft())
    with pytest.raises(ActionError, match="原因"):
        actions.revoke(demo_user("city_admin"), doc, reason=" ")
    doc = actions.revoke(demo_user("city_admin"), doc, reason="内容有误，另行发文")
    assert doc.state == DocState.REVOKED and doc.number and doc.revoke_reason
    assert Notice.objects.filter(user=demo_user("gjz_admin"), key=f"doc-revoked:{doc.pk}").exists()
    with pytest.raises(ActionError, match="不能删除"):
        doc.delete()
    with pytest.raises(ActionError, match="不能删除"):
        Document.objects.filter(pk=doc.pk).delete()
    with pytest.raises(ActionError, match="撤销的公文不能转发"):
        actions.forward(
            None, Dispatch.objects.filter(document=doc).first(), series=series(unit("210211"), "测甘发")
        )


# -- attachments ------------------------------------------------------------------------------------


def test_attachments_keep_hash_and_size_and_refuse_types_plainly(acting):
    doc = draft()
    att = actions.attach(None, doc, name="说明.pdf", data=b"%PDF-1.4 test")
    assert att.size == 13 and len(att.sha256) == 64
    with pytest.raises(ActionError, match="不接受“.exe”类型"):
        actions.attach(None, doc, name="setup.exe", data=b"MZ\x90\x00")
    with pytest.raises(ActionError, match="内容与扩展名"):
        actions.attach(None, doc, name="伪装.pdf", data=b"MZ\x90\x00")
    with pytest.raises(ActionError, match="上限"):
        actions.check_upload("大.pdf", b"%PDF-" + b"0" * actions.MAX_ATTACHMENT_BYTES)
