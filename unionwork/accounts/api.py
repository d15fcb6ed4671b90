"""Accounts over the API: /api/v1/accounts/ — who am I, and the accounts an administrator manages."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from unionwork.accounts.filters import UserFilter
from unionwork.accounts.models import Role, User
from unionwork.core.api import READ_ERRORS, Pagination, filtered
from unionwork.core.scope import ACTION_ROLES

router = Router(tags=["账号"])


class RoleOut(Schema):
    code: str
    label: str


def _roles(user: User) -> list[dict[str, str]]:
    labels = dict(Role.choices)
    return [{"code": r, "label": str(labels[r])} for r in user.role_names()]


class OrgRefOut(Schema):
    id: int
    name: str
    code: str | None
    path: str = Field(description="自根组织起的编号链")
    trail: str = Field(description="自根组织起的名称，如 大连市总工会 / 甘井子区总工会")


class MeOut(Schema):
    """The caller's own account."""

    id: int
    username: str
    full_name: str
    org: OrgRefOut | None
    roles: list[RoleOut]
    actions: list[str] = Field(description="角色允许的操作：view 查看、change 填报、review 审核、manage 管理")

    @staticmethod
    def resolve_org(obj: User) -> dict | None:
        org = obj.org
        if org is None:
            return None
        trail = " / ".join(u.name for u in [*org.ancestors(), org])
        return {"id": org.pk, "name": org.name, "code": org.code, "path": org.path, "trail": trail}

    @staticmethod
    def resolve_roles(obj: User) -> list[dict[str, str]]:
        return _roles(obj)

    @staticmethod
    def resolve_actions(obj: User) -> list[str]:
        return [action for action in ACTION_ROLES if obj.may(action)]


class AccountOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str
    org_id: int | None
    org_name: str | None
    roles: list[RoleOut]
    is_active: bool
    last_login: datetime | None

    @staticmethod
    def resolve_org_name(obj: User) -> str | None:
        return obj.org.name if obj.org_id else None

    @staticmethod
    def resolve_roles(obj: User) -> list[dict[str, str]]:
        return _roles(obj)


class AccountQuery(Schema):
    q: str | None = Field(None, description="用户名或姓名")
    role: Role | None = None
    under: str | None = Field(None, description="组织编号或代码：该组织及其下级的账号")
    is_active: bool | None = None


def _visible_accounts(user: User):
    """An administrator sees the accounts of the part of the tree they manage; anyone else, only their own."""
    if user.may("manage"):
        return User.objects.restrict(user, "manage")
    return User.objects.filter(pk=user.pk)


@router.get(
    "/me",
    response={200: MeOut, **READ_ERRORS},
    summary="当前账号",
    description="令牌所属的账号：所属组织、角色及角色允许的操作。",
)
def me(request: HttpRequest):
    """The account the token belongs to."""
    return request.user


@router.get(
    "/",
    response={200: list[AccountOut], **READ_ERRORS},
    summary="账号列表",
    description="管理员：其管辖范围内的账号；其他角色：只有本人的账号。",
)
@paginate(Pagination, page_size=50)
def list_accounts(request: HttpRequest, filters: Query[AccountQuery]):
    """Accounts in the caller's scope (administrators); for other roles, the caller's own account."""
    qs = _visible_accounts(request.user).select_related("org")
    return filtered(UserFilter, filters, qs, request).order_by("username")
