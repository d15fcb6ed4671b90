"""Demo data of the foundation: zones, industrial unions, a few grassroots unions, accounts.

The divisions are Dalian's real ones; everything generated here is marked ``is_demo`` and its
name says 演示. Running it again adds nothing that is already there.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from unionwork.core import audit
from unionwork.core.scope import ADMINISTRATOR, EDITOR, REVIEWER, VIEWER
from unionwork.orgs import actions as org_actions
from unionwork.orgs.divisions import load_divisions
from unionwork.orgs.models import OrgKind, OrgUnit

DEMO_PASSWORD = "Union#Demo2026"
DEMO_MARK = "（演示）"

ZONES = [
    ("Z01", "大连高新技术产业园区总工会"),
    ("Z02", "大连长兴岛经济区总工会"),
    ("Z03", "大连花园口经济区总工会"),
]
INDUSTRIAL = [
    ("I01", "机械冶金产业工会"),
    ("I02", "软件和信息服务业工会"),
    ("I03", "建设产业工会"),
    ("I04", "商贸金融产业工会"),
    ("I05", "交通运输产业工会"),
    ("I06", "教育工会"),
    ("I07", "卫生工会"),
    ("I08", "海洋渔业工会"),
    ("I09", "石油化工产业工会"),
    ("I10", "旅游服务业工会"),
]
# (code, name, community division code, industrial union code or None)
GRASSROOTS = [
    ("G0001", "大连星海演示机床有限公司工会", "210211001001", "I01"),
    ("G0002", "大连甘井子演示软件有限公司工会", "210211001002", "I02"),
    ("G0003", "大连中山演示重工有限公司工会", "210202001002", "I01"),
    ("G0004", "大连西岗演示商贸有限公司工会", "210203001001", "I04"),
    ("G0005", "大连金州演示物流有限公司工会", "210213001001", "I05"),
]
# (username, full name, org code, roles)
ACCOUNTS = [
    ("city_admin", "市总管理员（演示）", "2102", [ADMINISTRATOR]),
    ("city_viewer", "市总领导（演示）", "2102", [VIEWER]),
    ("gjz_admin", "甘井子区管理员（演示）", "210211", [ADMINISTRATOR]),
    ("gjz_editor", "甘井子区填报员（演示）", "210211", [EDITOR]),
    ("gjz_reviewer", "甘井子区审核员（演示）", "210211", [REVIEWER]),
    ("gjz_viewer", "甘井子区查看员（演示）", "210211", [VIEWER]),
    ("zs_admin", "中山区管理员（演示）", "210202", [ADMINISTRATOR]),
    ("jx_admin", "机械冶金产业工会管理员（演示）", "I01", [ADMINISTRATOR]),
]


def _demo_name(name: str) -> str:
    return name if name.endswith(DEMO_MARK) else name + DEMO_MARK


def _ensure(parent: OrgUnit, code: str, name: str, kind: str, industrial_union=None) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        unit = org_actions.create_unit(
            None,
            parent=parent,
            name=_demo_name(name),
            kind=kind,
            code=code,
            industrial_union=industrial_union,
            is_demo=True,
            reason="演示数据",
        )
    return unit


def find_grassroots_parent(division_code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=division_code).first()
    if unit is None:  # fall back to the first community, should the divisions change
        unit = OrgUnit.objects.filter(kind=OrgKind.COMMUNITY).order_by("code").first()
    return unit


def seed_foundation(stdout=None) -> dict[str, int]:
    """Load the divisions and the demo units and accounts; return what was added."""
    with audit.acting_as(None, "command:demo"):
        result = load_divisions_default()
        root = result.root
        added = {"units": sum(result.created.values()), "accounts": 0}
        before = OrgUnit.objects.count()
        for code, name in ZONES:
            _ensure(root, code, name, OrgKind.ZONE)
        industrial = {code: _ensure(root, code, name, OrgKind.INDUSTRIAL) for code, name in INDUSTRIAL}
        for code, name, community, iu in GRASSROOTS:
            _ensure(find_grassroots_parent(community), code, name, OrgKind.GRASSROOTS, industrial.get(iu))
        added["units"] += OrgUnit.objects.count() - before
        User = get_user_model()
        for username, full_name, org_code, roles in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(
                username=username, full_name=full_name, org=OrgUnit.objects.get(code=org_code), roles=roles
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            audit.record(user, "create", None, audit.snapshot(user), note="演示账号")
            added["accounts"] += 1
    return added


def load_divisions_default():
    from pathlib import Path

    return load_divisions(Path(__file__).resolve().parents[1] / "orgs" / "data")
