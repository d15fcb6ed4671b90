"""Demo data of the visits campaign in 甘井子区 and 中山区: a campaign each with contact points,
enterprise and household visits with findings (one household's hardship file opened from its
visit), deeds (on time, late, overdue) and a research
report. Everything through the actions; names say 演示. Running it again adds nothing."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from unionwork.core import audit, identifiers
from unionwork.founding.models import Enterprise
from unionwork.orgs.models import OrgUnit
from unionwork.visits import actions
from unionwork.visits.models import Campaign

MARK = "（演示）"
DISTRICTS = (("210211", "gjz_admin", "gjz_editor", "甘井子区"), ("210202", "zs_admin", None, "中山区"))


def _seed_district(code: str, admin_name: str, editor_name: str | None, label: str) -> int:
    User = get_user_model()
    org = OrgUnit.objects.filter(code=code).first()
    admin = User.objects.filter(username=admin_name).first()
    if org is None or admin is None or Campaign.objects.filter(org=org, is_demo=True).exists():
        return 0
    editor = User.objects.filter(username=editor_name).first() if editor_name else None
    today = timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=40)).replace(day=1)
    enterprises = list(Enterprise.objects.filter(community__path__startswith=org.path).order_by("pk")[:4])
    if not enterprises:
        return 0
    with audit.acting_as(admin, "demo"):
        campaign = actions.set_campaign(
            admin,
            org,
            name=f"{label}“双走双促”走访活动{MARK}",
            starts_on=start,
            ends_on=start.replace(year=start.year + 1) - datetime.timedelta(days=1),
            enterprises_per_month=1,
            households_per_month=1,
            note="演示",
            is_demo=True,
        )
        actions.pair(admin, campaign, cadre=admin, enterprises=enterprises[:2], on=start, is_demo=True)
        if editor is not None:
            actions.pair(admin, campaign, cadre=editor, enterprises=enterprises[2:], on=start, is_demo=True)
        six = actions.current_checklist("six")
        eight = actions.current_checklist("eight")
        n = 0
        for i, e in enumerate(enterprises):
            answers = {}
            for item in six.items.all():
                answers[item.pk] = {
                    "yes_no": "yes" if i % 2 else "no",
                    "number": str(50 + 10 * i),
                    "choice": item.choices[i % len(item.choices)] if item.choices else "",
                }.get(item.kind, f"演示情况{i}")
            visit = actions.record_visit(
                admin,
                kind="enterprise",
                visited_on=start + datetime.timedelta(days=3 + 7 * i),
                cadres=[admin] + ([editor] if editor is not None and i >= 2 else []),
                people_met=f"{e.name}工会主席、人事经理{MARK}",
                enterprise=e,
                answers=answers,
                notes=f"走访{e.name}{MARK}",
                findings=[
                    {
                        "category": ["operations", "demand", "risk", "union"][i % 4],
                        "severity": 1 + i % 3,
                        "text": f"{label}企业情况{i}{MARK}",
                    },
                    {"category": "demand", "severity": 2, "text": f"{label}职工希望改善通勤{i}{MARK}"},
                ],
                client_key=f"demo-{code}-e{i}",
                is_demo=True,
            )
            n += 1
            demand = visit.findings.filter(category="demand").first()
            deed = actions.promise_deed(
                admin,
                demand,
                title=f"{label}协调开通职工通勤班车{i}{MARK}",
                owner=editor or admin,
                promised_on=today + datetime.timedelta(days=(-5 if i == 0 else 20)),
                is_demo=True,
            )
            if i == 1:
                actions.mark_deed_done(editor or admin, deed, done_on=today, evidence=f"已开通班车{MARK}")
        for j in range(2):
            answers = {}
            for item in eight.items.all():
                answers[item.pk] = {
                    "yes_no": "yes",
                    "number": "3",
                    "choice": item.choices[j] if item.choices else "",
                }.get(item.kind, f"演示{j}")
            household = actions.record_visit(
                admin,
                kind="household",
                visited_on=start + datetime.timedelta(days=10 + j),
                cadres=[admin],
                people_met=f"职工本人及家属{MARK}",
                household_name=f"{label[:1]}演示职工{j}",
                household_address=f"大连市{label}某某街道某某小区{j}号",
                household_phone="13800000000",
                answers=answers,
                findings=[{"category": "living", "severity": 2 + j, "text": f"{label}家庭生活困难{j}{MARK}"}],
                client_key=f"demo-{code}-h{j}",
                is_demo=True,
            )
            n += 1
            if j == 1:  # the household in hardship: its file opened in the service-station module
                actions.open_hardship_file_from_visit(
                    admin,
                    household.findings.get(),
                    name=household.household_name,
                    id_number=identifiers.make_id(code, datetime.date(1976, 11, 20), 800),
                    cause="illness",
                    household_size=3,
                    monthly_income=1500,
                    opened_on=household.visited_on,
                )
        actions.count_overdue_deeds(today)
        actions.draft_report(
            admin,
            org,
            period_start=start,
            period_end=today,
            title=f"{label}“双走双促”调研报告{MARK}",
            is_demo=True,
        )
    return n


def seed_small(stdout=None) -> int:
    """Idempotent: a district that has its demo campaign gets nothing more."""
    return sum(_seed_district(*d) for d in DISTRICTS)
