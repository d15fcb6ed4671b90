"""Demo data of the service stations, created through the module's actions (names marked 演示).

``seed_small()``: stations for most eligible enterprises of 甘井子区 and 中山区 (one radiating
station covering two others, a few eligible ones left without: the missing list), community
stations and a street centre, a month of service entries (some with member cards), a few legal
consultations (one became a stability case) and hardship files with relief (one large relief
waiting for approval). Idempotent.

``seed_city()``: on the city demo (``manage.py demo --scale city``), the seed's figure: exactly
8,865 eligible units (enterprises and communities) of which 8,620 have a station (97.2%). It sets
the eligibility rule's threshold from the register (a new version from today) and opens the
stations in bulk, then the coverage figure is recounted (``indicators.rebuild``).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from unionwork.core import audit, identifiers, indicators
from unionwork.founding.models import Enterprise
from unionwork.members.models import CardStatus, MemberCard
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit
from unionwork.stations import actions, queries
from unionwork.stations import indicators as ind
from unionwork.stations.models import (
    EligibilityRule,
    HostKind,
    ServiceKind,
    Station,
    StationMode,
    StationStatus,
    StationStatusChange,
)

MARK = "（演示）"
SMALL_DISTRICTS = ("210211", "210202")  # 甘井子区, 中山区
SEED_ELIGIBLE, SEED_COVERED = 8865, 8620


def _demo_name(name: str) -> str:
    return name if "演示" in name else name + MARK


def seed_small(stdout=None) -> dict[str, int]:
    if Station.objects.filter(is_demo=True).exists():
        return {"stations": 0}
    rng = random.Random(2024)
    today = timezone.localdate()
    counts = {"stations": 0, "services": 0, "hardship": 0, "consultations": 0}
    with audit.acting_as(None, "command:demo"), transaction.atomic():
        actions.ensure_service_kinds()
        kinds = list(ServiceKind.objects.filter(active=True))
        for code in SMALL_DISTRICTS:
            district = OrgUnit.objects.get(code=code)
            eligible = list(
                queries.eligible_enterprises()
                .filter(community__path__startswith=district.path)
                .select_related("community")
                .order_by("uscc")
            )
            eligible = eligible[:60]  # small: a few dozen per district, also on the city demo
            hosts = eligible[: max(0, len(eligible) - 3)]  # three left for the missing list
            radiating_host, served = (hosts[0], hosts[1:3]) if len(hosts) >= 3 else (None, [])
            stations = []
            for e in hosts:
                if e in served:
                    continue
                radiating = e is radiating_host
                stations.append(
                    actions.open_station(
                        None,
                        name=_demo_name(f"{e.name}职工服务站"),
                        host_kind=HostKind.ENTERPRISE,
                        enterprise=e,
                        mode=StationMode.RADIATING
                        if radiating
                        else rng.choice(
                            [StationMode.COMPREHENSIVE, StationMode.COMPREHENSIVE, StationMode.SPECIAL]
                        ),
                        opened_on=today - datetime.timedelta(days=rng.randint(60, 900)),
                        space_m2=rng.choice([40, 60, 80, 120]),
                        staff=rng.randint(1, 4),
                        services=rng.sample(kinds, 3),
                        workers_covered=e.employees,
                        radiated=served if radiating else (),
                        is_demo=True,
                    )
                )
            communities = OrgUnit.objects.filter(
                kind=OrgKind.COMMUNITY, status=OrgStatus.ACTIVE, path__startswith=district.path
            ).order_by("code")[:4]
            for c in communities:
                stations.append(
                    actions.open_station(
                        None,
                        name=_demo_name(f"{c.name}职工服务站"),
                        host_kind=HostKind.COMMUNITY,
                        org=c,
                        mode=StationMode.COMPREHENSIVE,
                        opened_on=today - datetime.timedelta(days=rng.randint(100, 700)),
                        space_m2=100,
                        staff=2,
                        services=kinds[:5],
                        workers_covered=rng.randint(200, 900),
                        is_demo=True,
                    )
                )
            street = communities[0].parent if communities else None
            if street is not None:
                stations.append(
                    actions.open_station(
                        None,
                        name=_demo_name(f"{street.name.replace('工会', '')}职工服务中心"),
                        host_kind=HostKind.CENTRE,
                        org=street,
                        mode=StationMode.COMPREHENSIVE,
                        opened_on=today - datetime.timedelta(days=800),
                        space_m2=300,
                        staff=5,
                        services=kinds,
                        workers_covered=3000,
                        is_demo=True,
                    )
                )
            counts["stations"] += len(stations)
            cards = list(
                MemberCard.objects.filter(
                    org_path__startswith=district.path, status__in=[CardStatus.ISSUED, CardStatus.ACTIVE]
                ).order_by("pk")[:10]
            )
            for i in range(20):
                s = stations[i % len(stations)] if stations else None
                if s is None:
                    break
                actions.log_service(
                    None,
                    s,
                    kind=kinds[i % len(kinds)],
                    on=today - datetime.timedelta(days=rng.randint(0, 50)),
                    people=rng.randint(1, 30),
                    card_number=cards[i].number if i < len(cards) and i % 2 == 0 else "",
                    entry="activity" if i % 5 == 4 else "service",
                    is_demo=True,
                )
                counts["services"] += 1
            counts["hardship"] += _hardship(rng, district, today)
            counts["consultations"] += _rights(district, today, stations)
    return counts


HARDSHIP_NAMES = ("王秀英", "李建国", "张桂兰", "刘志强", "陈淑珍", "杨国华")


def _hardship(rng, district: OrgUnit, today) -> int:
    communities = list(
        OrgUnit.objects.filter(
            kind=OrgKind.COMMUNITY, status=OrgStatus.ACTIVE, path__startswith=district.path
        ).order_by("code")[:3]
    )
    causes = ["illness", "disability", "unemployment", "single_parent", "disaster", "other"]
    n = 0
    for i, name in enumerate(HARDSHIP_NAMES[:4]):
        f = actions.open_hardship_file(
            None,
            communities[i % len(communities)],
            name=name,
            id_number=identifiers.make_id(district.code, datetime.date(1970 + i * 3, 3 + i, 9 + i), 500 + i),
            cause=causes[(i + len(district.code)) % len(causes)],
            household_size=rng.randint(2, 5),
            monthly_income=rng.choice([1200, 2400, 3600, 5200]),
            opened_on=today - datetime.timedelta(days=rng.randint(30, 300)),
            enterprise_name=_demo_name(f"{district.name[:2]}某企业"),
            is_demo=True,
        )
        actions.give_relief(
            None,
            f,
            kind="warmth",
            on=today - datetime.timedelta(days=10),
            amount=800,
            fund_source="union",
            is_demo=True,
        )
        if i == 0:
            actions.give_relief(
                None, f, kind="medical", on=today, amount=6000, fund_source="government", is_demo=True
            )
        n += 1
    return n


def _rights(district: OrgUnit, today, stations) -> int:
    c = (
        OrgUnit.objects.filter(kind=OrgKind.COMMUNITY, path__startswith=district.path)
        .order_by("code")
        .first()
    )
    prefix = district.name[:2]
    first = actions.record_consultation(
        None,
        c,
        kind="consultation",
        worker_name="赵立新",
        enterprise_name=_demo_name(f"{prefix}某物流公司"),
        issue="加班费计算方式咨询",
        received_on=today - datetime.timedelta(days=12),
        station=stations[0] if stations else None,
        is_demo=True,
    )
    actions.close_consultation(None, first, outcome="已解答，告知按劳动法第四十四条计算")
    aid = actions.record_consultation(
        None,
        c,
        kind="legal_aid",
        worker_name="孙海波",
        enterprise_name=_demo_name(f"{prefix}某建筑公司"),
        issue="拖欠工资三个月，申请法律援助",
        received_on=today - datetime.timedelta(days=5),
        is_demo=True,
    )
    actions.consultation_to_case(None, aid, title=f"{prefix}孙海波欠薪诉求（演示）")
    return 2


# -- the seed's city figure ------------------------------------------------------------------------


def seed_city(stdout=None, eligible: int = SEED_ELIGIBLE, covered: int = SEED_COVERED) -> dict[str, int]:
    """On the city demo: exactly ``eligible`` eligible units of which ``covered`` have a station.

    The rule's threshold N is the largest at which the register holds at least the enterprises
    needed (``eligible`` minus the communities, always eligible), set as a new rule version from
    today. Enterprises at exactly N beyond the target (ties) get one employee fewer through
    ``founding.actions.update_enterprise`` (demo data, audited), so the count is exact. Then
    stations are opened in bulk for ``covered`` units (communities first, then the largest
    enterprises) and the figures are recounted.
    """
    today = timezone.localdate()
    n_communities = queries.communities().count()
    wanted = eligible - n_communities
    if wanted < 0:
        raise ValueError("more communities than eligible units")
    base = Enterprise.objects.filter(
        queries.eligible_q(rule=EligibilityRule(min_employees=1, requires_union=True), on=today)
    )
    # Employees of the candidate enterprises, largest first: the threshold N keeps the top ones.
    sizes = list(base.values("employees").annotate(n=Count("pk")).order_by("-employees"))
    total, threshold = 0, None
    for row in sizes:
        total += row["n"]
        if total >= wanted:
            threshold = row["employees"]
            break
    if threshold is None:
        raise ValueError(f"the register holds only {total} enterprises with a union; {wanted} needed")
    with audit.acting_as(None, "command:demo"):
        current = queries.rule_for(today)
        if current.min_employees != threshold or not current.requires_union:
            rule = EligibilityRule.objects.filter(effective_from=today).first()
            if rule is None:
                actions.set_eligibility_rule(
                    None,
                    min_employees=threshold,
                    requires_union=True,
                    effective_from=today,
                    note="城市演示：使应建站单位与原文 8,865 一致",
                )
            else:  # re-run on the same day: the version of today is the demo's own
                EligibilityRule.objects.filter(pk=rule.pk).update(
                    min_employees=threshold, requires_union=True
                )
        got = queries.eligible_enterprises(today).count()
        surplus = got - wanted
        if surplus > 0:
            from unionwork.founding import actions as founding_actions

            ties = queries.eligible_enterprises(today).filter(employees=threshold).order_by("-pk")[:surplus]
            for e in list(ties):
                founding_actions.update_enterprise(None, e, employees=threshold - 1)
            got = queries.eligible_enterprises(today).count()
        _log(
            stdout,
            f"建站条件：已建会且职工 ≥ {threshold} 人；应建站企业 {got} 家，村（社区）{n_communities} 个",
        )
        opened = _bulk_stations(today, covered)
        ind.rebuild_coverage()
        for key in (ind.WORKERS,):
            indicators.rebuild(key)
    root = OrgUnit.objects.get(parent=None, kind=OrgKind.CITY)
    fig = indicators.value(ind.COVERAGE, root)
    _log(stdout, f"服务站覆盖：{fig.numerator} / {fig.denominator}（{fig.rate}%）")
    return {"eligible": fig.denominator, "covered": fig.numerator, "opened": opened}


def _bulk_stations(today, covered: int) -> int:
    """Open stations (bulk, audited with record_many) until ``covered`` eligible units have one."""
    have = indicators_live_covered(today)
    need = covered - have
    if need <= 0:
        return 0
    opened = []
    kinds = list(ServiceKind.objects.filter(active=True)) or []
    comms = list(queries.communities().exclude(queries.community_covered_q()).order_by("path")[:need])
    for c in comms:
        opened.append(
            Station(
                name=f"{c.name}职工服务站{MARK}",
                host_kind=HostKind.COMMUNITY,
                org=c,
                mode=StationMode.COMPREHENSIVE,
                opened_on=today,
                workers_covered=300,
                status=StationStatus.OPEN,
                is_demo=True,
            )
        )
    need -= len(comms)
    ents = list(
        queries.eligible_enterprises(today)
        .exclude(queries.covered_q(today))
        .select_related("community")
        .order_by("-employees", "pk")[: max(need, 0)]
    )
    for e in ents:
        opened.append(
            Station(
                name=f"{e.name}职工服务站{MARK}"[:200],
                host_kind=HostKind.ENTERPRISE,
                enterprise=e,
                org=e.community,
                mode=StationMode.COMPREHENSIVE,
                opened_on=today,
                workers_covered=e.employees,
                status=StationStatus.OPEN,
                is_demo=True,
            )
        )
    with transaction.atomic():
        Station.objects.bulk_create(opened, batch_size=2000)
        if kinds:
            through = Station.services.through
            through.objects.bulk_create(
                [through(station_id=s.pk, servicekind_id=k.pk) for s in opened for k in kinds[:3]],
                batch_size=5000,
            )
        StationStatusChange.objects.bulk_create(
            [
                StationStatusChange(
                    station=s, status=StationStatus.OPEN, on=today, reason="建站", actor_label="演示数据"
                )
                for s in opened
            ],
            batch_size=5000,
        )
        audit.record_many([(s, "open_station", None, audit.snapshot(s)) for s in opened], note="城市演示数据")
    return len(opened)


def indicators_live_covered(today) -> int:
    return (
        queries.eligible_enterprises(today).filter(queries.covered_q(today)).count()
        + queries.communities().filter(queries.community_covered_q()).count()
    )


def _log(stdout, msg: str) -> None:
    if stdout is not None:
        stdout.write(msg)
