"""Every change of the organisation tree: one function per thing a user does, audited."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit, indicators, scope, security
from unionwork.core.errors import ActionError
from unionwork.core.scope import path_in_scope
from unionwork.core.text import pinyin_of
from unionwork.orgs.models import ALLOWED_CHILDREN, OrgEvent, OrgKind, OrgStatus, OrgUnit

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
    relink = industrial_union is not False and industrial_union != unit.industrial_union
    if relink:
        if industrial_union is not None:
            if industrial_union.kind != OrgKind.INDUSTRIAL:
                raise ActionError(_("“%(n)s”不是产业工会。") % {"n": industrial_union.name})
            if user is not None and not path_in_scope(user, unit.path):
                raise ActionError(_("只有组织所在地的上级才能调整其所属产业工会。"))
        unit.industrial_union = industrial_union
        changes.append(
            _("所属产业工会改为“%(n)s”") % {"n": industrial_union.name if industrial_union else "-"}
        )
        changed.append("industrial_union")
    if not changes:
        return unit
    unit.save()
    if relink:
        old_ipath = unit.ipath
        _rewrite_ipaths(unit)
        unit.refresh_from_db()
        indicators.subtree_moved(unit.path, unit.path, old_ipath, unit.ipath)
    audit.record(unit, "update", before, audit.snapshot(unit), note=reason)
    kind = OrgEvent.Kind.RENAMED if changed == ["name"] else OrgEvent.Kind.UPDATED
    _log(unit, kind, "；".join(changes), reason)
    return unit


def _rewrite_ipaths(unit: OrgUnit) -> None:
    """Recompute the industrial path of a unit and its subtree after a link or a move."""
    parent = unit.parent
    todo = [unit]
    while todo:
        current = todo.pop()
        p = current.parent if current.pk != unit.pk else parent
        new = compute_ipath(p, current)
        if new != current.ipath:
            OrgUnit.objects.filter(pk=current.pk).update(ipath=new)
            current.ipath = new
        for child in current.children.select_related("industrial_union"):
            child.parent = current
            todo.append(child)


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
    old_path, new_path = unit.path, f"{new_parent.path}{unit.pk}/"
    depth_delta = new_parent.depth + 1 - unit.depth
    # One statement rewrites the whole subtree's paths and depths.
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_delta
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    old_ipath = unit.ipath
    _rewrite_ipaths(unit)
    unit.refresh_from_db()
    indicators.subtree_moved(old_path, new_path, old_ipath, unit.ipath)
    # Records of other modules that carry the path denormalised follow through this signal.
    from unionwork.orgs.signals import subtree_moved

    subtree_moved.send(sender=OrgUnit, old_path=old_path, new_path=new_path)
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
    unit.save()
    from unionwork.orgs.signals import unit_status_changed

    unit_status_changed.send(
        sender=OrgUnit, unit=unit, old_status=OrgStatus.DEREGISTERED, new_status=unit.status
    )
    audit.record(unit, "reactivate", before, audit.snapshot(unit), note=reason)
    _log(unit, OrgEvent.Kind.REACTIVATED, _("恢复为正常状态"), reason)
    return unit
