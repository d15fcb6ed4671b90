"""Masking that masks (issue 10 point 4): what a page, a list row, an export row or an API response
shows of a member leaves at least 10,000 candidate ID numbers, for every role.

The count takes the worst case: the onlooker knows the full 6-digit address code (the union's
district is on the page), the sex (it fixes the parity of digit 17), every character the mask
shows and the age band (or whatever of the birth date is shown), and the check character rule.
"""

import datetime
import io
import json
import re

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from unionwork.core import audit, identifiers, masking
from unionwork.core.imports.testing import run_upload, xlsx_bytes
from unionwork.core.models import ImportJob
from unionwork.core.tests.apiclient import clients
from unionwork.core.tests.factories import demo_user, unit
from unionwork.members import actions
from unionwork.members.models import Member

pytestmark = pytest.mark.django_db

ROLES = ["city_admin", "city_viewer", "gjz_admin", "gjz_editor", "gjz_reviewer", "gjz_viewer"]
KEEPERS = {"city_admin", "gjz_admin", "gjz_editor"}  # may change the register: see the full phone
BAR = 10_000
PHONE = "13812345678"

# GB 11643: weights of the first 17 digits and the check character by the weighted sum mod 11.
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
MASK = re.compile(r"(?<![\d*])(\d{2})\*{15}([\dX])(?![\d*])")
BAND = re.compile(r"(\d+)–(\d+)岁|(\d+)岁以下|(\d+)岁及以上")
YOUNGEST_MEMBER = 16  # the law's working age: nobody younger is in a register


def _age(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def candidates(region: str, head: str, tail: str | None, sex: str, births: list[datetime.date]) -> int:
    """How many 18-character numbers agree with all of this (by enumeration of dates x sequences)."""
    assert region.startswith(head)
    # the sequence digits 15-17: parity of digit 17 by sex; their part of the weighted sum
    hist = [0] * 11
    for seq in range(1000):
        d15, d16, d17 = seq // 100, seq // 10 % 10, seq % 10
        if (d17 % 2 == 1) != (sex == "M"):
            continue
        hist[(WEIGHTS[14] * d15 + WEIGHTS[15] * d16 + WEIGHTS[16] * d17) % 11] += 1
    total = 0
    for birth in births:
        first14 = f"{region}{birth:%Y%m%d}"
        s = sum(w * int(c) for w, c in zip(WEIGHTS, first14, strict=False))
        total += sum(n for c, n in enumerate(hist) if tail is None or CHECK[(s + c) % 11] == tail)
    return total


def births_in_band(lo: int, hi: int, today: datetime.date) -> list[datetime.date]:
    day, out = datetime.date(max(1900, today.year - hi - 1), 1, 1), []
    while day <= today:
        if lo <= _age(day, today) <= hi:
            out.append(day)
        day += datetime.timedelta(days=1)
    return out


def seen_candidates(text: str, number: str, sex: str) -> int:
    """The candidates left by everything ``text`` (one output about one member) shows."""
    birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    for shown in (
        number,
        number[:17],
        number[6:14],
        birth.isoformat(),
        f"{birth:%Y/%m/%d}",
        f"{birth.year}年{birth.month}月{birth.day}日",
        f"{birth:%Y.%m.%d}",
    ):
        assert shown not in text, f"the output shows {shown}"
    # nor the birth year (the history of a record would show it as 出生年份; the API as birth_year)
    assert "出生年份" not in text and "birth_year" not in text and "出生日期" not in text
    masks = set(MASK.findall(text))
    assert len(masks) == 1, masks
    head, tail = masks.pop()
    assert (head, tail) == (number[:2], number[17])
    bands = set(BAND.findall(text))
    assert len(bands) == 1, bands
    a, b, below, above = bands.pop()
    today = timezone.localdate()
    if a:
        lo, hi = int(a), int(b)
    elif below:
        lo, hi = YOUNGEST_MEMBER, int(below) - 1
    else:
        lo, hi = int(above), today.year - 1900
    assert lo <= _age(birth, today) <= hi, "the band shown is the member's"
    return candidates(number[:6], head, tail, sex, births_in_band(lo, hi, today))


def _member(name: str, age_years: int, seq: int) -> tuple[Member, str]:
    today = timezone.localdate()
    birth = today.replace(year=today.year - age_years) - datetime.timedelta(days=40)
    number = identifiers.make_id("210202", birth, seq)
    with audit.acting_as(None, "test"):
        m = actions.register_member(
            None, unit("G0001"), name=name, id_number=number, employment_form="contract", phone=PHONE
        )
    return m, number


@pytest.fixture
def people():
    # the narrowest band (under 20: 16 to 19 for a member) and an ordinary one
    return [_member("掩码青", 17, 135), _member("掩码中", 35, 246)]


def test_the_counter_bites_on_the_old_display():
    """The old display (6 + 2 characters, birth date beside) left a handful: the count sees it."""
    number = identifiers.make_id("210224", datetime.date(1985, 3, 15), 131)
    birth = [datetime.date(1985, 3, 15)]
    # the old mask showed digits 17 and 18: digit 17 and the check character are known
    old = sum(
        1
        for seq in range(1000)
        if str(seq % 10) == number[16]
        and identifiers.id_check_character(f"{number[:14]}{seq:03d}") == number[17]
    )
    assert old < 100
    assert (
        candidates(number[:6], number[:2], number[17], "M", birth) < BAR
    )  # even the new mask: no birth date!
    assert (
        identifiers.id_check_character(number[:17])
        == CHECK[sum(w * int(c) for w, c in zip(WEIGHTS, number[:17], strict=True)) % 11]
    )


def _page(client, member):
    return client.get(reverse("members:detail", args=[member.pk])).content.decode()


def _list(client, member):
    return client.get(reverse("members:list"), {"q": member.name}).content.decode()


def _export(client, member):
    response = client.get(reverse("members:list"), {"q": member.name, "export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = [[str(c) for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    mine = [r for r in rows if member.name in r]
    assert len(mine) == 1
    header = next(r for r in rows if "身份证号" in r)
    return "\t".join(header + mine[0])


@pytest.mark.parametrize("role", ROLES)
def test_every_output_leaves_ten_thousand_candidates_for_every_role(client, people, role):
    client.force_login(demo_user(role))
    api = clients(client)(role)
    for member, number in people:
        outputs = {
            "page": _page(client, member),
            "list row": _list(client, member),
            "export row": _export(client, member),
            "api detail": api.get(f"/api/v1/members/{member.pk}").content.decode(),
            "api list": api.get("/api/v1/members/", q=member.name).content.decode(),
        }
        for what, text in outputs.items():
            assert member.name in text, what
            n = seen_candidates(text, number, member.sex)
            assert n >= BAR, (role, what, n)
            # phones: masked for those who do not keep the register
            if role in KEEPERS:
                assert PHONE in text, (role, what)
            else:
                assert PHONE not in text and "138****5678" in text, (role, what)


def test_viewer_sees_the_age_band_and_a_masked_phone(client, people):
    member, number = people[1]
    client.force_login(demo_user("gjz_viewer"))
    page = _page(client, member)
    assert 'data-testid="age-band">30–39岁<' in page and 'data-testid="phone">138****5678<' in page
    assert "出生日期" not in page
    body = clients(client)("gjz_viewer").get(f"/api/v1/members/{member.pk}").json()
    assert (body["age_band"], body["phone"], body["id_masked"]) == (
        "30–39岁",
        "138****5678",
        masking.mask_id(number),
    )
    assert "birth_date" not in body


def test_no_clear_id_masked_id_or_birth_date_in_the_members_table(people):
    for member, number in people:
        with connection.cursor() as cur:
            cur.execute("SELECT * FROM members_member WHERE id = %s", [member.pk])
            columns = [c[0] for c in cur.description]
            row = cur.fetchone()
        assert "id_masked" not in columns and "birth_date" not in columns
        birth = member.birth_date
        raw = " ".join(bytes(v).hex() if isinstance(v, bytes | memoryview) else str(v) for v in row)
        for shown in (number, number[:17], number[6:14], birth.isoformat(), masking.mask_id(number)):
            assert shown not in raw
        assert dict(zip(columns, row, strict=True))["birth_year"] == birth.year
        # derived on read from the decrypted number
        assert Member.objects.get(pk=member.pk).birth_date == birth


def test_a_malformed_roster_leaves_no_id_number_in_the_job():
    good = identifiers.make_id("210202", datetime.date(1985, 3, 15), 123)
    bad = [
        good[:17],  # 17 digits: one lost
        good[:14] + "000",  # 17 digits ending in 000: read as an Excel number
        good + "7",  # 19 digits
        good[:10] + "A" + good[11:],  # a letter inside
        good[:17] + "5",  # wrong check character
    ]
    header = ["姓名", "身份证号", "性别", "联系电话", "用工形式", "所在工会", "入会日期"]
    rows = [["职工名册 " + good], header]
    rows += [[f"错{i}", n, "", "13904110000", "劳动合同制", "G0001", "2020-05-01"] for i, n in enumerate(bad)]
    rows.append([f"备注：原号码 {good[:17]}", "", "", "", "", "", ""])
    job = run_upload(demo_user("gjz_editor"), "members.roster", xlsx_bytes(rows, text_columns=[1]))
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert {e["row"] for e in job.errors} >= {3, 4, 5, 6, 7}  # each bad row named, nothing silent
    stored = json.dumps(
        [job.message, job.errors, job.skipped, job.columns_note, job.original_name], ensure_ascii=False
    )
    assert not re.search(r"\d{14,}", stored), stored
    assert good[:14] not in stored and good[6:14] not in stored
    with connection.cursor() as cur:  # and in the raw table, whatever the JSON encoding
        cur.execute("SELECT errors, message, skipped FROM core_importjob WHERE id = %s", [job.pk])
        assert not re.search(r"\d{14,}", " ".join(str(v) for v in cur.fetchone()))


def test_redaction_masks_id_like_runs_and_keeps_the_rest():
    number = identifiers.make_id("210202", datetime.date(1985, 3, 15), 123)
    text = f"第 3 行：{number} 与 {number[:17]}；电话 13904110000；科学计数 2.10202198503151E+17"
    out = masking.redact_ids(text)
    assert number not in out and number[:17] not in out and "2.10202198503151" not in out
    assert masking.mask_id(number) in out and "13904110000" in out and "第 3 行" in out
    assert masking.mask_phone("13812345678") == "138****5678"
