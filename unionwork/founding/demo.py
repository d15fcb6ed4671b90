"""Demo data of enterprises and union founding, over Dalian's real communities.

``seed_small()``: a few hundred enterprises and about a hundred grassroots unions in communities
of 甘井子区 and 中山区, targets and letters for three years (fast: tests and ``make run``).
``seed_city()``: about 100,000 enterprises and 30,000 grassroots unions over every community of
the city (bulk writes with audit.record_many; a few minutes at most).

Every enterprise has a valid unified social credit code and a name marked 演示; every record is
``is_demo``. Both are idempotent: run again, they add nothing.

``seed_pending()``: foundings recorded by 甘井子区's data-entry clerk, waiting for its reviewer
(建会确认).
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from unionwork.core import audit, identifiers, indicators
from unionwork.core.text import pinyin_of
from unionwork.founding import actions
from unionwork.founding.models import (
    Enterprise,
    EnterpriseStatus,
    FoundingRule,
    FoundingSubmission,
    FoundingTarget,
    GrassrootsUnion,
    IndustrialUnionScope,
    Ownership,
)
from unionwork.orgs.models import OrgEvent, OrgKind, OrgStatus, OrgUnit

DEMO_MARK = "（演示）"
SMALL_DISTRICTS = ("210211", "210202")  # 甘井子区, 中山区

BRANDS = list(
    "海星港湾金石蓝天长城远洋鑫源华泰恒通宏达永安瑞丰盛世东方北方辽南滨城棒棰岛凌水黄海渤海旅顺星辰万通"
    "新港华信鼎盛嘉禾创新博远佳和德润天成富源兴隆"
)
TRADE_BY_INDUSTRY = {
    "A": ["水产养殖", "果蔬种植", "海珍品"],
    "B": ["矿业", "石材开采"],
    "C": ["机床", "重工", "轴承", "船舶配套", "化工", "食品", "服装", "电子", "模具", "精密机械"],
    "D": ["热电", "燃气", "供水"],
    "E": ["建设工程", "建筑安装", "市政工程"],
    "F": ["商贸", "超市", "医药连锁", "建材经销"],
    "G": ["物流", "运输", "港口服务", "仓储"],
    "H": ["酒店", "餐饮管理"],
    "I": ["软件", "信息技术", "网络科技", "数据服务"],
    "J": ["融资租赁", "小额贷款"],
    "K": ["房地产开发", "物业管理"],
    "L": ["商务咨询", "人力资源", "广告"],
    "M": ["检测技术", "工程设计", "科技研发"],
    "N": ["环保科技", "园林绿化"],
    "O": ["家政服务", "汽车维修", "洗衣服务"],
    "P": ["职业培训", "教育咨询"],
    "Q": ["医院", "养老服务"],
    "R": ["文化传媒", "体育发展"],
    "S": ["社会服务中心"],
    "T": ["国际组织代表处"],
}
# How often each industry and ownership appears (a coastal industrial city).
INDUSTRY_WEIGHTS = {
    "C": 26,
    "F": 20,
    "G": 8,
    "E": 8,
    "I": 7,
    "H": 6,
    "L": 6,
    "K": 4,
    "M": 4,
    "O": 3,
    "A": 2,
    "Q": 1,
    "R": 1,
    "N": 1,
    "P": 1,
    "D": 1,
    "J": 0.5,
    "B": 0.3,
    "S": 0.1,
    "T": 0.05,
}
OWNERSHIP_WEIGHTS = {
    Ownership.PRIVATE: 44,
    Ownership.LIMITED_LIABILITY: 22,
    Ownership.INDIVIDUAL: 9,
    Ownership.FOREIGN_INVESTED: 7,
    Ownership.HMT_INVESTED: 4,
    Ownership.STATE_OWNED: 4,
    Ownership.JOINT_STOCK: 4,
    Ownership.COLLECTIVE: 3,
    Ownership.JOINT_STOCK_COOP: 1.5,
    Ownership.OTHER_DOMESTIC: 1,
    Ownership.JOINTLY_OPERATED: 0.5,
}
INDUSTRIAL_OF_INDUSTRY = {
    "C": "I01",
    "I": "I02",
    "E": "I03",
    "F": "I04",
    "J": "I04",
    "G": "I05",
    "P": "I06",
    "Q": "I07",
    "A": "I08",
    "H": "I10",
    "O": "I10",
}
INDUSTRIES_OF_UNION = {
    "I01": ["C"],
    "I02": ["I"],
    "I03": ["E"],
    "I04": ["F", "J"],
    "I05": ["G"],
    "I06": ["P"],
    "I07": ["Q"],
    "I08": ["A"],
    "I10": ["H", "O"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国志强丽华秀英海涛晓东玉兰春梅国庆立新红霞振华文博雪松永刚桂芳宏伟静怡"


def _choices(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def _employees(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.55:
        return rng.randint(1, 24)
    if roll < 0.95:
        return int(rng.triangular(25, 300, 40))
    return int(rng.triangular(300, 5000, 400))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


def _name(rng: random.Random, industry: str, n: int) -> str:
    brand = rng.choice(BRANDS) + rng.choice(BRANDS)
    trade = rng.choice(TRADE_BY_INDUSTRY[industry])
    return f"大连{brand}{trade}有限公司{n}{DEMO_MARK}"


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _log(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


# -- shared bulk builders -----------------------------------------------------------------------
def _build_enterprises(
    rng: random.Random, communities: list[OrgUnit], count: int, code_prefix: str, today: datetime.date
) -> list[Enterprise]:
    industries = _choices(rng, INDUSTRY_WEIGHTS, count)
    ownerships = _choices(rng, OWNERSHIP_WEIGHTS, count)
    out = []
    for n in range(count):
        community = communities[n % len(communities)] if n < len(communities) else rng.choice(communities)
        industry = industries[n]
        employees = _employees(rng)
        closed = rng.random() < 0.03
        capital = round(rng.lognormvariate(5, 1.4), 2)
        out.append(
            Enterprise(
                uscc=identifiers.uscc_with_check(f"91{community.code[:6]}{code_prefix}{n:07d}"),
                name=_name(rng, industry, n + 1),
                ownership=ownerships[n],
                industry=industry,
                employees=employees,
                registered_capital=capital,
                is_key_project=capital >= 3000 and rng.random() < 0.5,
                address=f"{community.name.removesuffix('工会')}{rng.choice('东西南北中')}路{rng.randint(1, 300)}号",
                community=community,
                status=EnterpriseStatus.CLOSED if closed else EnterpriseStatus.OPERATING,
                closed_on=_day(rng, datetime.date(2020, 1, 1), today) if closed else None,
                is_demo=True,
            )
        )
    return out


def _plan_unions(rng: random.Random, enterprises: list[Enterprise], own_share: float, joint_groups: int):
    """Which enterprises get their own union, and which small ones share a joint union."""
    operating = [e for e in enterprises if e.status == EnterpriseStatus.OPERATING]
    big = [e for e in operating if e.employees >= 25]
    own = [e for e in big if rng.random() < own_share]
    small_by_community = defaultdict(list)
    for e in operating:
        if e.employees < 25:
            small_by_community[e.community.pk].append(e)
    pools = [v for v in small_by_community.values() if len(v) >= 2]
    rng.shuffle(pools)
    joint = []
    for pool in pools[:joint_groups]:
        rng.shuffle(pool)
        joint.append(pool[: rng.randint(2, min(6, len(pool)))])
    return own, joint


def _founded_on(rng: random.Random, today: datetime.date) -> datetime.date:
    # Half in the three-year task (two years back to today), the rest earlier.
    if rng.random() < 0.5:
        return _day(rng, datetime.date(today.year - 2, 1, 1), today)
    return _day(rng, datetime.date(2008, 1, 1), datetime.date(today.year - 3, 12, 31))


@transaction.atomic
def _bulk_found(
    rng: random.Random,
    own: list[Enterprise],
    joint: list[list[Enterprise]],
    today: datetime.date,
    industrial: dict[str, OrgUnit],
    progress: Callable[[str], None],
) -> list[GrassrootsUnion]:
    """Set up unions as the tree's create_unit would (path, ipath, pinyin, timeline, audit), in bulk.

    orgs.actions.create_unit does one unit at a time (a few queries each); at 30,000 units the
    demo writes the same rows in bulk instead.
    """
    specs = []  # (parent, kind, name, enterprises, industrial union)
    for e in own:
        iu = industrial.get(INDUSTRIAL_OF_INDUSTRY.get(e.industry, "")) if rng.random() < 0.25 else None
        specs.append(
            (e.community, OrgKind.GRASSROOTS, f"{e.name.removesuffix(DEMO_MARK)}工会{DEMO_MARK}", [e], iu)
        )
    for group in joint:
        c = group[0].community
        base = c.name.removesuffix("工会")
        specs.append((c, OrgKind.JOINT, f"{base}第{len(specs) + 1}联合工会{DEMO_MARK}", group, None))
    stamp = timezone.now().timestamp()
    units = []
    for i, (parent, kind, name, _es, iu) in enumerate(specs):
        full, initials = pinyin_of(name)
        units.append(
            OrgUnit(
                parent=parent,
                kind=kind,
                name=name[:100],
                depth=parent.depth + 1,
                pinyin=full,
                initials=initials,
                industrial_union=iu,
                is_demo=True,
                path=f"tmp:{stamp}:{i}",
            )
        )
    OrgUnit.objects.bulk_create(units, batch_size=2000)
    for unit, (parent, *_rest) in zip(units, specs, strict=True):
        unit.path = f"{parent.path}{unit.pk}/"
        iu = unit.industrial_union
        unit.ipath = f"{iu.path}{unit.pk}/" if iu else (f"{parent.ipath}{unit.pk}/" if parent.ipath else "")
    OrgUnit.objects.bulk_update(units, ["path", "ipath"], batch_size=2000)
    progress(f"工会组织：{len(units)} 个")
    records, covered = [], []
    for unit, (_p, kind, _n, es, _iu) in zip(units, specs, strict=True):
        founded = _founded_on(rng, today)
        direct = rng.random() < 0.3
        records.append(
            GrassrootsUnion(
                unit=unit,
                founded_on=founded,
                chairman_name=_person(rng),
                chairman_directly_elected=direct,
                chairman_elected_on=_day(rng, founded, today) if direct else None,
                is_project_union=kind == OrgKind.GRASSROOTS and es[0].is_key_project,
                is_demo=True,
            )
        )
        for e in es:
            e.union, e.union_since = unit, founded
            covered.append(e)
    GrassrootsUnion.objects.bulk_create(records, batch_size=2000)
    # The demo's history: each union reached the platform on its founding day (deadline credit goes
    # by the entry date, queries.entered_by), not on the day the demo was seeded.
    for r in records:
        r.created_at = timezone.make_aware(datetime.datetime.combine(r.founded_on, datetime.time(9, 0)))
    GrassrootsUnion.objects.bulk_update(records, ["created_at"], batch_size=2000)
    actor = audit.current_actor().label
    OrgEvent.objects.bulk_create(
        [
            OrgEvent(
                unit=u,
                kind=OrgEvent.Kind.CREATED,
                actor_label=actor,
                summary=f"在“{u.parent.name}”下设立",
                reason="演示数据",
            )
            for u in units
        ],
        batch_size=2000,
    )
    audit.record_many([(u, "create", None, audit.snapshot(u)) for u in units], note="演示数据")
    audit.record_many([(r, "found", None, audit.snapshot(r)) for r in records], note="演示数据")
    return records


def _industries_and_rule(industrial: dict[str, OrgUnit]) -> None:
    if not FoundingRule.objects.filter(pk=1).exists():
        actions.update_rule(
            None,
            own_union_min_employees=25,
            joint_union_min_employees=1,
            note="演示规则：从业人员 25 人以上的企业单独建会，其余纳入联合工会。",
        )
    for code, industries in INDUSTRIES_OF_UNION.items():
        unit = industrial.get(code)
        if unit is not None and not IndustrialUnionScope.objects.filter(unit=unit).exists():
            actions.set_industries(None, unit, industries)


def _founded_counts(records: list[GrassrootsUnion]) -> dict[tuple[int, int], int]:
    """Unions founded per (district or township id, year), from the records' paths."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for r in records:
        ids = [int(x) for x in r.unit.path.strip("/").split("/")]
        for uid in ids[1:3]:
            counts[(uid, r.founded_on.year)] += 1
    return counts


def _targets(
    rng: random.Random,
    root: OrgUnit,
    districts: list[OrgUnit],
    years: list[int],
    split_into: list[OrgUnit],
    short: set[int],
    counts: dict[tuple[int, int], int],
) -> None:
    """Targets near what was founded (some met, some missed), for the city, its districts and the
    townships of ``split_into``; the districts in ``short`` split a little less than their whole."""
    townships = defaultdict(list)
    for t in OrgUnit.objects.filter(
        parent__in=split_into, kind=OrgKind.TOWNSHIP, status=OrgStatus.ACTIVE
    ).order_by("code"):
        townships[t.parent_id].append(t)
    for year in years:
        if FoundingTarget.objects.filter(year=year, unit=root).exists():
            continue
        per_district = {
            d.pk: max(1, round(counts.get((d.pk, year), 0) * rng.uniform(0.85, 1.3))) for d in districts
        }
        actions.set_target(None, unit=root, year=year, target=sum(per_district.values()))
        for d in districts:
            target = actions.set_target(None, unit=d, year=year, target=per_district[d.pk])
            if rng.random() < 0.8:
                actions.attach_letter(
                    None,
                    target,
                    signed_on=datetime.date(year, 3, rng.randint(1, 28)),
                    signatories=f"大连市总工会 {_person(rng)}；{d.name} {_person(rng)}",
                )
            tws = townships.get(d.pk, [])
            if not tws:
                continue
            whole = max(per_district[d.pk] - (2 if d.pk in short else 0), 0)
            weights = [counts.get((t.pk, year), 0) + 0.2 for t in tws]
            shares = [int(whole * w / sum(weights)) for w in weights]
            order = sorted(range(len(tws)), key=lambda i: -weights[i])
            for i in range(whole - sum(shares)):
                shares[order[i % len(order)]] += 1
            for t, share in zip(tws, shares, strict=True):
                if share:
                    actions.set_target(None, unit=t, year=year, target=share)


# -- small --------------------------------------------------------------------------------------
def seed_small(stdout=None) -> dict[str, int]:
    """A few hundred enterprises and ~100 unions over 甘井子区 and 中山区 (seconds)."""
    if Enterprise.objects.filter(is_demo=True, uscc__contains="DE").exists():
        return {"enterprises": 0, "unions": 0}
    rng = random.Random(2012)
    today = timezone.localdate()
    with audit.acting_as(None, "command:demo"), transaction.atomic():
        root = OrgUnit.objects.get(parent=None, kind=OrgKind.CITY)
        districts = list(OrgUnit.objects.filter(parent=root, kind=OrgKind.DISTRICT).order_by("code"))
        industrial = {u.code: u for u in OrgUnit.objects.filter(kind=OrgKind.INDUSTRIAL)}
        _industries_and_rule(industrial)
        communities = []
        for code in SMALL_DISTRICTS:
            communities += list(
                OrgUnit.objects.filter(
                    kind=OrgKind.COMMUNITY, code__startswith=code, status=OrgStatus.ACTIVE
                ).order_by("code")[:40]
            )
        enterprises = _build_enterprises(rng, communities, 420, "DE", today)
        own, joint = _plan_unions(rng, enterprises, own_share=0.55, joint_groups=15)
        records = _bulk_found(rng, own[:85], joint, today, industrial, lambda m: _log(stdout, m))
        Enterprise.objects.bulk_create(enterprises, batch_size=2000)
        audit.record_many([(e, "create", None, audit.snapshot(e)) for e in enterprises], note="演示数据")
        small_districts = [d for d in districts if d.code in SMALL_DISTRICTS]
        _targets(
            rng,
            root,
            districts,
            [today.year - 2, today.year - 1, today.year],
            small_districts,
            short={d.pk for d in small_districts if d.code == "210211"},
            counts=_founded_counts(records),
        )
    _log(stdout, f"企业：新增 {len(enterprises)} 家；基层工会：新增 {len(records)} 个")
    return {"enterprises": len(enterprises), "unions": len(records)}


# -- city ---------------------------------------------------------------------------------------
def seed_city(stdout=None, enterprises: int = 100_000, unions: int = 30_000) -> dict[str, int]:
    """About 100,000 enterprises and 30,000 grassroots unions over every community of the city."""
    if Enterprise.objects.filter(is_demo=True, uscc__contains="MA").count() >= enterprises * 0.9:
        return {"enterprises": 0, "unions": 0}
    started = time.monotonic()
    rng = random.Random(2013)
    today = timezone.localdate()
    with audit.acting_as(None, "command:demo"):
        root = OrgUnit.objects.get(parent=None, kind=OrgKind.CITY)
        districts = list(OrgUnit.objects.filter(parent=root, kind=OrgKind.DISTRICT).order_by("code"))
        industrial = {u.code: u for u in OrgUnit.objects.filter(kind=OrgKind.INDUSTRIAL)}
        communities = list(
            OrgUnit.objects.filter(kind=OrgKind.COMMUNITY, status=OrgStatus.ACTIVE).order_by("code")
        )
        with transaction.atomic():
            _industries_and_rule(industrial)
        objs = _build_enterprises(rng, communities, enterprises, "MA", today)
        _log(stdout, f"企业数据已生成（{time.monotonic() - started:.0f} 秒）")
        joint_groups = unions // 8
        own, joint = _plan_unions(rng, objs, own_share=0.75, joint_groups=joint_groups)
        own = own[: unions - len(joint)]
        with transaction.atomic():
            records = _bulk_found(rng, own, joint, today, industrial, lambda m: _log(stdout, m))
        _log(stdout, f"基层工会 {len(records)} 个（{time.monotonic() - started:.0f} 秒）")
        for start in range(0, len(objs), 20_000):
            chunk = objs[start : start + 20_000]
            with transaction.atomic():
                Enterprise.objects.bulk_create(chunk, batch_size=2000)
                audit.record_many([(e, "create", None, audit.snapshot(e)) for e in chunk], note="演示数据")
        _log(stdout, f"企业 {len(objs)} 家（{time.monotonic() - started:.0f} 秒）")
        with transaction.atomic():
            _targets(
                rng,
                root,
                districts,
                [today.year - 2, today.year - 1, today.year],
                districts,
                short={districts[0].pk, districts[3].pk},
                counts=_founded_counts(records),
            )
    if connection.vendor == "postgresql":  # fresh statistics after a bulk load, for good plans
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE founding_enterprise, founding_grassrootsunion, orgs_orgunit, core_auditevent"
            )
    _log(stdout, f"完成，用时 {time.monotonic() - started:.0f} 秒")
    return {"enterprises": len(objs), "unions": len(records)}


# -- pending foundings -------------------------------------------------------------------------
def seed_pending(n: int = 2) -> int:
    """Up to ``n`` pending foundings by ``gjz_editor`` (none if any submission exists already)."""
    clerk = get_user_model().objects.filter(username="gjz_editor").select_related("org").first()
    if (
        clerk is None
        or FoundingSubmission.objects.exists()
        or not FoundingRule.current().confirmation_required
    ):
        return 0
    candidates = list(
        Enterprise.objects.filter(
            is_demo=True,
            union=None,
            status=EnterpriseStatus.OPERATING,
            community__path__startswith=clerk.org_path,
            employees__gte=FoundingRule.current().own_union_min_employees,
        ).order_by("pk")[:n]
    )
    with audit.acting_as(clerk, "command:demo"):
        for e in candidates:
            actions.record_founding(
                clerk,
                enterprises=[e],
                founded_on=timezone.localdate(),
                chairman_name="张演示",
                reason="演示数据",
            )
    return len(candidates)


# -- the year's history of the kept union count ----------------------------------------------------
def seed_union_history(today: datetime.date | None = None) -> str:
    """The kept count of grassroots unions (``orgs.grassroots_units``) at the end of every month
    from the end of last year to last month, as if each union had reached the platform on the day
    it was founded.

    The demo's records are all entered on the day it is built, so its kept figures hold only the
    current month; the founding target's pace (the growth of that count since last year's end, as
    it stood at the deadline: ``founding.pacing``) then read nothing at the deadline and showed 0 %
    done beside the target card's count of unions founded by it. A union without a founding record
    counts from the start. Written by the indicators' own rebuild, one month at a time, a row only
    where the count moved."""
    from unionwork.orgs.indicators import GRASSROOTS_UNITS, UNION_KINDS
    from unionwork.orgs.queries import month_end

    today = today or timezone.localdate()
    current = indicators.month_of(today)
    first = datetime.date(today.year - 1, 12, 1)
    founded = dict(GrassrootsUnion.objects.values_list("unit_id", "founded_on").iterator(chunk_size=20000))
    units = list(
        OrgUnit.objects.filter(kind__in=UNION_KINDS, status=OrgStatus.ACTIVE)
        .values_list("pk", "path", "ipath")
        .iterator(chunk_size=20000)
    )
    month, months, rows = first, 0, 0
    while month < current:
        end = month_end(month)  # the first day after the month
        counts = [(path, ipath, 1, 0) for pk, path, ipath in units if founded.get(pk, first) < end]
        rows += indicators.rebuild(GRASSROOTS_UNITS.key, month, counts=counts, sparse=True)
        month, months = end, months + 1
    return f"{months} 个月，{rows} 行"
