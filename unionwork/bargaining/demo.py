"""Demo data of bargaining in 甘井子区 and 中山区: about half the unions with a contract (some
expiring, some expired, one renewed), congresses (some overdue), an industry-wide wage contract of
机械冶金产业工会 across both districts, a regional contract of a street, and instructor rosters
(甘井子区 and 机械冶金 with a team, 中山区 short of one). Everything goes through the actions and
is marked 演示. Running it again adds nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from unionwork.bargaining import actions
from unionwork.bargaining.models import Contract, ContractKind, ContractLevel
from unionwork.core import audit
from unionwork.founding.models import Enterprise, EnterpriseStatus
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

MARK = "（演示）"
DISTRICTS = ("210211", "210202")
PEOPLE = ["王建国", "李丽华", "张志强", "刘海涛", "陈秀英", "杨晓东"]


def _years(day: datetime.date, n: int) -> datetime.date:
    try:
        return day.replace(year=day.year + n)
    except ValueError:
        return day.replace(year=day.year + n, day=28)


def _contract(org, enterprises, level, kind, start, end, title, signed=None, renews=None, increase="5.00"):
    return actions.record_contract(
        None,
        org,
        level=level,
        enterprises=enterprises,
        renews=renews,
        is_demo=True,
        title=title + MARK,
        kind=kind,
        employer_party=(enterprises[0].name if level == ContractLevel.ENTERPRISE else "行业协会") + MARK,
        union_representative="工会主席",
        employer_representative="总经理",
        signed_on=signed or start,
        term_start=start,
        term_end=end,
        wage_increase=Decimal(increase) if kind == ContractKind.WAGE or increase else None,
        minimum_wage=Decimal("1910.00"),
        filed_on=signed or start,
        filing_department="区人力资源和社会保障局",
        filing_result="approved",
    )


def _district(code: str, today: datetime.date) -> dict[str, int]:
    n = {"contracts": 0, "congresses": 0}
    district = OrgUnit.objects.get(code=code)
    own = list(
        Enterprise.objects.filter(
            is_demo=True,
            status=EnterpriseStatus.OPERATING,
            community__path__startswith=district.path,
            union__kind=OrgKind.GRASSROOTS,
            union__status=OrgStatus.ACTIVE,
        )
        .select_related("union", "community")
        .order_by("pk")[:40]
    )
    for i, e in enumerate(own):
        kind = ContractKind.WAGE if i % 4 == 0 else ContractKind.COMPREHENSIVE
        if i % 2 == 0:
            case = (i // 2) % 5
            if case in (0, 1):  # in force
                start, end = today - datetime.timedelta(days=200 + i), _years(today, 2)
            elif case == 2:  # expiring within 90 days
                start, end = (
                    _years(today + datetime.timedelta(days=40 + i), -3),
                    today + datetime.timedelta(days=40 + i),
                )
            else:  # expired (case 4 renewed)
                start, end = (
                    _years(today - datetime.timedelta(days=30 + i), -3),
                    today - datetime.timedelta(days=30 + i),
                )
            c = _contract(e.union, [e], ContractLevel.ENTERPRISE, kind, start, end, f"{e.name}集体合同")
            n["contracts"] += 1
            if case == 4:
                _contract(
                    e.union,
                    [e],
                    ContractLevel.ENTERPRISE,
                    kind,
                    end + datetime.timedelta(days=1),
                    _years(end, 3),
                    f"{e.name}集体合同（续签）",
                    signed=end - datetime.timedelta(days=10),
                    renews=c,
                )
                n["contracts"] += 1
        if i % 3 != 2:
            established = _years(today, -3) + datetime.timedelta(days=i)
            congress = actions.record_congress(
                None, e.union, established_on=established, open_affairs=i % 2 == 0, is_demo=True
            )
            held = today - datetime.timedelta(days=420 if i % 5 == 0 else 60 + i)  # every fifth overdue
            actions.record_session(
                None,
                congress,
                held_on=held,
                delegates=30 + i,
                frontline_delegates=15 + i // 2,
                women_delegates=10 + i // 3,
                manager_delegates=5,
                resolutions="审议通过集体合同草案" + MARK,
            )
            n["congresses"] += 1
    # A regional contract of the district's first street over small enterprises of joint unions.
    joint = list(
        Enterprise.objects.filter(
            is_demo=True,
            status=EnterpriseStatus.OPERATING,
            community__path__startswith=district.path,
            union__kind=OrgKind.JOINT,
            union__status=OrgStatus.ACTIVE,
        )
        .select_related("union", "community")
        .order_by("pk")[:6]
    )
    if joint:
        street = OrgUnit.objects.get(pk=joint[0].community.parent_id)
        _contract(
            street,
            joint,
            ContractLevel.REGIONAL,
            ContractKind.WAGE,
            today - datetime.timedelta(days=100),
            _years(today, 1),
            f"{street.name}区域性工资专项集体合同",
        )
        n["contracts"] += 1
    return n


def _instructors(code: str, count: int) -> int:
    org = OrgUnit.objects.get(code=code)
    for i in range(count):
        actions.add_instructor(
            None,
            org,
            is_demo=True,
            name=PEOPLE[i % len(PEOPLE)] + MARK,
            employer=f"{org.name}{MARK}",
            qualification="劳动关系协调员（二级）",
            trained_on=timezone.localdate() - datetime.timedelta(days=300),
            training="工资集体协商指导员培训班",
            rounds_attended=3 + i,
        )
    return count


def seed_small(stdout=None) -> dict[str, int]:
    """Contracts, congresses and instructors for the small demo (a second or two)."""
    if Contract.objects.filter(is_demo=True).exists():
        return {"contracts": 0}
    today = timezone.localdate()
    totals = {"contracts": 0, "congresses": 0, "instructors": 0}
    with audit.acting_as(None, "command:demo"), transaction.atomic():
        for code in DISTRICTS:
            for k, v in _district(code, today).items():
                totals[k] += v
        # An industry-wide wage contract of 机械冶金产业工会 across both districts (行业性).
        iu = OrgUnit.objects.filter(code="I01").first()
        covered = list(
            Enterprise.objects.filter(
                is_demo=True,
                industry="C",
                status=EnterpriseStatus.OPERATING,
                union__isnull=False,
                union__status=OrgStatus.ACTIVE,
            )
            .filter(community__path__startswith=OrgUnit.objects.get(code="210211").path)
            .order_by("pk")[:5]
        ) + list(
            Enterprise.objects.filter(
                is_demo=True,
                industry="C",
                status=EnterpriseStatus.OPERATING,
                union__isnull=False,
                union__status=OrgStatus.ACTIVE,
            )
            .filter(community__path__startswith=OrgUnit.objects.get(code="210202").path)
            .order_by("pk")[:5]
        )
        if iu is not None and covered:
            _contract(
                iu,
                covered,
                ContractLevel.INDUSTRY,
                ContractKind.WAGE,
                today - datetime.timedelta(days=300),
                _years(today, 2),
                "机械冶金行业工资专项集体合同",
                increase="6.50",
            )
            totals["contracts"] += 1
        totals["instructors"] += _instructors("210211", 3)
        totals["instructors"] += _instructors("210202", 2)
        if iu is not None:
            totals["instructors"] += _instructors("I01", 3)
        totals["rounds"] = sum(_rounds_and_meetings(code, today) for code in DISTRICTS)
        totals["standard_checks"] = _standards(today)
    if stdout is not None:
        stdout.write(
            f"集体合同 {totals['contracts']} 份，职代会 {totals['congresses']} 个，指导员 {totals['instructors']} 人"
        )
    return totals


seed_demo = seed_small


def _rounds_and_meetings(code: str, today: datetime.date) -> int:
    """Per district: one round agreed (leading to one of its contracts), one failed, one under
    way, and a tripartite meeting."""
    from unionwork.bargaining.models import BargainingRound

    district = OrgUnit.objects.get(code=code)
    if BargainingRound.objects.filter(org=district, is_demo=True).exists():
        return 0
    contract = (
        Contract.objects.filter(
            is_demo=True, org__path__startswith=district.path, level=ContractLevel.REGIONAL
        )
        .order_by("pk")
        .first()
    )
    agreed = actions.open_round(
        None,
        district,
        subject="区域性工资集体协商" + MARK,
        level=ContractLevel.REGIONAL,
        offered_on=today - datetime.timedelta(days=130),
        departments="区人社局、区工商联",
        is_demo=True,
    )
    actions.record_round_session(
        None,
        agreed,
        held_on=today - datetime.timedelta(days=115),
        participants="职工方代表 5 人，企业方代表 5 人",
        minutes="就工资增长幅度达成一致" + MARK,
    )
    if contract is not None:
        actions.conclude_round(
            None, agreed, outcome="agreed", on=today - datetime.timedelta(days=101), contract=contract
        )
    failed = actions.open_round(
        None,
        district,
        subject="企业工资专项协商" + MARK,
        level=ContractLevel.ENTERPRISE,
        offered_on=today - datetime.timedelta(days=90),
        offered_by="union",
        is_demo=True,
    )
    actions.conclude_round(
        None,
        failed,
        outcome="failed",
        on=today - datetime.timedelta(days=40),
        failure_reason="企业经营困难，约定次年再议" + MARK,
    )
    actions.open_round(
        None,
        district,
        subject="女职工权益保护专项协商" + MARK,
        level=ContractLevel.REGIONAL,
        offered_on=today - datetime.timedelta(days=10),
        is_demo=True,
    )
    actions.record_tripartite(
        None,
        district,
        held_on=today - datetime.timedelta(days=60),
        government_party="区人社局副局长" + MARK,
        employer_party="区工商联、企业联合会" + MARK,
        union_party="区总工会副主席" + MARK,
        topics="本年度工资指导线和欠薪治理" + MARK,
        decisions="发布工资指导线" + MARK,
        follow_up="已落实" + MARK,
        is_demo=True,
    )
    return 3


STANDARD_ITEMS = [
    ("congress", "职代会每年至少召开一次"),
    ("congress", "职工代表中一线职工不少于 50%"),
    ("congress", "厂务公开制度健全"),
    ("bargaining", "每年开展工资集体协商"),
    ("bargaining", "工资专项集体合同报人社部门备案"),
]


def _standards(today: datetime.date) -> int:
    """The checklist's items and a check of the first foreign-invested enterprises of each district."""
    from unionwork.bargaining.models import FOREIGN, StandardItem

    if StandardItem.objects.exists():
        return 0
    items = [
        actions.add_standard_item(None, kind=k, text=t, order=i) for i, (k, t) in enumerate(STANDARD_ITEMS)
    ]
    n = 0
    for code in DISTRICTS:
        district = OrgUnit.objects.get(code=code)
        foreign = Enterprise.objects.filter(
            is_demo=True, ownership__in=FOREIGN, status="operating", community__path__startswith=district.path
        ).order_by("pk")[:4]
        for j, e in enumerate(foreign):
            met = {item.pk: (i + j) % 3 != 0 for i, item in enumerate(items)}
            n += actions.record_standard_checks(None, e, met=met, checked_on=today, note="演示检查" + MARK)
    return n
