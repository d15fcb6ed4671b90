"""The roster import: every problem reported per row in Chinese, nothing written unless all is right."""

import datetime

import pytest

from unionwork.core import audit, identifiers
from unionwork.core.imports.testing import csv_bytes, run_upload, xlsx_bytes
from unionwork.core.models import AuditEvent, ImportJob
from unionwork.core.tests.factories import demo_user
from unionwork.members import actions, pii
from unionwork.members.models import Member, Membership, MemberStatus

from .helpers import new_id, register

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "文化程度", "用工形式", "所在工会", "入会日期"]


def _row(name, number, union="G0001", phone="13904110000", sex="", birth="", form="劳动合同制"):
    return [name, number, sex, birth, phone, "大学本科", form, union, "2020-05-01"]


def test_a_good_roster_is_written_with_its_stints_and_audit():
    user = demo_user("gjz_editor")
    numbers = [new_id() for _ in range(3)]
    legacy = "210211700101123"  # 15 digits, converted
    rows = [HEADER] + [_row(f"赵{c}", n) for c, n in zip("一二三", numbers, strict=True)]
    rows.append(_row("钱四", legacy, union="大连甘井子演示软件有限公司工会（演示）", form="农民工"))
    before = AuditEvent.objects.count()
    job = run_upload(user, "members.roster", xlsx_bytes(rows, text_columns=[1]))
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert job.created_count == 4
    converted = Member.objects.get(id_hash=pii.id_hash(identifiers.convert_15_to_18(legacy)))
    assert (converted.union.code, converted.employment_form, converted.birth_date) == (
        "G0002",
        "migrant",
        datetime.date(1970, 1, 1),
    )
    assert (
        Membership.objects.filter(
            member__in=Member.objects.filter(name__in=["赵一", "赵二", "赵三"]),
            status="active",
            source="import",
        ).count()
        == 3
    )
    events = AuditEvent.objects.filter(id__gt=0, verb="import", model="members.member").order_by("-id")[:2]
    assert AuditEvent.objects.count() > before and events
    assert "赵一" in events[0].after["members"] or "赵一" in events[1].after["members"]
    assert numbers[0] not in str([e.after for e in events])  # masked in the trail
    # importing the same file again changes nothing
    again = run_upload(user, "members.roster", xlsx_bytes(rows, text_columns=[1]))
    assert again.status == ImportJob.Status.DONE and again.created_count == 0 and again.unchanged_count == 4


def test_bad_rows_are_each_reported_and_nothing_is_written():
    user = demo_user("gjz_editor")
    good = new_id()
    wrong_check = new_id()
    wrong_check = wrong_check[:17] + ("0" if wrong_check[17] != "0" else "1")
    dup = new_id()
    rows = [
        HEADER,
        _row("好人", good),
        _row("数字", 2.1020219900101123e17),
        _row("错位", wrong_check),
        _row("日期", "210202" + "19900230" + "123" + identifiers.id_check_character("21020219900230123")),
        _row("重复甲", dup),
        _row("重复乙", dup),
        _row("没工会", new_id(), union="不存在的工会"),
        _row("电话", new_id(), phone="12345"),
        _row("性别", new_id(birth=datetime.date(1975, 6, 1)), sex="男" if False else "女"),
    ]
    count = Member.objects.count()
    job = run_upload(user, "members.roster", xlsx_bytes(rows, text_columns=[1]))
    assert job.status == ImportJob.Status.FAILED
    assert Member.objects.count() == count  # nothing written
    by_row = {}
    for e in job.errors:
        by_row.setdefault(e["row"], []).append(e)
    assert by_row[3][0]["column"] == "身份证号" and "文本" in by_row[3][0]["message"]
    assert "校验位" in by_row[4][0]["message"]
    assert "出生日期" in by_row[5][0]["message"]
    assert "第 6 行" in by_row[7][0]["message"] and dup not in by_row[7][0]["message"]
    assert by_row[8][0]["column"] == "所在工会"
    assert by_row[9][0]["column"] == "联系电话" and "手机号" in by_row[9][0]["message"]
    assert 2 not in by_row
    assert job.error_file


def test_someone_active_elsewhere_is_reported_until_the_user_chooses():
    theirs = register("G0003")[0]
    from unionwork.members import pii

    number = pii.decrypt(theirs.id_cipher, theirs.pii_key)
    user = demo_user("gjz_editor")
    rows = [HEADER + ["冲突处理"], _row("新人", new_id()) + [""], _row(theirs.name, number) + [""]]
    job = run_upload(user, "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.FAILED
    (issue,) = job.errors
    assert issue["row"] == 3 and issue["column"] == "冲突处理"
    assert theirs.id_masked in issue["message"] and "大连中山演示重工有限公司工会" in issue["message"]
    assert theirs.name not in issue["message"] and number not in issue["message"]
    assert not Member.objects.filter(name="新人").exists()
    # skip: the person stays where they are
    rows[2][-1] = "跳过"
    job = run_upload(user, "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.DONE, job.errors
    theirs.refresh_from_db()
    assert theirs.union.code == "G0003"
    # transfer from a union outside the scope: refused until that union releases the member
    rows[2][-1] = "转入"
    job = run_upload(user, "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.FAILED
    (issue,) = [i for i in job.errors if i["row"] == 3]
    assert issue["column"] == "冲突处理" and "先为其办理转出" in issue["message"]
    theirs.refresh_from_db()
    assert theirs.union.code == "G0003" and theirs.is_active
    # released there (转出), then the roster takes them in: closed there, opened here, both kept
    zs = demo_user("zs_admin")
    with audit.acting_as(zs, "test"):
        actions.end_membership(zs, theirs, MemberStatus.TRANSFERRED, note="转往甘井子区")
    rows[2][-1] = ""
    job = run_upload(user, "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.DONE, job.errors
    theirs.refresh_from_db()
    assert theirs.union.code == "G0001"
    assert list(Membership.objects.filter(member=theirs).order_by("pk").values_list("status", flat=True)) == [
        "transferred",
        "active",
    ]


def test_a_union_outside_the_scope_is_unknown():
    user = demo_user("gjz_editor")
    job = run_upload(
        user, "members.roster", csv_bytes([HEADER, _row("越界", new_id(), union="G0003")]), filename="r.csv"
    )
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["column"] == "所在工会"
    assert not Member.objects.filter(name="越界").exists()


# -- the one-pass mode: checked and written batch by batch, in one transaction -------------------------


def _big_roster(n, bad_at=None, dup_of=None):
    rows = [HEADER]
    for i in range(n):
        rows.append(_row("孙" + "一二三四五六七八九十"[i % 10], new_id(birth=datetime.date(1980, 1, 1))))
    if bad_at is not None:
        number = rows[bad_at][1]
        rows[bad_at][1] = number[:17] + ("0" if number[17] != "0" else "1")  # wrong check character
    if dup_of is not None:
        rows[dup_of[1]][1] = rows[dup_of[0]][1]
    return rows


def _small_batches(monkeypatch):
    """Batches of 1,000 rows: the first batches are written before the last ones are checked."""
    from unionwork.members.bulk import RosterWriter
    from unionwork.members.imports import RosterImporter

    assert RosterImporter.single_pass
    monkeypatch.setattr(RosterImporter, "batch_size", 1000)
    monkeypatch.setattr(RosterWriter, "batch_size", 1000)
    written = []
    create_packed = RosterWriter.create_packed

    def spy(self, packs, units):
        n = create_packed(self, packs, units)
        written.append(n)
        return n

    monkeypatch.setattr(RosterWriter, "create_packed", spy)
    return written


def test_one_pass_a_bad_row_near_the_end_of_5000_writes_nothing(monkeypatch):
    written = _small_batches(monkeypatch)
    user = demo_user("gjz_editor")
    members, stints, events = Member.objects.count(), Membership.objects.count(), AuditEvent.objects.count()
    rows = _big_roster(5000, bad_at=4990)
    job = run_upload(user, "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.FAILED, job.message
    assert sum(written) == 4000  # four batches were written in the transaction, then rolled back
    assert (Member.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == (
        members,
        stints,
        events,
    )
    assert job.error_count == 1
    assert job.errors[0]["row"] == 4991 and "校验位" in job.errors[0]["message"]
    assert job.error_file


def test_one_pass_a_duplicate_of_a_row_already_written_is_reported_as_a_duplicate(monkeypatch):
    _small_batches(monkeypatch)
    user = demo_user("gjz_editor")
    members = Member.objects.count()
    rows = _big_roster(3000, dup_of=(10, 2500))
    job = run_upload(user, "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.FAILED
    assert Member.objects.count() == members
    assert [(e["row"], "第 11 行" in e["message"]) for e in job.errors] == [(2501, True)]


def test_one_pass_5000_rows_are_written_with_progress_and_audit(monkeypatch):
    _small_batches(monkeypatch)
    user = demo_user("gjz_editor")
    members = Member.objects.count()
    before = AuditEvent.objects.filter(verb="import", model="members.member").count()
    rows = _big_roster(5000)
    job = run_upload(user, "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert job.created_count == 5000 and Member.objects.count() == members + 5000
    assert (job.processed_rows, job.total_rows) == (5000, 5000)
    events = AuditEvent.objects.filter(verb="import", model="members.member").order_by("id")[before:]
    lines = [line for e in events for line in e.after["members"].split("\n")]
    assert len(lines) == 5000 and all(e.after["count"] == len(e.after["members"].split("\n")) for e in events)
    assert (
        Membership.objects.filter(member__in=Member.objects.filter(name="孙一"), source="import").count()
        == 500
    )
