"""Every change of the organisation tree: one function per thing a user does, audited."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit, indicators, scope, security
from unionwork.core.errors import ActionError
from unionwork.core.scope import path_in_scope
from unionwork.core.tasks import in_caller_transaction
from unionwork.core.text import pinyin_of
from unionwork.orgs.models import (
    ALLOWED_CHILDREN,
    LINK_EPOCH,
    OrgEvent,
    OrgKind,
    OrgLink,
    OrgStatus,
    OrgUnit,
    Rezoning,
)

security_log = logging.getLogger("unionwork.security")

NAME_MAX = OrgUnit._meta.get_field("name").max_length
CODE_MAX = OrgUnit._meta.get_field("code").max_length


def _clean_code(code: str | None) -> str | None:
    code = (code or "").strip() or None
    if code and len(code) > CODE_MAX:
        raise ActionError(
            _("代码过长：%(n)d 个字符，最多 %(max)d 个，请核对。") % {"n": len(code), "max": CODE_MAX},
            code="code_long",
        )
    return code


def _check_may(user, unit: OrgUnit, action: str = "manage", strict: bool = False) -> None:
    """Refuse unless the user's roles allow ``action`` and ``unit`` lies in the user's scope.

    ``strict``: the unit must lie strictly below the user's own node (one cannot move, merge or
    deregister the node one's own account belongs to).
    """
    scope.check_record(user, unit, action, what=_("该组织"))
    if user is not None and strict and unit.pk == getattr(user, "org_id", None):
        raise ActionError(_("不能对本账号所属的组织本身执行此操作，请由上级组织办理。"), code="own_node")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ActionError(_("名称不能为空。"), code="name_empty")
    if len(name) > NAME_MAX:
        raise ActionError(
            _("名称过长：%(n)d 个字，最多 %(max)d 个字，请缩短。") % {"n": len(name), "max": NAME_MAX},
            code="name_long",
        )
    return name


def check_parent(parent: OrgUnit, kind: str) -> None:
    """Refuse a parent that is not active or whose kind may not hold ``kind``."""
    if not parent.is_active:
        raise ActionError(_("上级组织“%(p)s”已注销或合并，不能在其下设立或调入组织。") % {"p": parent.name})
    if kind not in ALLOWED_CHILDREN.get(parent.kind, set()):
        raise ActionError(
            _("“%(kind)s”不能隶属于“%(pkind)s”。")
            % {"kind": OrgKind(kind).label, "pkind": OrgKind(parent.kind).label},
            code="kind_not_allowed",
        )


def _count_union(unit: OrgUnit, delta: int) -> None:
    """Keep the grassroots-union count of every level above the unit right, at once."""
    from unionwork.orgs.indicators import GRASSROOTS_UNITS, counts_as_union

    if counts_as_union(unit):
        indicators.bump(GRASSROOTS_UNITS.key, unit.path, unit.ipath, numerator=delta)


def _log(unit: OrgUnit, kind: str, summary: str, reason: str = "") -> OrgEvent:
    return OrgEvent.objects.create(
        unit=unit,
        kind=kind,
        actor_label=audit.current_actor().label,
        summary=summary[:500],
        reason=reason[:500],
    )


# -- the dated parent links (the tree on any date) ------------------------------------------------
TERRITORIAL, INDUSTRIAL = OrgLink.Kind.TERRITORIAL, OrgLink.Kind.INDUSTRIAL


def _relink(
    unit_ids, kind: str, parent_id: int | None, status: str, on: datetime.date, reason: str = "", *, new=False
) -> int:
    """Close the open link of ``kind`` of each unit on ``on`` and open one to ``parent_id`` (with
    ``status``) from ``on``: set-based, two statements whatever the number of units. A unit whose
    open link already says the same is left alone; ``parent_id`` None only closes (unlinked).

    Bookkeeping of the actions below (each is the audited change), never called from a page.
    """
    unit_ids = list(unit_ids)
    if not unit_ids:
        return 0
    if not new:
        _backfill(unit_ids, kind)
    same = set()
    if parent_id is not None:
        same = set(
            OrgLink.objects.filter(
                unit_id__in=unit_ids, kind=kind, valid_to=None, parent_id=parent_id, status=status
            ).values_list("unit_id", flat=True)
        )
    todo = [pk for pk in unit_ids if pk not in same]
    if not todo:
        return 0
    # A link opened later the same day closes on that day (zero length), never before it opens.
    OrgLink.objects.filter(unit_id__in=todo, kind=kind, valid_to=None, valid_from__gt=on).update(
        valid_to=F("valid_from")
    )
    OrgLink.objects.filter(unit_id__in=todo, kind=kind, valid_to=None).update(valid_to=on)
    if parent_id is not None:
        OrgLink.objects.bulk_create(
            [
                OrgLink(
                    unit_id=pk,
                    kind=kind,
                    parent_id=parent_id,
                    status=status,
                    valid_from=on,
                    reason=reason[:500],
                )
                for pk in todo
            ],
            batch_size=2000,
        )
    return len(todo)


def _backfill(unit_ids: list[int], kind: str) -> None:
    """Units set up without links (bulk loads of demos and benchmarks) get one from the epoch,
    from the unit as it stands in the database: call :func:`_relink` before saving a change."""
    have = set(OrgLink.objects.filter(unit_id__in=unit_ids, kind=kind).values_list("unit_id", flat=True))
    missing = [pk for pk in unit_ids if pk not in have]
    if not missing:
        return
    field = "parent_id" if kind == TERRITORIAL else "industrial_union_id"
    rows = OrgUnit.objects.filter(pk__in=missing).exclude(**{field: None}).values_list("pk", field, "status")
    OrgLink.objects.bulk_create(
        [OrgLink(unit_id=pk, kind=kind, parent_id=p, status=st, valid_from=LINK_EPOCH) for pk, p, st in rows],
        batch_size=2000,
    )


def _restatus(unit: OrgUnit, status: str, reason: str = "") -> None:
    """The unit's status is about to change (call before saving it): its open links (both kinds)
    close and reopen with the new status."""
    today = timezone.localdate()
    _relink([unit.pk], TERRITORIAL, unit.parent_id, status, today, reason)
    if unit.industrial_union_id:
        _relink([unit.pk], INDUSTRIAL, unit.industrial_union_id, status, today, reason)


def compute_ipath(parent: OrgUnit | None, unit: OrgUnit) -> str:
    """The industrial path: from the unit's own link, else inherited from its parent."""
    if unit.industrial_union_id:
        iu = unit.industrial_union
        return f"{iu.path}{unit.pk}/"
    if parent is not None and parent.ipath:
        return f"{parent.ipath}{unit.pk}/"
    return ""


@transaction.atomic
def create_unit(
    user,
    *,
    parent: OrgUnit,
    name: str,
    kind: str,
    code: str | None = None,
    industrial_union: OrgUnit | None = None,
    is_demo: bool = False,
    reason: str = "",
) -> OrgUnit:
    """Set up a new unit under ``parent`` (inside the user's scope)."""
    _check_may(user, parent)
    name = _clean_name(name)
    check_parent(parent, kind)
    code = _clean_code(code)
    if code and OrgUnit.objects.filter(code=code).exists():
        raise ActionError(_("代码 %(code)s 已被其他组织使用。") % {"code": code}, code="duplicate_code")
    if industrial_union is not None and industrial_union.kind != OrgKind.INDUSTRIAL:
        raise ActionError(_("“%(n)s”不是产业工会。") % {"n": industrial_union.name})
    full, initials = pinyin_of(name)
    unit = OrgUnit(
        parent=parent,
        name=name,
        kind=kind,
        code=code,
        industrial_union=industrial_union,
        depth=parent.depth + 1,
        pinyin=full,
        initials=initials,
        is_demo=is_demo,
        path=f"{parent.path}tmp-{timezone.now().timestamp()}/",
    )
    unit.save()
    unit.path = f"{parent.path}{unit.pk}/"
    unit.ipath = compute_ipath(parent, unit)
    unit.save(update_fields=["path", "ipath"])
    today = timezone.localdate()
    _relink([unit.pk], TERRITORIAL, parent.pk, unit.status, today, reason, new=True)
    if industrial_union is not None:
        _relink([unit.pk], INDUSTRIAL, industrial_union.pk, unit.status, today, reason, new=True)
    _count_union(unit, +1)
    audit.record(unit, "create", None, audit.snapshot(unit), note=reason)
    _log(unit, OrgEvent.Kind.CREATED, _("在“%(p)s”下设立") % {"p": parent.name}, reason)
    return unit


@transaction.atomic
def update_unit(
    user,
    unit: OrgUnit,
    *,
    name: str | None = None,
    code: str | None = None,
    industrial_union: OrgUnit | None | bool = False,
    reason: str = "",
) -> OrgUnit:
    """Rename a unit, change its code or its industrial union link."""
    _check_may(user, unit)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(unit)
    changes = []  # what the event says, in Chinese
    changed = []  # which fields changed: decides the event's kind
    if name is not None:
        name = _clean_name(name)
        if name != unit.name:
            changes.append(_("名称由“%(a)s”改为“%(b)s”") % {"a": unit.name, "b": name})
            changed.append("name")
            unit.name = name
            unit.pinyin, unit.initials = pinyin_of(name)
    if code is not None:
        code = _clean_code(code)
        if code != unit.code:
            if code and OrgUnit.objects.filter(code=code).exclude(pk=unit.pk).exists():
                raise ActionError(
                    _("代码 %(code)s 已被其他组织使用。") % {"code": code}, code="duplicate_code"
                )
            changes.append(_("代码由 %(a)s 改为 %(b)s") % {"a": unit.code or "-", "b": code or "-"})
            changed.append("code")
            unit.code = code
    relinked = industrial_union is not False and industrial_union != unit.industrial_union
    if relinked:
        if industrial_union is not None:
            if industrial_union.kind != OrgKind.INDUSTRIAL:
                raise ActionError(_("“%(n)s”不是产业工会。") % {"n": industrial_union.name})
            if user is not None and not path_in_scope(user, unit.path):
                raise ActionError(_("只有组织所在地的上级才能调整其所属产业工会。"))
        _relink(
            [unit.pk],
            INDUSTRIAL,
            industrial_union.pk if industrial_union else None,
            unit.status,
            timezone.localdate(),
            reason,
        )
        unit.industrial_union = industrial_union
        changes.append(
            _("所属产业工会改为“%(n)s”") % {"n": industrial_union.name if industrial_union else "-"}
        )
        changed.append("industrial_union")
    if not changes:
        return unit
    unit.save()
    if relinked:
        old_ipath = unit.ipath
        _rewrite_ipaths(unit)
        unit.refresh_from_db()
        indicators.subtree_moved(unit.path, unit.path, old_ipath, unit.ipath)
        if unit.ipath != old_ipath:
            from unionwork.orgs.signals import ipaths_changed

            ipaths_changed.send(sender=OrgUnit, path=unit.path, old_ipath=old_ipath, new_ipath=unit.ipath)
    audit.record(unit, "update", before, audit.snapshot(unit), note=reason)
    kind = OrgEvent.Kind.RENAMED if changed == ["name"] else OrgEvent.Kind.UPDATED
    _log(unit, kind, "；".join(changes), reason)
    return unit


def _rewrite_ipaths(unit: OrgUnit) -> None:
    """Recompute the industrial path of a unit and its subtree after a link or a move.

    Set-based: the unit's own, then one statement for the descendants that inherit it (those with
    an industrial link of their own, and their subtrees, keep theirs).
    """
    unit = OrgUnit.objects.select_related("parent", "industrial_union").get(pk=unit.pk)
    old, new = unit.ipath, compute_ipath(unit.parent, unit)
    if old == new:
        return
    OrgUnit.objects.filter(pk=unit.pk).update(ipath=new)
    below = OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)
    below = below.filter(ipath__startswith=old) if old else below.filter(ipath="")
    tail = Substr("path", len(unit.path) + 1)
    below.update(ipath=Concat(Value(new), tail) if new else Value(""))


def check_territorial(user, unit: OrgUnit, destination_path: str, verb: str = "move") -> None:
    """Refuse a change of a unit's territorial place unless the user's own subtree holds both
    the unit and the destination.

    Industrial paths do not count: an industrial union sees and manages the units linked to it
    in any district, and may link or unlink them, but may not move them between territorial
    parents (they would vanish from their district). Every refusal is logged.
    """
    if user is None:
        return
    if path_in_scope(user, unit.path) and path_in_scope(user, destination_path):
        return
    security_log.warning(
        "refused %s: user=%s unit=%s (%s) to %s outside the user's territorial scope",
        verb,
        user.get_username(),
        unit.pk,
        unit.path,
        destination_path,
    )
    security.record("forbidden", user=user, action=verb, unit=unit.pk, destination=destination_path)
    raise ActionError(
        _(
            "不能调整“%(u)s”的隶属关系：须由同时管辖它所在地和新上级的组织办理。"
            "产业工会可以关联或取消关联组织，但不能调动其隶属关系。"
        )
        % {"u": unit.name},
        code="out_of_scope",
    )


def check_move(user, unit: OrgUnit, new_parent_path: str) -> None:
    """Refuse a move of the root, of the user's own node, under the unit's own subtree (a cycle),
    or outside the user's territorial scope (:func:`check_territorial`)."""
    if unit.parent_id is None:
        raise ActionError(_("根组织不能调整隶属关系。"), code="root")
    if user is not None and unit.pk == getattr(user, "org_id", None):
        raise ActionError(_("不能调整本账号所属组织本身的隶属关系，请由上级组织办理。"), code="own_node")
    if new_parent_path.startswith(unit.path):
        raise ActionError(
            _("不能把“%(u)s”调到它自己或它的下级之下：这会形成循环。") % {"u": unit.name}, code="cycle"
        )
    check_territorial(user, unit, new_parent_path)


def _move(unit: OrgUnit, new_parent: OrgUnit, reason: str, on: datetime.date) -> OrgUnit:
    """The move itself, checks done: set-based whatever the subtree's size (the subtree's paths
    and depths, its industrial paths, the kept figures, the paths other modules keep a copy of)."""
    old_path, new_path = unit.path, f"{new_parent.path}{unit.pk}/"
    depth_delta = new_parent.depth + 1 - unit.depth
    _relink([unit.pk], TERRITORIAL, new_parent.pk, unit.status, on, reason)
    # One statement rewrites the whole subtree's paths and depths.
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_delta
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    old_ipath = unit.ipath
    _rewrite_ipaths(unit)
    unit.refresh_from_db()
    indicators.subtree_moved(old_path, new_path, old_ipath, unit.ipath, when=on)
    # Records of other modules that carry the path denormalised follow through this signal.
    from unionwork.orgs.signals import ipaths_changed, subtree_moved

    subtree_moved.send(sender=OrgUnit, old_path=old_path, new_path=new_path)
    if unit.ipath != old_ipath:
        ipaths_changed.send(sender=OrgUnit, path=unit.path, old_ipath=old_ipath, new_ipath=unit.ipath)
    return unit


@transaction.atomic
def move_unit(user, unit: OrgUnit, new_parent: OrgUnit, reason: str = "") -> OrgUnit:
    """Put a unit and its subtree under another parent (调整隶属关系)."""
    _check_may(user, unit, strict=True)
    _check_may(user, new_parent)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    check_move(user, unit, new_parent.path)
    if new_parent.pk == unit.parent_id:
        return unit
    check_parent(new_parent, unit.kind)
    before = audit.snapshot(unit)
    old_parent = unit.parent
    unit = _move(unit, new_parent, reason, timezone.localdate())
    audit.record(unit, "move", before, audit.snapshot(unit), note=reason)
    _log(
        unit,
        OrgEvent.Kind.MOVED,
        _("由“%(a)s”调整到“%(b)s”") % {"a": old_parent.name, "b": new_parent.name},
        reason,
    )
    return unit


@transaction.atomic
def merge_units(user, source: OrgUnit, target: OrgUnit, reason: str = "") -> OrgUnit:
    """Merge ``source`` into ``target``: its children move to the target; it is kept as merged."""
    _check_may(user, source, strict=True)
    _check_may(user, target)
    check_territorial(user, source, target.path, verb="merge")  # its children change parent
    source = OrgUnit.objects.select_for_update().get(pk=source.pk)
    if source.pk == target.pk:
        raise ActionError(_("不能把组织合并到它自己。"))
    if not source.is_active:
        raise ActionError(_("“%(n)s”已注销或合并，不能再合并。") % {"n": source.name})
    if not target.is_active:
        raise ActionError(_("合并目标“%(n)s”已注销或合并。") % {"n": target.name})
    if target.path.startswith(source.path):
        raise ActionError(_("不能把组织合并到它自己的下级：这会形成循环。"), code="cycle")
    if source.kind != target.kind:
        raise ActionError(
            _("只能合并同类组织：“%(a)s”是%(ka)s，“%(b)s”是%(kb)s。")
            % {
                "a": source.name,
                "ka": source.get_kind_display(),
                "b": target.name,
                "kb": target.get_kind_display(),
            }
        )
    for child in list(source.children.filter(status=OrgStatus.ACTIVE)):
        move_unit(
            None, child, target, reason=_("随“%(n)s”并入“%(t)s”") % {"n": source.name, "t": target.name}
        )
    before = audit.snapshot(source)
    _count_union(source, -1)
    _restatus(source, OrgStatus.MERGED, reason)
    source.status = OrgStatus.MERGED
    source.merged_into = target
    source.status_changed_at = timezone.now()
    source.save()
    from unionwork.orgs.signals import unit_merged

    unit_merged.send(sender=OrgUnit, source=source, target=target)
    audit.record(source, "merge", before, audit.snapshot(source), note=reason)
    _log(source, OrgEvent.Kind.ABSORBED, _("并入“%(t)s”") % {"t": target.name}, reason)
    _log(target, OrgEvent.Kind.MERGED, _("“%(s)s”并入本组织") % {"s": source.name}, reason)
    return target


@transaction.atomic
def deregister_unit(user, unit: OrgUnit, reason: str) -> OrgUnit:
    """Deregister a unit: it is kept, marked deregistered, and no longer offered for new work."""
    _check_may(user, unit, strict=True)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if not (reason or "").strip():
        raise ActionError(_("请填写注销原因。"), code="reason_required")
    if not unit.is_active:
        raise ActionError(_("“%(n)s”已经注销或合并。") % {"n": unit.name})
    if unit.parent_id is None:
        raise ActionError(_("根组织不能注销。"))
    active_children = unit.children.filter(status=OrgStatus.ACTIVE).count()
    if active_children:
        raise ActionError(
            _("“%(n)s”下还有 %(c)d 个正常状态的下级组织，请先调整或注销它们。")
            % {"n": unit.name, "c": active_children},
            code="has_children",
        )
    before = audit.snapshot(unit)
    _count_union(unit, -1)
    _restatus(unit, OrgStatus.DEREGISTERED, reason)
    unit.status = OrgStatus.DEREGISTERED
    unit.status_changed_at = timezone.now()
    unit.save()
    from unionwork.orgs.signals import unit_status_changed

    unit_status_changed.send(sender=OrgUnit, unit=unit, old_status=OrgStatus.ACTIVE, new_status=unit.status)
    audit.record(unit, "deregister", before, audit.snapshot(unit), note=reason)
    _log(unit, OrgEvent.Kind.DEREGISTERED, _("注销"), reason)
    return unit


@transaction.atomic
def reactivate_unit(user, unit: OrgUnit, reason: str = "") -> OrgUnit:
    """Undo a deregistration (a merged unit stays merged)."""
    _check_may(user, unit, strict=True)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.status != OrgStatus.DEREGISTERED:
        raise ActionError(_("只有已注销的组织可以恢复。"))
    check_parent(unit.parent, unit.kind)
    before = audit.snapshot(unit)
    unit.status = OrgStatus.ACTIVE
    _count_union(unit, +1)
    unit.status_changed_at = timezone.now()
    _restatus(unit, OrgStatus.ACTIVE, reason)
    unit.save()
    from unionwork.orgs.signals import unit_status_changed

    unit_status_changed.send(
        sender=OrgUnit, unit=unit, old_status=OrgStatus.DEREGISTERED, new_status=unit.status
    )
    audit.record(unit, "reactivate", before, audit.snapshot(unit), note=reason)
    _log(unit, OrgEvent.Kind.REACTIVATED, _("恢复为正常状态"), reason)
    return unit


# -- re-zoning: many units under one new parent, previewed, one audited action --------------------
REZONE_INLINE_MAX = 20  # more units than this run in a background task, with progress
REZONE_BATCH = 10  # units moved per transaction in the task (progress is committed between)


def check_rezone(user, units, new_parent: OrgUnit, reason: str, on: datetime.date | None = None):
    """Refuse a re-zoning that any of its moves would refuse, or one without a reason, or dated
    outside the current month (nothing is back-dated: earlier months keep their figures).
    Returns the units (fresh, in the order given) and the date."""
    if not (reason or "").strip():
        raise ActionError(_("请填写区划调整的原因。"), code="reason_required")
    today = timezone.localdate()
    on = on or today
    if on > today or indicators.month_of(on) != indicators.month_of(today):
        raise ActionError(
            _("区划调整的生效日期须在本月内且不晚于今天：已结束的月份的数字不能倒签改动。"), code="back_dated"
        )
    ids = list(dict.fromkeys(u.pk if isinstance(u, OrgUnit) else int(u) for u in units))
    if not ids:
        raise ActionError(_("请选择要调整的组织。"), code="no_units")
    _check_may(user, new_parent)
    check_parent_active = new_parent.is_active
    if not check_parent_active:
        raise ActionError(_("新上级组织“%(p)s”已注销或合并。") % {"p": new_parent.name})
    fresh = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids).select_related("parent")}
    paths = sorted(u.path for u in fresh.values())
    for a, b in zip(paths, paths[1:], strict=False):
        if b.startswith(a):
            raise ActionError(_("所选组织中有的是另一个的下级：只选上级即可，下级随之调整。"), code="nested")
    out = []
    for pk in ids:
        unit = fresh.get(pk)
        if unit is None:
            raise ActionError(_("编号 %(id)s 的组织不存在。") % {"id": pk}, code="not_found")
        _check_may(user, unit, strict=True)
        if not unit.is_active:
            raise ActionError(_("“%(n)s”已注销或合并，不能调整。") % {"n": unit.name})
        if unit.parent_id == new_parent.pk:
            raise ActionError(
                _("“%(n)s”已在“%(p)s”之下。") % {"n": unit.name, "p": new_parent.name}, code="same"
            )
        check_move(user, unit, new_parent.path)
        check_parent(new_parent, unit.kind)
        out.append(unit)
    return out, on


@transaction.atomic
def prepare_rezoning(
    user, units, new_parent: OrgUnit, reason: str, on: datetime.date | None = None
) -> Rezoning:
    """Record a re-zoning to preview and confirm (nothing moves yet)."""
    units, on = check_rezone(user, units, new_parent, reason, on)
    rz = Rezoning.objects.create(
        new_parent=new_parent,
        units=[u.pk for u in units],
        from_parents={str(u.pk): u.parent_id for u in units},
        reason=reason.strip()[:500],
        effective_on=on,
        total=len(units),
        actor_label=audit.current_actor().label,
    )
    audit.record(rz, "create", None, audit.snapshot(rz), note=reason)
    return rz


def confirm_rezoning(user, rezoning: Rezoning) -> Rezoning:
    """Run a prepared re-zoning: checked again as it stands now; small ones at once, large ones
    in a background task that moves a batch of units per transaction and counts its progress."""
    with transaction.atomic():
        rz = Rezoning.objects.select_for_update().get(pk=rezoning.pk)
        scope.check_record(user, rz, "manage", what=_("该区划调整"))
        if rz.status != Rezoning.Status.PENDING:
            raise ActionError(_("该区划调整已经执行过。"), code="not_pending")
        new_parent = OrgUnit.objects.get(pk=rz.new_parent_id)
        check_rezone(user, rz.units, new_parent, rz.reason, rz.effective_on)
        before = audit.snapshot(rz)
        rz.status = Rezoning.Status.RUNNING
        rz.save(update_fields=["status"])
        audit.record(rz, "rezone", before, audit.snapshot(rz), note=rz.reason)
    if rz.total > REZONE_INLINE_MAX and not _in_outer_transaction():
        from unionwork.orgs.tasks import run_rezoning as task

        task.enqueue(rz.pk)
    else:
        run_rezoning(rz.pk)
    rz.refresh_from_db()
    return rz


_in_outer_transaction = in_caller_transaction  # named here, so a test can stand in for it


def rezone(user, units, new_parent: OrgUnit, reason: str, on: datetime.date | None = None) -> Rezoning:
    """Move many units under ``new_parent`` at once (区划调整): prepare and confirm in one go."""
    rz = prepare_rezoning(user, units, new_parent, reason, on)
    return confirm_rezoning(user, rz)


def run_rezoning(rezoning_id: int) -> Rezoning:
    """The moves of a confirmed re-zoning, a batch of units per transaction (the task's body)."""
    rz = Rezoning.objects.get(pk=rezoning_id)
    todo = rz.units[rz.done :]
    try:
        for start in range(0, len(todo), REZONE_BATCH):
            with transaction.atomic():
                rz = Rezoning.objects.select_for_update().get(pk=rezoning_id)
                new_parent = OrgUnit.objects.get(pk=rz.new_parent_id)
                batch = OrgUnit.objects.filter(pk__in=todo[start : start + REZONE_BATCH]).select_related(
                    "parent"
                )
                for unit in sorted(batch, key=lambda u: rz.units.index(u.pk)):
                    if unit.parent_id == new_parent.pk:
                        continue
                    old_parent = unit.parent
                    before = audit.snapshot(unit)
                    unit = _move(unit, new_parent, rz.reason, rz.effective_on)
                    audit.record(unit, "move", before, audit.snapshot(unit), note=rz.reason)
                    _log(
                        unit,
                        OrgEvent.Kind.MOVED,
                        _("区划调整：由“%(a)s”调整到“%(b)s”") % {"a": old_parent.name, "b": new_parent.name},
                        rz.reason,
                    )
                Rezoning.objects.filter(pk=rz.pk).update(done=F("done") + len(batch))
        Rezoning.objects.filter(pk=rezoning_id).update(
            status=Rezoning.Status.DONE, finished_at=timezone.now()
        )
    except Exception as exc:
        Rezoning.objects.filter(pk=rezoning_id).update(status=Rezoning.Status.FAILED, error=str(exc)[:500])
        raise
    return Rezoning.objects.get(pk=rezoning_id)


# -- a closed month's figures ----------------------------------------------------------------------
def correct_figure(user, unit: OrgUnit, key: str, month, numerator: int, denominator: int, reason: str):
    """Correct a closed month's kept figure of ``unit`` (the level above, with a reason): see
    ``core.indicators.correct_closed_month``, which checks, writes and audits it."""
    return indicators.correct_closed_month(user, key, unit, month, numerator, denominator, reason)
