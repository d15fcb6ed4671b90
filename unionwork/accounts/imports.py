"""Import of accounts (账号): new user names open accounts, known ones are updated.

Every write goes through :mod:`unionwork.accounts.actions`, so the checks, the scope and the
audit are those of the account pages. The initial password is only used for new accounts, is
checked by Django's password validators, and is never echoed (nor kept in the marked file).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.accounts import actions
from unionwork.accounts.models import Role, User
from unionwork.core import imports
from unionwork.core.scope import scope_q
from unionwork.orgs.models import OrgStatus, OrgUnit


def _units(user: Any):
    # Accounts are scoped by the path of their unit alone (not by industrial links).
    return OrgUnit.objects.filter(scope_q(user, "path"), status=OrgStatus.ACTIVE)


@imports.register
class AccountImporter(imports.RowwiseImporter):
    name = "accounts.users"
    label = gettext_lazy("账号")
    model = User
    key = ("username",)
    permission = "manage"
    description = gettext_lazy(
        "新的用户名新建账号（须填姓名、所属组织、角色和初始密码）；已有的用户名修改其信息，不修改密码。"
    )
    columns = [
        imports.TextColumn(
            gettext_lazy("用户名"),
            "username",
            required=True,
            keep_text=True,
            max_length=actions.USERNAME_MAX,
            pattern=actions.USERNAME_PATTERN,
            pattern_help=gettext_lazy("只能包含字母、数字和 _ . @ + -。"),
        ),
        imports.TextColumn(
            gettext_lazy("姓名"),
            "full_name",
            max_length=actions.FULL_NAME_MAX,
            help=gettext_lazy("新账号必填"),
            keep_if_blank=True,
        ),
        imports.ReferenceColumn(
            gettext_lazy("所属组织"),
            "org",
            queryset=_units,
            noun=gettext_lazy("组织"),
            help=gettext_lazy("新账号必填"),
            keep_if_blank=True,
        ),
        imports.ChoiceColumn(
            gettext_lazy("角色"),
            "roles",
            choices=Role.choices,
            multiple=True,
            help=gettext_lazy("新账号必填"),
            keep_if_blank=True,
        ),
        imports.TextColumn(
            gettext_lazy("手机号"),
            "phone",
            digits_only=True,
            pattern=actions.PHONE_PATTERN,
            pattern_help=gettext_lazy("手机号应为 11 位数字，以 1 开头，第二位是 3–9，例如 13800000000。"),
        ),
        imports.TextColumn(
            gettext_lazy("初始密码"),
            "password",
            secret=True,
            compare=False,
            max_length=128,
            help=gettext_lazy("新账号必填；已有账号不修改密码"),
        ),
    ]
    error_fields = {
        "duplicate_username": "username",
        "username_invalid": "username",
        "full_name_invalid": "full_name",
        "org_invalid": "org",
        "out_of_scope": "org",
        "roles_invalid": "roles",
        "phone_invalid": "phone",
        "password_invalid": "password",
        "own_account": "roles",
    }
    NEW_REQUIRED = ("full_name", "org", "roles", "password")

    def taken_message(self, key: Any) -> str:
        return _("用户名“%(u)s”已被其他账号使用，请换一个。") % {"u": key}

    def validate_row(self, row: imports.Row, ctx: imports.ImportContext) -> None:
        if row.existing is None:
            self._validate_new(row, ctx)
            return
        if row.existing.pk == ctx.user.pk:
            for change in self.changes(row, row.existing, ctx):
                if change.column.field in actions.SELF_LOCKED:
                    ctx.error(
                        row, change.column.field, _("不能修改自己账号的组织或角色，请由上级管理员办理。")
                    )

    def _validate_new(self, row: imports.Row, ctx: imports.ImportContext) -> None:
        for field in self.NEW_REQUIRED:
            if not row.get(field):
                ctx.error(row, field, _("新建账号时必填。"))
        password = row.get("password")
        if password:
            stand_in = User(username=row.get("username"), full_name=row.get("full_name") or "")
            try:
                password_validation.validate_password(password, stand_in)
            except ValidationError as exc:
                ctx.error(row, "password", "".join(exc.messages))

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        v = row.values
        if row.existing is None:
            actions.create_account(
                ctx.user,
                username=v["username"],
                full_name=v["full_name"],
                org=v["org"],
                roles=v["roles"],
                phone=v.get("phone") or "",
                password=v["password"],
            )
            return "created"
        changes = {c.column.field: v[c.column.field] for c in self.changes(row, row.existing, ctx)}
        if not changes:
            return "unchanged"
        actions.update_account(ctx.user, row.existing, **changes)
        return "updated"
