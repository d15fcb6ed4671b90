"""Every change of enterprises, founding records, targets and the rule: one function per deed.

Each runs in one transaction and writes its audit events (and the domain timeline where there
is one). The tree part of founding, merging and dissolving a union goes through
``unionwork.orgs.actions`` (create_unit, merge_units, deregister_unit, update_unit), so the
organisation tree keeps its own rules and history; these functions add the founding record and
the enterprises it covers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit, identifiers, notifications, scope
from unionwork.core.errors import ActionError
from unionwork.core.scope import path_in_scope, user_may
from unionwork.core.tasks import in_caller_transaction
from unionwork.founding import indicators as founding_indicators
from unionwork.founding.models import (
    Enterprise,
    EnterpriseEvent,
    EnterpriseStatus,
    FoundingRule,
    FoundingSubmission,
    FoundingTarget,
    GrassrootsUnion,
    IndustrialUnionScope,
    Industry,
    Ownership,
    SubmissionMove,
    SubmissionState,
    UnionStatus,
    default_deadline,
)
from unionwork.orgs import actions as org_actions
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

# Kinds of unit an enterprise may lie in, and kinds that receive founding targets.
ENTERPRISE_PLACE_KINDS = {OrgKind.COMMUNITY}
TARGET_KINDS = {
    OrgKind.CITY,
    OrgKind.DISTRICT,
    OrgKind.ZONE,
    OrgKind.INDUSTRIAL,
    OrgKind.TOWNSHIP,
    OrgKind.COMMUNITY,
}
UNION_KINDS = {OrgKind.GRASSROOTS, OrgKind.JOINT}


# -- helpers ------------------------------------------------------------------------------------
def _check(user, path: str, action: str, ipath: str = "") -> None:
    """Refuse unless the user's roles allow ``action`` and ``path`` lies in the user's scope: for
    a record not created yet (an existing one is checked with ``scope.check_record``)."""
    scope.check(user, path, ipath, action)


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(value: datetime.date | None, label: str) -> None:
    if value is not None and value > _today():
        raise ActionError(_("%(label)s不能晚于今天。") % {"label": label}, code="future_date")


def _log(enterprise: Enterprise, kind: str, summary: str) -> EnterpriseEvent:
    return EnterpriseEvent(
        enterprise=enterprise, kind=kind, actor_label=audit.current_actor().label[:150], summary=summary[:500]
    )


def _clean_community(community: OrgUnit) -> OrgUnit:
    if community is None:
        raise ActionError(_("请选择企业所在的村（社区）。"), code="community")
    if community.kind not in ENTERPRISE_PLACE_KINDS:
        raise ActionError(
            _("“%(n)s”不是村（社区），企业应归属到村（社区）。") % {"n": community.name}, code="community"
        )
    if community.status != OrgStatus.ACTIVE:
        raise ActionError(
            _("“%(n)s”已注销或合并，请选择现在的村（社区）。") % {"n": community.name}, code="community"
        )
    return community


def _clean_enterprise_fields(data: dict) -> dict:
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise ActionError(_("单位名称不能为空。"), code="name")
        if len(data["name"]) > 200:
            raise ActionError(_("单位名称过长，最多 200 个字。"), code="name")
    if "ownership" in data and data["ownership"] not in Ownership.values:
        raise ActionError(_("登记注册类型不在统计分类中。"), code="ownership")
    if "industry" in data and data["industry"] not in Industry.values:
        raise ActionError(_("行业门类应为 GB/T 4754 的 A—T 之一。"), code="industry")
    if "employees" in data:
        if data["employees"] is None or int(data["employees"]) < 0:
            raise ActionError(_("从业人员数不能为负数。"), code="employees")
        data["employees"] = int(data["employees"])
    if data.get("registered_capital") is not None:
        data["registered_capital"] = Decimal(data["registered_capital"])
        if data["registered_capital"] < 0:
            raise ActionError(_("注册资本不能为负数。"), code="registered_capital")
    if "address" in data:
        data["address"] = (data["address"] or "").strip()[:200]
    if "community" in data:
        _clean_community(data["community"])
    return data


# -- enterprises --------------------------------------------------------------------------------
@transaction.atomic
def register_enterprise(
    user,
    *,
    uscc: str,
    name: str,
    ownership: str,
    industry: str,
    community: OrgUnit,
    employees: int = 0,
    registered_capital: Decimal | None = None,
    is_key_project: bool = False,
    address: str = "",
    is_demo: bool = False,
) -> Enterprise:
    """Register an enterprise by hand (the bureau's list comes through the import)."""
    _check(user, community.path, "change")
    try:
        code = identifiers.validate_uscc(uscc)
    except identifiers.IdentifierError as exc:
        raise ActionError(exc.message, code="uscc") from None
    if Enterprise.objects.filter(uscc=code).exists():
        raise ActionError(_("统一社会信用代码 %(c)s 已登记。") % {"c": code}, code="uscc")
    data = _clean_enterprise_fields(
        {
            "name": name,
            "ownership": ownership,
            "industry": industry,
            "employees": employees,
            "registered_capital": registered_capital,
            "address": address,
            "community": community,
        }
    )
    with founding_indicators.tracking() as tracked:
        enterprise = Enterprise.objects.create(
            uscc=code, is_key_project=is_key_project, is_demo=is_demo, **data
        )
        tracked.add(enterprise.pk)
    audit.record(enterprise, "create", None, audit.snapshot(enterprise))
    _log(enterprise, EnterpriseEvent.Kind.REGISTERED, _("登记于“%(c)s”") % {"c": community.name}).save()
    return enterprise


EDITABLE_FIELDS = (
    "name",
    "ownership",
    "industry",
    "employees",
    "registered_capital",
    "is_key_project",
    "address",
    "community",
)


@transaction.atomic
def update_enterprise(user, enterprise: Enterprise, **changes) -> Enterprise:
    """Change an enterprise's data; a new community must lie in the user's scope too."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",)).select_related("community").get(pk=enterprise.pk)
    )
    scope.check_record(user, enterprise, "change")
    data = _clean_enterprise_fields(dict(changes))
    before = audit.snapshot(enterprise)
    changed = []
    for field, value in data.items():
        current = getattr(enterprise, field)
        if field == "registered_capital" and current is not None and value is not None:
            same = Decimal(current) == Decimal(value)
        else:
            same = current == value
        if not same:
            changed.append(str(Enterprise._meta.get_field(field).verbose_name))
            setattr(enterprise, field, value)
    if not changed:
        return enterprise
    with founding_indicators.tracking([enterprise.pk]):
        enterprise.save()
    if "community" in data or "industry" in data:
        scope.check_record(user, enterprise, "change")  # the record must stay in scope
    audit.record(enterprise, "update", before, audit.snapshot(enterprise))
    _log(enterprise, EnterpriseEvent.Kind.UPDATED, _("修改了：%(f)s") % {"f": "、".join(changed)}).save()
    return enterprise


@transaction.atomic
def close_enterprise(
    user, enterprise: Enterprise, *, closed_on: datetime.date | None = None, reason: str = ""
) -> Enterprise:
    """Mark an enterprise closed (注销、吊销、停业): it leaves the founding figures, is kept."""
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",)).select_related("community").get(pk=enterprise.pk)
    )
    scope.check_record(user, enterprise, "change")
    if enterprise.status == EnterpriseStatus.CLOSED:
        raise ActionError(_("该企业已经是关闭状态。"))
    closed_on = closed_on or _today()
    _not_future(closed_on, _("关闭日期"))
    before = audit.snapshot(enterprise)
    enterprise.status, enterprise.closed_on = EnterpriseStatus.CLOSED, closed_on
    with founding_indicators.tracking([enterprise.pk]):
        enterprise.save(update_fields=["status", "closed_on", "updated_at"])
    audit.record(enterprise, "close", before, audit.snapshot(enterprise), note=reason)
    _log(
        enterprise, EnterpriseEvent.Kind.CLOSED, _("%(d)s 关闭。%(r)s") % {"d": closed_on, "r": reason}
    ).save()
    return enterprise


@transaction.atomic
def reopen_enterprise(user, enterprise: Enterprise, reason: str = "") -> Enterprise:
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",)).select_related("community").get(pk=enterprise.pk)
    )
    scope.check_record(user, enterprise, "change")
    if enterprise.status == EnterpriseStatus.OPERATING:
        raise ActionError(_("该企业正在经营，无需恢复。"))
    before = audit.snapshot(enterprise)
    enterprise.status, enterprise.closed_on = EnterpriseStatus.OPERATING, None
    with founding_indicators.tracking([enterprise.pk]):
        enterprise.save(update_fields=["status", "closed_on", "updated_at"])
    audit.record(enterprise, "reopen", before, audit.snapshot(enterprise), note=reason)
    _log(enterprise, EnterpriseEvent.Kind.REOPENED, _("恢复经营。%(r)s") % {"r": reason}).save()
    return enterprise


# -- grassroots unions --------------------------------------------------------------------------
def _common_parent(enterprises: Sequence[Enterprise]) -> OrgUnit:
    """The lowest unit whose subtree holds every enterprise's community (a joint union's seat)."""
    paths = [e.community.path.strip("/").split("/") for e in enterprises]
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return OrgUnit.objects.get(pk=int(common[-1]))


def _lock_enterprises(user, enterprises: Iterable[Enterprise]) -> list[Enterprise]:
    ids = sorted({e.pk for e in enterprises})
    if not ids:
        raise ActionError(_("请至少选择一家企业。"), code="enterprises")
    locked = list(
        Enterprise.objects.select_for_update(of=("self",))
        .select_related("community", "union")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise ActionError(_("所选企业中有已不存在的记录，请刷新后重试。"), code="enterprises")
    scope.check_records(user, locked, "change")
    for e in locked:
        if e.status != EnterpriseStatus.OPERATING:
            raise ActionError(_("“%(n)s”已关闭，不能建会。") % {"n": e.name}, code="enterprises")
    covered = [e for e in locked if e.union_id and e.union.status == OrgStatus.ACTIVE]
    if covered:
        raise ActionError(
            _("以下企业已有工会：%(list)s。")
            % {"list": "、".join(f"{e.name}（{e.union.name}）" for e in covered[:5])},
            code="enterprises",
        )
    return locked


def _cover(enterprises: list[Enterprise], unit: OrgUnit, since: datetime.date, summary: str) -> None:
    """Point enterprises at the union that covers them; audited, with their timeline."""
    changes, events = [], []
    for e in enterprises:
        before = audit.snapshot(e)
        e.union, e.union_since = unit, since
        changes.append((e, before))
        events.append(_log(e, EnterpriseEvent.Kind.COVERED, summary))
    with founding_indicators.tracking([e.pk for e, _b in changes]):
        Enterprise.objects.bulk_update([e for e, _b in changes], ["union", "union_since"], batch_size=1000)
    audit.record_many([(e, "update", b, audit.snapshot(e)) for e, b in changes])
    EnterpriseEvent.objects.bulk_create(events, batch_size=1000)


def _uncover(enterprises: list[Enterprise], summary: str, to: OrgUnit | None = None) -> None:
    changes, events = [], []
    for e in enterprises:
        before = audit.snapshot(e)
        if to is None:
            e.union, e.union_since = None, None
            events.append(_log(e, EnterpriseEvent.Kind.UNCOVERED, summary))
        else:
            e.union = to
            events.append(_log(e, EnterpriseEvent.Kind.COVERED, summary))
        changes.append((e, before))
    if changes:
        with founding_indicators.tracking([e.pk for e, _b in changes]):
            Enterprise.objects.bulk_update(
                [e for e, _b in changes], ["union", "union_since"], batch_size=1000
            )
        audit.record_many([(e, "update", b, audit.snapshot(e)) for e, b in changes])
        EnterpriseEvent.objects.bulk_create(events, batch_size=1000)


def _clean_chairman(founded_on, chairman_directly_elected: bool, chairman_elected_on) -> None:
    _not_future(founded_on, _("建会日期"))
    _not_future(chairman_elected_on, _("主席选举日期"))
    if chairman_directly_elected and chairman_elected_on is None:
        raise ActionError(_("主席直选的，请填写选举日期。"), code="chairman_elected_on")


def _prepare_founding(
    user,
    *,
    enterprises: Sequence[Enterprise],
    founded_on: datetime.date,
    kind: str,
    name: str,
    parent: OrgUnit | None,
    chairman_directly_elected: bool,
    chairman_elected_on: datetime.date | None,
    is_project_union: bool,
) -> tuple[list[Enterprise], str, OrgUnit]:
    """Every check of a founding before anything is written (shared by founding directly and by
    recording a founding for confirmation): the enterprises locked, the name, the seat."""
    if kind not in UNION_KINDS:
        raise ActionError(_("只能组建基层工会或联合工会。"), code="kind")
    locked = _lock_enterprises(user, enterprises)
    if kind == OrgKind.GRASSROOTS and len(locked) != 1:
        raise ActionError(
            _("单独建会的基层工会对应一家企业；多家企业共同建会请选择“联合工会”。"), code="enterprises"
        )
    _clean_chairman(founded_on, chairman_directly_elected, chairman_elected_on)
    if is_project_union and not any(e.is_key_project for e in locked):
        raise ActionError(_("项目工会应建在重点项目上：所选企业都不是重点项目。"), code="is_project_union")
    name = (name or "").strip() or (locked[0].name + "工会" if kind == OrgKind.GRASSROOTS else "")
    if not name:
        raise ActionError(_("请填写联合工会的名称。"), code="name")
    if parent is None:
        parent = locked[0].community if kind == OrgKind.GRASSROOTS else _common_parent(locked)
    for e in locked:
        if not e.community.path.startswith(parent.path):
            raise ActionError(
                _("“%(e)s”不在“%(p)s”的范围内，工会应设在企业所在地。") % {"e": e.name, "p": parent.name},
                code="parent",
            )
    return locked, name, parent


@transaction.atomic
def found_union(
    user,
    *,
    enterprises: Sequence[Enterprise],
    founded_on: datetime.date,
    kind: str = OrgKind.GRASSROOTS,
    name: str = "",
    parent: OrgUnit | None = None,
    chairman_name: str = "",
    chairman_directly_elected: bool = False,
    chairman_elected_on: datetime.date | None = None,
    is_project_union: bool = False,
    industrial_union: OrgUnit | None = None,
    code: str | None = None,
    reason: str = "",
    is_demo: bool = False,
) -> GrassrootsUnion:
    """Found a grassroots union in one enterprise, or a joint union over several (建会).

    The union is set up in the tree with ``orgs.actions.create_unit`` under ``parent`` (by
    default the enterprise's community, or for a joint union the lowest unit holding all its
    enterprises), its founding record is written, and the enterprises point at it.
    """
    locked, name, parent = _prepare_founding(
        user,
        enterprises=enterprises,
        founded_on=founded_on,
        kind=kind,
        name=name,
        parent=parent,
        chairman_directly_elected=chairman_directly_elected,
        chairman_elected_on=chairman_elected_on,
        is_project_union=is_project_union,
    )
    unit = org_actions.create_unit(
        user,
        parent=parent,
        name=name,
        kind=kind,
        code=code,
        industrial_union=industrial_union,
        is_demo=is_demo,
        reason=reason or _("建会"),
    )
    with founding_indicators.union_tracking() as tracked:
        record = GrassrootsUnion.objects.create(
            unit=unit,
            founded_on=founded_on,
            chairman_name=(chairman_name or "").strip()[:50],
            chairman_directly_elected=chairman_directly_elected,
            chairman_elected_on=chairman_elected_on,
            is_project_union=is_project_union,
            is_demo=is_demo,
        )
        tracked.add(record.pk)
    audit.record(record, "found", None, audit.snapshot(record), note=reason)
    _cover(locked, unit, founded_on, _("%(d)s 建立“%(u)s”") % {"d": founded_on, "u": unit.name})
    return record


# -- a founding recorded by a data-entry clerk, confirmed by the level ---------------------------
# The workflow of a recorded founding: state -> {move: new state}; one action moves along it.
SUBMISSION_WORKFLOW = {
    SubmissionState.PENDING: {
        SubmissionMove.CONFIRM: SubmissionState.CONFIRMED,
        SubmissionMove.RETURN: SubmissionState.RETURNED,
    },
}
# What a move needs of the user's roles (core.scope.ACTION_ROLES): administrators and reviewers.
SUBMISSION_MOVE_ACTION = {SubmissionMove.CONFIRM: "review", SubmissionMove.RETURN: "review"}


def needs_confirmation(user) -> bool:
    """Whether a founding this user records waits for confirmation: the rule asks for it and
    the user is not an administrator (administrators are the ones who confirm)."""
    return user is not None and not user_may(user, "manage") and FoundingRule.current().confirmation_required


def may_decide(user, submission: FoundingSubmission) -> bool:
    """An administrator or reviewer whose scope holds both the recording level and the seat,
    who did not record it (four eyes)."""
    return (
        user is not None
        and user_may(user, "review")
        and submission.is_pending
        and submission.recorded_by_id != user.pk
        and path_in_scope(user, submission.level.path)
        and path_in_scope(user, submission.parent.path)
    )


@transaction.atomic
def record_founding(
    user,
    *,
    enterprises: Sequence[Enterprise],
    founded_on: datetime.date,
    kind: str = OrgKind.GRASSROOTS,
    name: str = "",
    chairman_name: str = "",
    chairman_directly_elected: bool = False,
    chairman_elected_on: datetime.date | None = None,
    is_project_union: bool = False,
    industrial_union: OrgUnit | None = None,
    reason: str = "",
) -> GrassrootsUnion | FoundingSubmission:
    """Record a union's founding from the founding form, for any role that may change records.

    An administrator founds at once (:func:`found_union`). A data-entry clerk's founding waits as
    a :class:`FoundingSubmission` when the rule asks for confirmation, counted nowhere until an
    administrator or reviewer of the level confirms it; otherwise it is founded at once too.
    """
    if user is None or user_may(user, "manage"):
        return found_union(
            user,
            enterprises=enterprises,
            founded_on=founded_on,
            kind=kind,
            name=name,
            chairman_name=chairman_name,
            chairman_directly_elected=chairman_directly_elected,
            chairman_elected_on=chairman_elected_on,
            is_project_union=is_project_union,
            industrial_union=industrial_union,
            reason=reason,
        )
    scope.check(user, getattr(user, "org_path", ""), "", "change")
    locked, name, parent = _prepare_founding(
        user,
        enterprises=enterprises,
        founded_on=founded_on,
        kind=kind,
        name=name,
        parent=None,
        chairman_directly_elected=chairman_directly_elected,
        chairman_elected_on=chairman_elected_on,
        is_project_union=is_project_union,
    )
    waiting = FoundingSubmission.objects.pending().filter(enterprises__in=locked).distinct().first()
    if waiting is not None:
        raise ActionError(
            _("所选企业已有待确认的建会登记“%(n)s”，请等待本级确认或退回后再登记。") % {"n": waiting.name},
            code="enterprises",
        )
    if not needs_confirmation(user):
        # The rule trusts the clerk: the founding is done at once, audited as the clerk (the
        # tree's create_unit asks for an administrator, so the checks above stand for it).
        return found_union(
            None,
            enterprises=locked,
            founded_on=founded_on,
            kind=kind,
            name=name,
            parent=parent,
            chairman_name=chairman_name,
            chairman_directly_elected=chairman_directly_elected,
            chairman_elected_on=chairman_elected_on,
            is_project_union=is_project_union,
            industrial_union=industrial_union,
            reason=reason,
        )
    sub = FoundingSubmission.objects.create(
        kind=kind,
        name=name[:100],
        parent=parent,
        founded_on=founded_on,
        chairman_name=(chairman_name or "").strip()[:50],
        chairman_directly_elected=chairman_directly_elected,
        chairman_elected_on=chairman_elected_on,
        is_project_union=is_project_union,
        industrial_union=industrial_union,
        reason=(reason or "")[:500],
        level=user.org,
        recorded_by=user,
    )
    sub.enterprises.set(locked)
    audit.record(
        sub,
        "submit",
        None,
        audit.snapshot(sub),
        note="、".join(f"{e.name}（{e.uscc}）" for e in locked)[:500],
    )
    return sub


@transaction.atomic
def move_submission(
    user, submission: FoundingSubmission, move: str, *, reason: str = ""
) -> FoundingSubmission:
    """Confirm a recorded founding (the union is founded now and counts from now) or return it
    to the clerk with a reason. Only moves of :data:`SUBMISSION_WORKFLOW`, by an administrator or
    reviewer of the level (:func:`may_decide`)."""
    sub = (
        FoundingSubmission.objects.select_for_update(of=("self",))
        .select_related("parent", "level", "recorded_by", "industrial_union")
        .get(pk=submission.pk)
    )
    if move not in SubmissionMove.values:
        raise ActionError(_("未知的操作。"))
    scope.check_record(user, sub, SUBMISSION_MOVE_ACTION[move], what=_("该建会登记"))
    target = SUBMISSION_WORKFLOW.get(sub.state, {}).get(move)
    if target is None:
        raise ActionError(
            _("该建会登记当前为“%(s)s”，不能“%(m)s”。")
            % {"s": SubmissionState(sub.state).label, "m": SubmissionMove(move).label},
            code="illegal_move",
        )
    if user is not None and not may_decide(user, sub):
        if sub.recorded_by_id == user.pk:
            raise ActionError(_("不能确认或退回自己登记的建会，请由本级其他管理员或审核员办理。"), code="own")
        raise ActionError(
            _("该建会登记应由“%(l)s”的管理员或审核员确认。") % {"l": sub.level.name}, code="level"
        )
    reason = (reason or "").strip()
    if move == SubmissionMove.RETURN and not reason:
        raise ActionError(_("请填写退回原因，告诉填报员需要修改什么。"), code="reason")
    before = audit.snapshot(sub)
    if move == SubmissionMove.CONFIRM:
        # The founding itself, exactly as an administrator's: tree, record, enterprises covered,
        # and with them the figures (founding.rate, orgs.grassroots_units) in this transaction.
        sub.union = found_union(
            None,
            enterprises=list(sub.enterprises.all()),
            founded_on=sub.founded_on,
            kind=sub.kind,
            name=sub.name,
            parent=sub.parent,
            chairman_name=sub.chairman_name,
            chairman_directly_elected=sub.chairman_directly_elected,
            chairman_elected_on=sub.chairman_elected_on,
            is_project_union=sub.is_project_union,
            industrial_union=sub.industrial_union,
            reason=sub.reason or _("填报员登记，经确认建会"),
        )
    else:
        sub.return_reason = reason[:500]
    sub.state = target
    sub.decided_by = user
    sub.decided_at = timezone.now()
    sub.save()
    audit.record(sub, move, before, audit.snapshot(sub), note=reason)
    if move == SubmissionMove.RETURN:
        notifications.notify(
            [sub.recorded_by],
            source="founding",
            key=f"founding.returned:{sub.pk}",
            title=_("建会登记被退回：%(n)s") % {"n": sub.name},
            body=_("退回原因：%(r)s") % {"r": sub.return_reason},
            url=sub.get_absolute_url(),
        )
    return sub


@transaction.atomic
def update_union(
    user,
    union: GrassrootsUnion,
    *,
    name: str | None = None,
    chairman_name: str | None = None,
    chairman_directly_elected: bool | None = None,
    chairman_elected_on: datetime.date | None | bool = False,
    is_project_union: bool | None = None,
    industrial_union: OrgUnit | None | bool = False,
    reason: str = "",
) -> GrassrootsUnion:
    """Change a union's chairman, project flag, name or industrial union (``False``: unchanged)."""
    union = GrassrootsUnion.objects.select_for_update(of=("self",)).select_related("unit").get(pk=union.pk)
    scope.check_record(user, union, "change")
    if not union.is_active:
        raise ActionError(_("该工会已撤销或合并，不能修改。"))
    if name is not None or industrial_union is not False:
        org_actions.update_unit(user, union.unit, name=name, industrial_union=industrial_union, reason=reason)
    before = audit.snapshot(union)
    if chairman_name is not None:
        union.chairman_name = chairman_name.strip()[:50]
    if chairman_directly_elected is not None:
        union.chairman_directly_elected = chairman_directly_elected
    if chairman_elected_on is not False:
        union.chairman_elected_on = chairman_elected_on
    if is_project_union is not None:
        if is_project_union and not union.unit.covered_enterprises.filter(is_key_project=True).exists():
            raise ActionError(
                _("项目工会应建在重点项目上：所覆盖的企业都不是重点项目。"), code="is_project_union"
            )
        union.is_project_union = is_project_union
    _clean_chairman(union.founded_on, union.chairman_directly_elected, union.chairman_elected_on)
    after = audit.snapshot(union)
    if audit.diff(before, after):
        # (A new industrial union moved the union's kept figures already, with update_unit.)
        with founding_indicators.union_tracking([union.pk]):
            union.save()
        audit.record(union, "update", before, audit.snapshot(union), note=reason)
    union.unit.refresh_from_db()
    return union


@transaction.atomic
def cover_enterprises(
    user, union: GrassrootsUnion, enterprises: Sequence[Enterprise], *, on: datetime.date | None = None
) -> GrassrootsUnion:
    """Enterprises join an existing joint union (入会)."""
    union = GrassrootsUnion.objects.select_for_update(of=("self",)).select_related("unit").get(pk=union.pk)
    scope.check_record(user, union, "change")
    if not union.is_active:
        raise ActionError(_("该工会已撤销或合并。"))
    if union.unit.kind != OrgKind.JOINT:
        raise ActionError(_("只有联合工会可以吸收其他企业加入。"), code="kind")
    on = on or _today()
    _not_future(on, _("加入日期"))
    locked = _lock_enterprises(user, enterprises)
    for e in locked:
        if not e.community.path.startswith(union.unit.parent.path):
            raise ActionError(_("“%(e)s”不在该联合工会所在地的范围内。") % {"e": e.name}, code="enterprises")
    _cover(locked, union.unit, on, _("%(d)s 加入“%(u)s”") % {"d": on, "u": union.unit.name})
    return union


def _end_record(
    record: GrassrootsUnion,
    status: str,
    on: datetime.date,
    reason: str,
    merged_into: GrassrootsUnion | None = None,
) -> None:
    if on < record.founded_on:
        raise ActionError(_("撤销（合并）日期不能早于建会日期 %(d)s。") % {"d": record.founded_on}, code="on")
    before = audit.snapshot(record)
    record.status, record.ended_on, record.end_reason = status, on, (reason or "")[:500]
    record.merged_into = merged_into
    with founding_indicators.union_tracking([record.pk]):
        record.save()
    audit.record(record, "merge" if merged_into else "dissolve", before, audit.snapshot(record), note=reason)


@transaction.atomic
def merge_unions(
    user,
    source: GrassrootsUnion,
    target: GrassrootsUnion,
    *,
    on: datetime.date | None = None,
    reason: str = "",
) -> GrassrootsUnion:
    """Merge one union into another: its enterprises pass to the target; the source is kept."""
    source = GrassrootsUnion.objects.select_for_update(of=("self",)).select_related("unit").get(pk=source.pk)
    target = GrassrootsUnion.objects.select_related("unit").get(pk=target.pk)
    scope.check_record(user, source, "manage")
    scope.check_record(user, target, "manage")
    if not (source.is_active and target.is_active):
        raise ActionError(_("撤销或合并过的工会不能再合并。"))
    if source.pk == target.pk:
        raise ActionError(_("不能把工会合并到它自己。"))
    on = on or _today()
    _not_future(on, _("合并日期"))
    enterprises = list(
        Enterprise.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(union=source.unit)
    )
    _uncover(
        enterprises,
        _("随“%(s)s”并入“%(t)s”") % {"s": source.unit.name, "t": target.unit.name},
        to=target.unit,
    )
    _end_record(source, UnionStatus.MERGED, on, reason, merged_into=target)
    org_actions.merge_units(user, source.unit, target.unit, reason=reason)
    return target


@transaction.atomic
def dissolve_union(
    user, union: GrassrootsUnion, *, on: datetime.date | None = None, reason: str
) -> GrassrootsUnion:
    """Dissolve a union (撤销): deregistered in the tree, kept with its record; its enterprises
    no longer count as having a union."""
    union = GrassrootsUnion.objects.select_for_update(of=("self",)).select_related("unit").get(pk=union.pk)
    scope.check_record(user, union, "manage")
    if not (reason or "").strip():
        raise ActionError(_("请填写撤销原因。"), code="reason")
    if not union.is_active:
        raise ActionError(_("该工会已撤销或合并。"))
    on = on or _today()
    _not_future(on, _("撤销日期"))
    enterprises = list(
        Enterprise.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(union=union.unit)
    )
    _uncover(enterprises, _("“%(u)s”撤销：%(r)s") % {"u": union.unit.name, "r": reason})
    _end_record(union, UnionStatus.DISSOLVED, on, reason)
    org_actions.deregister_unit(user, union.unit, reason)
    return union


def on_unit_merged(sender, source: OrgUnit, target: OrgUnit, **kwargs) -> None:
    """A unit merged on the organisation pages: a community's enterprises move to the target
    community; a union's enterprises and founding record follow it."""
    if source.kind in ENTERPRISE_PLACE_KINDS and target.kind in ENTERPRISE_PLACE_KINDS:
        moved = list(Enterprise.objects.select_related("community").filter(community=source))
        changes = []
        for e in moved:
            before = audit.snapshot(e)
            e.community = target
            changes.append((e, "update", before, audit.snapshot(e)))
        if moved:
            with founding_indicators.tracking([e.pk for e in moved]):
                Enterprise.objects.filter(pk__in=[e.pk for e in moved]).update(community=target)
            audit.record_many(changes, note=_("随“%(s)s”并入“%(t)s”") % {"s": source.name, "t": target.name})
        return
    record = GrassrootsUnion.objects.filter(unit=source, status=UnionStatus.ACTIVE).first()
    if record is None:
        return
    target_record = GrassrootsUnion.objects.filter(unit=target).first()
    enterprises = list(Enterprise.objects.select_related("community").filter(union=source))
    _uncover(enterprises, _("随“%(s)s”并入“%(t)s”") % {"s": source.name, "t": target.name}, to=target)
    _end_record(
        record,
        UnionStatus.MERGED,
        max(_today(), record.founded_on),
        _("在组织管理中合并"),
        merged_into=target_record,
    )


# -- targets ------------------------------------------------------------------------------------
def may_set_target(user, unit: OrgUnit) -> bool:
    """The level above sets a target: strictly below the user's node, or the root by its own."""
    if user is None:
        return True
    if not user_may(user, "manage") or not path_in_scope(user, unit.path, unit.ipath):
        return False
    return unit.pk != user.org_id or unit.parent_id is None


@transaction.atomic
def set_target(
    user, *, unit: OrgUnit, year: int, target: int, deadline: datetime.date | None = None, note: str = ""
) -> FoundingTarget:
    """Set (or change) a node's founding target for a year; the level above does it."""
    if not may_set_target(user, unit):
        if user is not None and path_in_scope(user, unit.path, unit.ipath) and user_may(user, "manage"):
            raise ActionError(_("本级的目标由上级下达，您可以分解给下级。"), code="own_node")
        raise ActionError(_("您无权为“%(n)s”下达目标。") % {"n": unit.name}, code="forbidden")
    if unit.kind not in TARGET_KINDS:
        raise ActionError(_("建会目标下达到区市县、乡镇（街道）、村（社区）和产业工会。"), code="unit")
    if unit.status != OrgStatus.ACTIVE:
        raise ActionError(_("“%(n)s”已注销或合并。") % {"n": unit.name}, code="unit")
    if not 2000 <= int(year) <= 2100:
        raise ActionError(_("年度不正确。"), code="year")
    if target is None or int(target) < 0:
        raise ActionError(_("目标数不能为负数。"), code="target")
    deadline = deadline or default_deadline(int(year))
    existing = FoundingTarget.objects.select_for_update().filter(year=year, unit=unit).first()
    if existing is None:
        obj = FoundingTarget.objects.create(
            year=year, unit=unit, target=int(target), deadline=deadline, note=(note or "")[:500]
        )
        audit.record(obj, "set_target", None, audit.snapshot(obj))
        return obj
    before = audit.snapshot(existing)
    existing.target, existing.deadline, existing.note = int(target), deadline, (note or existing.note)[:500]
    existing.save()
    if audit.diff(before, audit.snapshot(existing)):
        audit.record(existing, "set_target", before, audit.snapshot(existing))
    return existing


@transaction.atomic
def set_targets(
    user, *, parent: OrgUnit, year: int, targets: dict[int, int], deadline: datetime.date | None = None
) -> list[FoundingTarget]:
    """Split among ``parent``'s children at once: {child id: target}; empty values are skipped."""
    children = {u.pk: u for u in OrgUnit.objects.filter(parent=parent, pk__in=list(targets))}
    out = []
    for pk, value in targets.items():
        if value is None:
            continue
        child = children.get(pk)
        if child is None:
            raise ActionError(_("只能分解给本级的直接下级。"), code="unit")
        out.append(set_target(user, unit=child, year=year, target=value, deadline=deadline))
    return out


@transaction.atomic
def attach_letter(
    user, target: FoundingTarget, *, signed_on: datetime.date, signatories: str, file=None
) -> FoundingTarget:
    """Record the target's responsibility letter (目标任务责任状): date, signatories, scan."""
    target = FoundingTarget.objects.select_for_update(of=("self",)).select_related("unit").get(pk=target.pk)
    scope.check_record(user, target, "change")
    signatories = (signatories or "").strip()
    if not signatories:
        raise ActionError(_("请填写签订人。"), code="signatories")
    _not_future(signed_on, _("签订日期"))
    if file is not None:
        name = getattr(file, "name", "") or ""
        if not name.lower().endswith((".pdf", ".jpg", ".jpeg", ".png")):
            raise ActionError(_("扫描件请上传 PDF、JPG 或 PNG 文件。"), code="file")
        if getattr(file, "size", 0) > 20 * 1024 * 1024:
            raise ActionError(_("扫描件不能超过 20 MB。"), code="file")
    before = audit.snapshot(target)
    target.letter_signed_on, target.letter_signatories = signed_on, signatories[:200]
    if file is not None:
        target.letter_file.save(file.name.rsplit("/", 1)[-1], file, save=False)
    target.save()
    note = _("扫描件：%(f)s") % {"f": target.letter_file.name} if file is not None else ""
    audit.record(target, "letter", before, audit.snapshot(target), note=note)
    return target


# -- the rule -----------------------------------------------------------------------------------
def may_edit_rule(user) -> bool:
    """Only the city federation's administrators (the root node) edit the founding rule."""
    if user is None:
        return True
    org = getattr(user, "org", None)
    return user_may(user, "manage") and org is not None and org.parent_id is None


# Enterprises whose founding figures are recounted inside the rule's change; with more, the
# recount runs in a background task (a city's 100,000 took 20–30 s, a province's ten times that:
# past the web server's timeout, which would undo the change itself).
RULE_RECOUNT_INLINE_MAX = 20_000


def update_rule(
    user,
    *,
    own_union_min_employees: int,
    joint_union_min_employees: int,
    excluded_ownerships: Sequence[str] = (),
    confirmation_required: bool | None = None,
    note: str = "",
) -> FoundingRule:
    """Change which enterprises are expected to found their own union, a joint one, or none.

    The kept founding figures are then recounted under the new rule: at once for a small register,
    in a background task for a large one (``tasks.recount_founding_figures``; the rule page says
    so until it is done, ``FoundingRule.recount_pending``). Inside a caller's transaction (a test,
    a command) the recount is always done at once: a task would not see the uncommitted rule."""
    outer = _in_outer_transaction()  # asked before this function's own transaction begins
    with transaction.atomic():
        rule = _save_rule(
            user,
            own_union_min_employees=own_union_min_employees,
            joint_union_min_employees=joint_union_min_employees,
            excluded_ownerships=excluded_ownerships,
            confirmation_required=confirmation_required,
            note=note,
        )
        asked = timezone.now()
        FoundingRule.objects.filter(pk=rule.pk).update(recount_asked_at=asked)
        background = not outer and Enterprise.objects.count() > RULE_RECOUNT_INLINE_MAX
        if not background:
            recount_for_rule(asked)
    if background:
        from unionwork.founding.tasks import recount_founding_figures

        recount_founding_figures.enqueue(asked.isoformat())
    rule.refresh_from_db()
    return rule


def recount_for_rule(asked: datetime.datetime) -> None:
    """Recount this month's kept founding figures under the rule as it stands, and mark the
    recount asked for at ``asked`` done (a later change asks for its own)."""
    with transaction.atomic():
        founding_indicators.rebuild_all()
        FoundingRule.objects.filter(pk=1).filter(
            Q(recounted_at__isnull=True) | Q(recounted_at__lt=asked)
        ).update(recounted_at=asked)


_in_outer_transaction = in_caller_transaction  # named here, so a test can stand in for it


def _save_rule(
    user,
    *,
    own_union_min_employees: int,
    joint_union_min_employees: int,
    excluded_ownerships: Sequence[str],
    confirmation_required: bool | None,
    note: str,
) -> FoundingRule:
    if not may_edit_rule(user):
        raise ActionError(_("应建会规则由市总工会管理员设定。"), code="forbidden")
    if own_union_min_employees is None or joint_union_min_employees is None:
        raise ActionError(_("请填写人数。"))
    if own_union_min_employees < 1 or joint_union_min_employees < 0:
        raise ActionError(_("人数不能为负数，单独建会人数至少为 1。"), code="own_union_min_employees")
    if joint_union_min_employees > own_union_min_employees:
        raise ActionError(
            _("纳入联合工会的最低人数不能高于单独建会的人数。"), code="joint_union_min_employees"
        )
    bad = [o for o in excluded_ownerships if o not in Ownership.values]
    if bad:
        raise ActionError(_("登记注册类型不正确。"), code="excluded_ownerships")
    rule = FoundingRule.objects.select_for_update().filter(pk=1).first()
    before = audit.snapshot(rule) if rule else None
    rule = rule or FoundingRule(pk=1)
    rule.own_union_min_employees = int(own_union_min_employees)
    rule.joint_union_min_employees = int(joint_union_min_employees)
    rule.excluded_ownerships = [o for o in Ownership.values if o in set(excluded_ownerships)]
    if confirmation_required is not None:
        rule.confirmation_required = bool(confirmation_required)
    rule.note = (note or "").strip()
    rule.save()
    audit.record(rule, "update" if before else "create", before, audit.snapshot(rule))
    return rule


@transaction.atomic
def set_industries(user, unit: OrgUnit, industries: Sequence[str]) -> IndustrialUnionScope:
    """Declare the industries an industrial union looks after (its users then see them)."""
    if not may_edit_rule(user):
        raise ActionError(_("产业工会联系的行业由市总工会管理员设定。"), code="forbidden")
    if unit.kind != OrgKind.INDUSTRIAL:
        raise ActionError(_("“%(n)s”不是产业工会。") % {"n": unit.name}, code="unit")
    bad = [i for i in industries if i not in Industry.values]
    if bad:
        raise ActionError(_("行业门类应为 GB/T 4754 的 A—T。"), code="industries")
    obj = IndustrialUnionScope.objects.select_for_update().filter(unit=unit).first()
    before = audit.snapshot(obj) if obj else None
    obj = obj or IndustrialUnionScope(unit=unit)
    obj.industries = [i for i in Industry.values if i in set(industries)]
    obj.save()
    founding_indicators.recount_parts([unit.pk])  # its parts by district now hold its industries
    after = audit.snapshot(obj)
    if audit.diff(before, after):
        audit.record(obj, "update" if before else "create", before, after)
    return obj


# -- the target sheet ---------------------------------------------------------------------------
@transaction.atomic
def save_target_sheet(
    user,
    *,
    unit: OrgUnit,
    year: int,
    targets: dict[int, int],
    deadline: datetime.date | None = None,
) -> list[FoundingTarget]:
    """Save the targets page of a node at once: its own target (when ``targets`` names ``unit``)
    and its split among its children. One transaction: a refusal of any line saves none."""
    targets = dict(targets)
    own = targets.pop(unit.pk, None)
    saved = []
    if own is not None:
        saved.append(set_target(user, unit=unit, year=year, target=own, deadline=deadline))
    if targets:
        saved.extend(set_targets(user, parent=unit, year=year, targets=targets, deadline=deadline))
    return saved


# -- closing many at once -----------------------------------------------------------------------
@transaction.atomic
def close_enterprises(
    user,
    ids: Sequence[int],
    *,
    summary: str,
    closed_on: datetime.date | None = None,
    note: str = "",
    recount: bool = True,
) -> int:
    """Mark operating enterprises closed in bulk (the bureau's complete list): what
    :func:`close_enterprise` does for one, in batches, with one audit event and one timeline entry
    per enterprise. Every enterprise must lie in the user's scope, or nothing is closed.
    ``recount=False``: the caller rebuilds ``founding.rate`` itself in the same transaction (an
    import that touched the whole area). Returns the number closed."""
    closed_on = closed_on or _today()
    _not_future(closed_on, _("关闭日期"))
    actor = audit.current_actor().label[:150]
    closed = 0
    for start in range(0, len(ids), 2000):
        batch = list(
            Enterprise.objects.select_for_update(of=("self",))
            .select_related("community")
            .filter(pk__in=list(ids[start : start + 2000]), status=EnterpriseStatus.OPERATING)
        )
        for e in batch:
            _check(user, e.community.path, "change")
        changes, events = [], []
        for e in batch:
            before = audit.snapshot(e)
            e.status, e.closed_on = EnterpriseStatus.CLOSED, closed_on
            changes.append((e, "close", before, audit.snapshot(e)))
            events.append(
                EnterpriseEvent(
                    enterprise=e, kind=EnterpriseEvent.Kind.CLOSED, actor_label=actor, summary=summary[:500]
                )
            )
        batch_ids = [e.pk for e in batch]
        if recount:
            with founding_indicators.tracking(batch_ids):
                Enterprise.objects.bulk_update(batch, ["status", "closed_on"], batch_size=2000)
        else:
            Enterprise.objects.bulk_update(batch, ["status", "closed_on"], batch_size=2000)
        audit.record_many(changes, note=note)
        EnterpriseEvent.objects.bulk_create(events, batch_size=2000)
        closed += len(batch)
    return closed
