"""Import of the organisation tree (工会组织): new codes set up units, known codes update them.

Every write goes through :mod:`unionwork.orgs.actions` (create_unit, update_unit, move_unit),
so validation, the timeline and the audit are those of the pages. What those actions would
refuse is checked beforehand for every row (kind not allowed under the parent, a move into
one's own subtree, one's own node), so that the user gets every problem at once; should an
action still refuse a row while writing, the whole import is rolled back and the row reported.

A row may name as its parent a unit that an earlier row of the same file sets up; rows are
written in the file's order, parents first.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import imports
from unionwork.core.errors import ActionError
from unionwork.core.imports import Pending
from unionwork.core.scope import path_in_scope
from unionwork.orgs import actions
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

CODE_MAX = OrgUnit._meta.get_field("code").max_length
REASON = gettext_lazy("批量导入")


def _units(user: Any):
    return OrgUnit.objects.restrict(user, "manage")


def _industrial_unions(user: Any):
    # Industrial unions serve the whole city: any of them may be linked to a unit of the scope.
    return OrgUnit.objects.filter(kind=OrgKind.INDUSTRIAL, status=OrgStatus.ACTIVE)


@imports.register
class OrgUnitImporter(imports.RowwiseImporter):
    name = "orgs.units"
    label = gettext_lazy("工会组织")
    model = OrgUnit
    key = ("code",)
    permission = "manage"
    batch_size = 500
    description = gettext_lazy(
        "新的组织代码新建组织（须填组织类型和上级组织）；已有的代码修改其名称、上级组织和所属产业工会。"
        "上级组织可以是本文件前面几行新建的组织。"
    )
    columns = [
        imports.TextColumn(
            gettext_lazy("组织代码"),
            "code",
            required=True,
            keep_text=True,
            max_length=CODE_MAX,
            pattern=r"[0-9A-Za-z_-]+",
            pattern_help=gettext_lazy("只能包含字母、数字、下划线和短横线。"),
        ),
        imports.TextColumn(
            gettext_lazy("组织名称"), "name", required=True, max_length=actions.NAME_MAX, width=30
        ),
        imports.ChoiceColumn(
            gettext_lazy("组织类型"),
            "kind",
            choices=[c for c in OrgKind.choices if c[0] != OrgKind.CITY],
            help=gettext_lazy("新建组织时必填；已有组织的类型不能通过导入修改"),
            keep_if_blank=True,
        ),
        imports.ReferenceColumn(
            gettext_lazy("上级组织"),
            "parent",
            queryset=_units,
            noun=gettext_lazy("组织"),
            self_reference=True,
            help=gettext_lazy("新建组织时必填；可填本文件前面新建的组织代码"),
            keep_if_blank=True,
        ),
        imports.ReferenceColumn(
            gettext_lazy("所属产业工会"),
            "industrial_union",
            queryset=_industrial_unions,
            noun=gettext_lazy("产业工会"),
            help=gettext_lazy("已有组织此格留空表示取消关联"),
        ),
    ]
    error_fields = {
        "duplicate_code": "code",
        "name_empty": "name",
        "name_long": "name",
        "kind_not_allowed": "parent",
        "cycle": "parent",
        "own_node": "parent",
    }

    def taken_message(self, key: Any) -> str:
        return _("代码“%(code)s”已被您管辖范围以外的组织使用，不能在这里新建或修改。请核对代码。") % {
            "code": key
        }

    # -- checks before anything is written ----------------------------------------------------
    def validate_row(self, row: imports.Row, ctx: imports.ImportContext) -> None:
        kinds = ctx.state.setdefault("kinds", {})  # code -> kind, for rows naming it as parent
        paths = ctx.state.setdefault("paths", {})  # code -> path (made up for units still to be set up)
        unit, parent = row.existing, row.get("parent")
        if unit is None:
            kind = row.get("kind")
            if not kind:
                ctx.error(row, "kind", _("新建组织时必填，请选择组织类型。"))
            if parent is None:
                ctx.error(row, "parent", _("新建组织时必填，请填写上级组织的代码或名称。"))
            if row.failed:
                return
            self._check_parent(row, parent, kind, ctx)
            kinds[row.key] = kind
            paths[row.key] = f"{self._path_of(parent, ctx)}new-{row.key}/"
            return
        if row.get("kind") and row.get("kind") != unit.kind:
            ctx.error(
                row,
                "kind",
                _("已有组织的类型不能通过导入修改（现为“%(k)s”），请改回或清空此格。")
                % {"k": unit.get_kind_display()},
            )
        if parent is not None and (isinstance(parent, Pending) or parent.pk != unit.parent_id):
            self._check_move(row, unit, parent, ctx)
        if ctx.has("industrial_union") and not path_in_scope(ctx.user, unit.path):
            iu = row.get("industrial_union")
            if (iu.pk if iu else None) != unit.industrial_union_id:
                ctx.error(row, "industrial_union", _("只有组织所在地的上级才能调整其所属产业工会。"))
        kinds[row.key] = unit.kind
        paths[row.key] = unit.path

    @staticmethod
    def _path_of(parent: OrgUnit | Pending, ctx: imports.ImportContext) -> str:
        if isinstance(parent, Pending):
            return ctx.state["paths"].get(parent.key, f"new-{parent.key}/")
        return parent.path

    def _check_parent(
        self, row: imports.Row, parent: OrgUnit | Pending, kind: str, ctx: imports.ImportContext
    ) -> None:
        """The unit's kind may stand under the parent (the action's own rule and message)."""
        if isinstance(parent, Pending):
            parent_kind = ctx.state["kinds"].get(parent.key)
            if parent_kind is None:  # its own row is wrong and reported already
                return
            parent = OrgUnit(kind=parent_kind, name=parent.key, status=OrgStatus.ACTIVE)
        try:
            actions.check_parent(parent, kind)
        except ActionError as exc:
            ctx.error(row, "parent", imports.messages_of(exc))

    def _check_move(
        self, row: imports.Row, unit: OrgUnit, parent: OrgUnit | Pending, ctx: imports.ImportContext
    ) -> None:
        try:
            actions.check_move(ctx.user, unit, self._path_of(parent, ctx))
        except ActionError as exc:
            ctx.error(row, "parent", imports.messages_of(exc))
        else:
            self._check_parent(row, parent, unit.kind, ctx)

    # -- the write, row by row through the actions ---------------------------------------------
    @staticmethod
    def _fresh(unit: OrgUnit | Pending | None, ctx: imports.ImportContext) -> OrgUnit | None:
        """The unit as it stands now: earlier rows may have moved it (and so changed its path)."""
        if unit is None:
            return None
        pk = ctx.state["created"][unit.key] if isinstance(unit, Pending) else unit.pk
        return OrgUnit.objects.select_related("industrial_union").get(pk=pk)

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        created = ctx.state.setdefault("created", {})  # code -> id of units set up by this import
        v, user = row.values, ctx.user
        parent = self._fresh(v.get("parent"), ctx)
        if row.existing is None:
            unit = actions.create_unit(
                user,
                parent=parent,
                name=v["name"],
                kind=v["kind"],
                code=v["code"],
                industrial_union=self._fresh(v.get("industrial_union"), ctx),
                reason=str(REASON),
            )
            created[unit.code] = unit.pk
            return "created"
        unit = self._fresh(row.existing, ctx)
        changes: dict[str, Any] = {}
        if v.get("name") and v["name"] != unit.name:
            changes["name"] = v["name"]
        if ctx.has("industrial_union"):
            iu = self._fresh(v.get("industrial_union"), ctx)
            if (iu.pk if iu else None) != unit.industrial_union_id:
                changes["industrial_union"] = iu
        if changes:
            unit = actions.update_unit(user, unit, reason=str(REASON), **changes)
        if parent is not None and parent.pk != unit.parent_id:
            actions.move_unit(user, unit, parent, reason=str(REASON))
            return "updated"
        return "updated" if changes else "unchanged"
