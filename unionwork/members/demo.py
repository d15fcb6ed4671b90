"""Demo members: fictitious people with well-formed ID numbers, marked ``is_demo``.

Every demo person is made up: a surname and given name drawn from the lists below (common
characters, not real people), an ID number with a real Dalian address code, a birth date from
1960 to 2004, a random sequence and a correct check character. ``seed_small`` fills the demo
grassroots unions in a few seconds; ``seed_city`` loads a city-sized register (two million
members by default) through the bulk writer in about a minute on SQLite.
"""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from unionwork.core import audit, identifiers
from unionwork.members import pii
from unionwork.members.models import Education, EmploymentForm, Member, MemberStatus
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

# Dalian's address codes, current and former (an ID keeps the code of where it was issued).
DALIAN_REGIONS = [
    "210200",
    "210202",
    "210203",
    "210204",
    "210211",
    "210212",
    "210213",
    "210214",
    "210224",
    "210281",
    "210282",
    "210283",
]
DEMO_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单"
)
DEMO_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文玉春海林飞鹏辉波宇浩凯健俊帆帅旭晨阳东亮"
    "成鑫欣怡梓涵子轩雨婷佳琪思远晓峰振宇立新永胜丹萍燕琳雪梅晶莉颖倩璐瑶佳慧博文嘉豪宏达庆福"
)
GRASSROOTS_CODES = ["G0001", "G0002", "G0003", "G0004", "G0005"]
FORMS = [EmploymentForm.CONTRACT] * 6 + [
    EmploymentForm.DISPATCHED,
    EmploymentForm.MIGRANT,
    EmploymentForm.MIGRANT,
    EmploymentForm.PART_TIME,
    EmploymentForm.NEW_FORMS,
    EmploymentForm.ESTABLISHED,
]
EDUCATION = [e.value for e in Education] + ["bachelor", "college", "secondary"]
BIRTH_START = datetime.date(1960, 1, 1)
BIRTH_DAYS = (datetime.date(2004, 12, 31) - BIRTH_START).days


def demo_people(n: int, seed: int = 2026, taken: set[str] | None = None):
    """``n`` fictitious people: (name, CitizenId, phone, employment form, education), IDs unique."""
    rnd = random.Random(seed)
    seen = taken if taken is not None else set()
    surnames, given = DEMO_SURNAMES, DEMO_GIVEN
    made = 0
    while made < n:
        region = rnd.choice(DALIAN_REGIONS)
        birth = BIRTH_START + datetime.timedelta(days=rnd.randrange(BIRTH_DAYS))
        number = identifiers.make_id(region, birth, rnd.randrange(1000))
        if number in seen:
            continue
        seen.add(number)
        sex = "M" if number[16] in "13579" else "F"
        name = rnd.choice(surnames) + "".join(rnd.choice(given) for _ in range(rnd.choice((1, 2, 2, 2))))
        phone = f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}"
        made += 1
        yield (
            name,
            identifiers.CitizenId(number, birth, sex),
            phone,
            rnd.choice(FORMS).value,
            rnd.choice(EDUCATION),
        )


def _rosters(unions: list[OrgUnit], n: int, rnd: random.Random):
    """The union of each of ``n`` members, roster by roster: every union in a shuffled order gets
    a block of members of a random size (exponential around the mean: many small unions, a few
    large), again from the start while members remain. A union's members are registered together,
    as its roster is imported, so the register's bulk write records one audit event per roster,
    not one per union in every batch (19 million events for a province's 300,000 unions)."""
    order = unions[:]
    rnd.shuffle(order)
    mean = max(n / len(order), 1.0)
    left = n
    while left > 0:
        for unit in order:
            size = min(left, max(1, round(rnd.expovariate(1 / mean))))
            yield from (unit for _ in range(size))
            left -= size
            if not left:
                return


def _rows(
    people, unions: list[OrgUnit], hasher, rnd: random.Random, per_union: int | None = None, n: int = 0
):
    today = timezone.localdate()
    rosters = _rosters(unions, n, rnd) if n and not per_union else None
    for i, (name, cid, phone, form, edu) in enumerate(people):
        if per_union:
            unit = unions[i // per_union % len(unions)]
        elif rosters is not None:
            unit = next(rosters)
        else:
            unit = unions[rnd.randrange(len(unions))]
        adult = cid.birth_date + datetime.timedelta(days=18 * 366)
        joined = max(adult, today - datetime.timedelta(days=rnd.randrange(1, 15 * 365)))
        yield SimpleNamespace(
            values={
                "name": name,
                "id_number": cid,
                "id_hash": hasher(cid.number),
                "union": unit.pk,
                "phone": phone,
                "employment_form": form,
                "education": edu,
                "joined_on": min(joined, today),
            }
        )


def _write(rows, units: dict[int, OrgUnit], note: str, expected: int = 0) -> int:
    from unionwork.members.bulk import RosterWriter

    writer = RosterWriter(None, note=note, source="demo", is_demo=True, expected=expected)
    batch = []
    try:
        for row in rows:
            batch.append(row)
            if len(batch) >= writer.batch_size:
                writer.create(batch, units)
                batch = []
        if batch:
            writer.create(batch, units)
    finally:
        writer.finish()
    return writer.created


def seed_small(per_union: int = 600) -> dict[str, int]:
    """A few thousand demo members in the demo grassroots unions, some with cards (idempotent)."""
    from unionwork.members import actions

    unions = list(OrgUnit.objects.filter(code__in=GRASSROOTS_CODES, status=OrgStatus.ACTIVE).order_by("code"))
    if not unions or Member.objects.filter(is_demo=True, union__in=unions).exists():
        return {"members": 0, "cards": 0}
    with audit.acting_as(None, "command:demo"), transaction.atomic():
        hasher = pii.hasher()
        rnd = random.Random(7)
        people = demo_people(per_union * len(unions), seed=11)
        created = _write(
            _rows(people, unions, hasher, rnd, per_union=per_union), {u.pk: u for u in unions}, "演示数据"
        )
        cards = 0
        for unit in unions[:3]:  # cards for some unions, so coverage differs between nodes
            cards += actions.issue_cards(None, unit).count
        # A few stories: activations, a loss, a transfer, a retirement.
        issued = list(Member.objects.filter(union=unions[0], card_status="issued").order_by("pk")[:40])
        for m in issued[:30]:
            actions.change_card(None, m.cards.get(status="issued"), "activate")
        if issued:
            actions.change_card(None, issued[30].cards.get(status="issued"), "report_lost")
        movers = list(Member.objects.filter(union=unions[1], status=MemberStatus.ACTIVE).order_by("pk")[:3])
        for m in movers[:2]:
            actions.transfer_member(None, m, unions[0], note="演示：调动工作")
        if len(movers) > 2:
            actions.end_membership(None, movers[2], MemberStatus.RETIRED, note="演示：退休")
        # Transfers by handshake: one released and waiting (转会途中), one not accepted in time and
        # now a floating member of its street union (流动会员).
        leaving = list(Member.objects.filter(union=unions[1], status=MemberStatus.ACTIVE).order_by("-pk")[:2])
        today = timezone.localdate()
        if len(leaving) == 2:
            actions.release_member(None, leaving[0], destination=unions[0], note="演示：调往本区其他企业")
            actions.release_member(
                None, leaving[1], on=today - datetime.timedelta(days=120), note="演示：离职，去向不明"
            )
            actions.hand_over_floating(today)
    return {"members": created, "cards": cards}


def _demo_unions(count: int) -> list[OrgUnit]:
    """At least ``count`` active grassroots unions: the existing ones, then demo ones in communities."""
    from unionwork.orgs import actions as org_actions

    unions = list(
        OrgUnit.objects.filter(kind__in=(OrgKind.GRASSROOTS, OrgKind.JOINT), status=OrgStatus.ACTIVE)
    )
    missing = count - len(unions)
    if missing > 0:
        communities = list(
            OrgUnit.objects.filter(kind=OrgKind.COMMUNITY, status=OrgStatus.ACTIVE).order_by("code")
        )
        n = OrgUnit.objects.filter(code__startswith="GM").count()
        for i in range(missing):
            parent = communities[i % len(communities)]
            code = f"GM{n + i + 1:05d}"
            unions.append(
                org_actions.create_unit(
                    None,
                    parent=parent,
                    name=f"大连演示企业{n + i + 1:05d}有限公司工会（演示）",
                    kind=OrgKind.GRASSROOTS,
                    code=code,
                    is_demo=True,
                    reason="演示数据",
                )
            )
    return unions


def seed_city(n: int = 2_000_000, unions: int = 2000, seed: int = 2102, stdout=None) -> dict[str, int]:
    """A city-sized register: ``n`` demo members spread over at least ``unions`` grassroots unions.

    Adds to what is there (run once on a fresh database: numbers drawn with the same ``seed``
    repeat, and the register refuses a second record of one number).
    """
    with audit.acting_as(None, "command:demo"):
        with transaction.atomic():
            units = _demo_unions(unions)
        by_pk = {u.pk: u for u in units}
        hasher = pii.hasher()
        rnd = random.Random(seed)
        # One transaction: the search indexes are built once at the end (see bulk.RosterWriter).
        with transaction.atomic():
            created = _write(
                _rows(demo_people(n, seed=seed), units, hasher, rnd, n=n), by_pk, "演示数据", expected=n
            )
        if stdout is not None:
            stdout.write(f"会员：已写入 {created:,}")
        from django.db import connection

        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        else:
            with connection.cursor() as cur:
                cur.execute("ANALYZE members_member")
    return {"members": created, "unions": len(units)}
