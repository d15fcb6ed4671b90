"""API tokens: issue one (its key is shown once, only its hash is stored) and revoke one, audited."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.scope import record_in_scope

from .models import ApiToken, User

NAME_MAX = ApiToken._meta.get_field("name").max_length
# The key's hash is a secret's fingerprint: it stays out of the audit trail.
AUDIT_EXCLUDE = ("key_hash",)


@transaction.atomic
def issue_token(
    user: User, name: str, *, days: int | None = None, read_only: bool = False
) -> tuple[ApiToken, str]:
    """Create a token for ``user``'s own use and return it with its key, which is never stored.

    It expires after ``days`` (default UNIONWORK_API_TOKEN_DAYS, at most UNIONWORK_API_TOKEN_MAX_DAYS);
    a ``read_only`` token may only read.

    The caller decides who may do this (one's own account page, or a management command); the
    token acts with exactly ``user``'s roles and scope.
    """
    name = (name or "").strip()
    if not name:
        raise ActionError(_("请填写令牌名称。"), code="name_empty")
    if len(name) > NAME_MAX:
        raise ActionError(_("令牌名称过长：最多 %(max)d 个字。") % {"max": NAME_MAX}, code="name_long")
    if not user.is_active:
        raise ActionError(_("账号已停用，不能创建接口令牌。"), code="inactive")
    days = settings.UNIONWORK_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.UNIONWORK_API_TOKEN_MAX_DAYS:
        raise ActionError(
            _("令牌有效期须在 1 至 %(max)d 天之间。") % {"max": settings.UNIONWORK_API_TOKEN_MAX_DAYS},
            code="days",
        )
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:8],
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=days),
        read_only=read_only,
    )
    audit.record(
        token,
        "create",
        None,
        audit.snapshot(token, exclude=AUDIT_EXCLUDE),
        note=_("为 %(u)s 创建接口令牌") % {"u": user.get_username()},
        org_path=user.audit_org_path(),
    )
    return token, key


@transaction.atomic
def revoke_token(user: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token: by its owner, by an administrator whose scope holds the owner, or by the system.

    Revoking a revoked token changes nothing.
    """
    owner = token.user
    if user is not None and user.pk != owner.pk:
        if not record_in_scope(user, owner, "manage"):
            raise ActionError(_("只能吊销自己的令牌，或您所管理账号的令牌。"), code="forbidden")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked:
        return token
    before = audit.snapshot(token, exclude=AUDIT_EXCLUDE)
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(
        token, "revoke", before, audit.snapshot(token, exclude=AUDIT_EXCLUDE), org_path=owner.audit_org_path()
    )
    return token
