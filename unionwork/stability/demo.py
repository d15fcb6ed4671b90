"""Demo data of stability work in 甘井子区 and 中山区: reports, incidents, cases followed to the
end, a petition, a reception day, an emergency, a leading group and an accountability decision.

Everything goes through the actions (so it is audited and obeys the rules); times in the past are
passed as ``now``, as a command may. Names say 演示. Running it again adds nothing.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from unionwork.core import audit
from unionwork.orgs.models import OrgKind, OrgUnit
from unionwork.stability import actions
from unionwork.stability import periods as P
from unionwork.stability.models import Incident, LeadingGroupMember, Report

MARK = "（演示）"


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _file_reports(district: OrgUnit, now: datetime.datetime) -> int:
    """The last two months' reports of the district and some of its townships: on time, late, nil."""
    n = 0
    policy = P.get_policy()
    townships = list(OrgUnit.objects.filter(parent=district, kind=OrgKind.TOWNSHIP).order_by("code")[:8])
    month = P.month_start(P.month_start(timezone.localdate(now)) - datetime.timedelta(days=1))
    for m in (P.month_start(month - datetime.timedelta(days=1)), month):
        period = P.monthly_period(m, policy)
        for i, unit in enumerate([district, *townships]):
            if (
                i % 4 == 3
                or Report.objects.filter(
                    org=unit, period_kind=period.kind, period_start=period.start
                ).exists()
            ):
                continue  # every fourth unit misses the period (漏报)
            late = i % 5 == 2
            filed = period.deadline + (
                datetime.timedelta(hours=20) if late else -datetime.timedelta(days=2, hours=i)
            )
            if filed > now:
                continue
            if i % 3 == 1:
                actions.file_nil_report(
                    None, unit, period.kind, period.start, summary="本期无情况" + MARK, now=filed
                )
            else:
                actions.file_report(
                    None,
                    unit,
                    period.kind,
                    period.start,
                    summary=f"{m:%m}月排查劳资矛盾，重点关注欠薪企业{MARK}",
                    disputes_found=3 + i,
                    disputes_resolved=2 + i // 2,
                    workers_involved=40 + 7 * i,
                    now=filed,
                )
            n += 1
    return n


def _case_to_the_end(incident: Incident, owner, reviewer, start: datetime.datetime, *, finish: bool) -> None:
    case = incident.case
    t = start
    actions.assess_case(
        None, case, assessment="经研判属实，需协调企业尽快兑付" + MARK, now=t + datetime.timedelta(hours=5)
    )
    actions.own_case(None, case, owner=owner, now=t + datetime.timedelta(hours=6))
    actions.record_mediation(
        None,
        case,
        parties="企业负责人、职工代表、劳动监察大队、街道工会",
        methods=["persuasion", "legal_aid"],
        outcome="continuing",
        note="企业承诺分期支付" + MARK,
        held_on=timezone.localdate(t + datetime.timedelta(days=1)),
        now=t + datetime.timedelta(days=1),
    )
    if finish:
        actions.record_mediation(
            None,
            case,
            parties="企业负责人、职工代表",
            methods=["persuasion"],
            outcome="agreement",
            note="达成书面协议，工资分两期结清" + MARK,
            held_on=timezone.localdate(t + datetime.timedelta(days=3)),
            now=t + datetime.timedelta(days=3),
        )
        actions.resolve_case(
            None,
            case,
            resolution="agreement",
            note="欠薪已全部结清" + MARK,
            now=t + datetime.timedelta(days=6),
        )
        with audit.acting_as(reviewer, "command:demo"):
            actions.verify_case(
                reviewer, case, note="回访职工，确认已结清" + MARK, now=t + datetime.timedelta(days=7)
            )


def _district(code: str, prefix: str, now: datetime.datetime, big: bool) -> dict[str, int]:
    district = OrgUnit.objects.get(code=code)
    if Incident.objects.filter(org__path__startswith=district.path, is_demo=True).exists():
        return {}
    admin = _user(f"{prefix}_admin")
    reviewer = _user(f"{prefix}_reviewer") or _user("city_admin")
    township = OrgUnit.objects.filter(parent=district, kind=OrgKind.TOWNSHIP).order_by("code").first()
    community = OrgUnit.objects.filter(parent=township, kind=OrgKind.COMMUNITY).order_by("code").first()
    added = {"reports": _file_reports(district, now)}
    ago = lambda days, hours=0: now - datetime.timedelta(days=days, hours=hours)  # noqa: E731
    area = district.name.replace("总工会", "")
    base = {"enterprise_uscc": "", "amount_at_stake": 0}
    i1 = actions.report_incident(
        None,
        community,
        kind="wage_arrears",
        severity="general",
        enterprise_name=f"大连{area}演示机械有限公司",
        industry="C",
        workers_involved=23,
        description="企业拖欠23名职工两个月工资" + MARK,
        learned_at=ago(30),
        now=ago(30) + datetime.timedelta(hours=3),
        is_demo=True,
        **base | {"amount_at_stake": 186000},
    )
    _case_to_the_end(i1, admin, reviewer, ago(30), finish=True)
    i2 = actions.report_incident(
        None,
        township,
        kind="layoffs",
        severity="large",
        enterprise_name=f"大连{area}演示电子有限公司",
        industry="C",
        workers_involved=85,
        description="企业拟裁员85人，职工对补偿方案有异议" + MARK,
        learned_at=ago(12),
        now=ago(11, 2),
        is_demo=True,
        **base | {"amount_at_stake": 1200000},
    )  # late: reported after the 12 hours of 较大
    _case_to_the_end(i2, admin, reviewer, ago(11), finish=False)
    i3 = actions.report_incident(
        None,
        community,
        kind="social_insurance",
        severity="general",
        enterprise_name=f"大连{area}演示物业服务有限公司",
        industry="K",
        workers_involved=12,
        description="企业欠缴12名职工社会保险费" + MARK,
        learned_at=ago(70),
        now=ago(70) + datetime.timedelta(hours=2),
        is_demo=True,
        **base | {"amount_at_stake": 54000},
    )
    actions.assess_case(None, i3.case, assessment="涉及社保补缴，协调社保部门" + MARK, now=ago(69))
    actions.own_case(None, i3.case, owner=admin, now=ago(69))  # owned long ago, not resolved: overdue
    added["incidents"] = 3
    if big:
        i4 = actions.report_incident(
            None,
            township,
            kind="collective",
            severity="major",
            enterprise_name=f"大连{area}演示建筑工程有限公司",
            industry="E",
            workers_involved=160,
            description="农民工160余人聚集讨要工程款" + MARK,
            learned_at=ago(2, 4),
            now=ago(2, 3),
            is_demo=True,
            **base | {"amount_at_stake": 3600000},
        )
        actions.assess_case(
            None, i4.case, severity="major", assessment="群体性事件，立即启动应急预案" + MARK, now=ago(2, 2)
        )
        actions.own_case(None, i4.case, owner=admin, now=ago(2, 2))
        plan = actions.adopt_emergency_plan(
            None,
            district,
            title=f"{district.name}职工队伍稳定突发事件应急预案{MARK}",
            content="一、组织指挥：成立应急处置领导小组\n二、信息报告：第一时间报告区委、市总\n三、先期处置：工会干部迅速介入、靠前指挥\n四、善后：跟踪回访",
            now=ago(200),
        )
        response = actions.start_emergency_response(
            None,
            i4,
            commander="区总工会主席（演示）",
            first_entry="工会干部到达现场，了解诉求" + MARK,
            now=ago(2, 2),
        )
        actions.log_emergency(
            None, response, text="会同住建、人社部门与总包单位负责人协商" + MARK, now=ago(2, 1)
        )
        actions.log_emergency(
            None, response, text="总包单位承诺三日内支付首期工程款，人员疏散" + MARK, now=ago(1, 20)
        )
        added["plans"] = 1 if plan else 0
        # A dispute the district learned of that the community never reported: concealment.
        hidden = (
            OrgUnit.objects.filter(parent=township, kind=OrgKind.COMMUNITY).order_by("code")[1:2].first()
            or community
        )
        i5 = actions.record_concealed_incident(
            None,
            hidden,
            kind="pay_cuts",
            severity="general",
            enterprise_name=f"大连{area}演示食品有限公司",
            industry="C",
            workers_involved=40,
            description="企业单方面降薪三成，社区工会未报告" + MARK,
            learned_at=ago(20),
            recorder_org=district,
            now=ago(20) + datetime.timedelta(hours=1),
            is_demo=True,
            **base,
        )
        actions.record_accountability(
            None,
            hidden,
            kind="criticism",
            decided_on=timezone.localdate(ago(5)),
            reason="瞒报企业降薪引发的劳资矛盾" + MARK,
            incidents=[i5],
            decided_by=district,
            document_number=f"甘工发〔{now:%Y}〕演示号",
            now=ago(5),
        )
        petition = actions.register_petition(
            None,
            township,
            channel="visit",
            received_on=timezone.localdate(ago(6)),
            petitioner="王某某",
            petitioner_phone="13800000000",
            people=3,
            enterprise_name=f"大连{area}演示餐饮有限公司",
            kind="wage_arrears",
            request="反映企业拖欠三名厨师工资" + MARK,
            now=ago(6),
            is_demo=True,
        )
        actions.assess_case(None, petition.case, assessment="初访，属实，由街道工会协调" + MARK, now=ago(5))
        actions.open_grievance_case(
            None,
            district,
            title="职工李某某工伤待遇诉求代理" + MARK,
            claimant="李某某",
            description="职工工伤认定后企业未支付一次性伤残补助金，委托工会代理" + MARK,
            now=ago(9),
        )
        day = actions.schedule_reception(
            None,
            district,
            date=timezone.localdate(ago(14)),
            host="区总工会主席（演示）",
            place="区职工服务中心",
            note="每月第二个周四" + MARK,
            now=ago(30),
        )
        actions.record_reception_visit(
            None,
            day,
            visitor="赵某某",
            workplace=f"大连{area}演示纺织有限公司",
            request="咨询劳动合同到期不续签的经济补偿",
            reply="当场解答，告知依法可获经济补偿",
            now=ago(14),
        )
        actions.record_reception_visit(
            None,
            day,
            visitor="孙某某等",
            people=5,
            workplace=f"大连{area}演示运输有限公司",
            request="反映企业未足额缴纳住房公积金",
            open_as_case=True,
            now=ago(14),
        )
        actions.schedule_reception(
            None,
            district,
            date=timezone.localdate(now + datetime.timedelta(days=10)),
            host="区总工会副主席（演示）",
            place="区职工服务中心",
            now=ago(1),
        )
        added["others"] = 6
    if not LeadingGroupMember.objects.filter(org=district).exists():
        for name, position, role, duties, account in [
            ("主席（演示）", f"{district.name}主席", "leader", "全面负责维稳工作", None),
            ("副主席（演示）", f"{district.name}副主席", "deputy", "分管信访、诉求代理和纠纷调处", admin),
            ("部长（演示）", "权益保障部部长", "office", "领导小组办公室日常工作、信息报送", None),
        ]:
            actions.add_group_member(
                None,
                district,
                name=name,
                position=position,
                group_role=role,
                duties=duties,
                account=account,
                now=ago(300),
            )
    return added


def seed_demo(stdout=None) -> dict[str, dict[str, int]]:
    """Create the stability demo data in 甘井子区 and 中山区 (idempotent)."""
    now = timezone.now()
    result = {}
    with audit.acting_as(None, "command:demo"):
        for code, prefix, big in (("210211", "gjz", True), ("210202", "zs", False)):
            if OrgUnit.objects.filter(code=code).exists():
                with transaction.atomic():
                    result[code] = _district(code, prefix, now, big)
    if stdout is not None:
        stdout.write(f"stability demo: {result}\n")
    return result
