"""Every change of an account: create, update, set a password, unlock. Scoped and audited.

Who may: an actor whose roles allow "manage", for accounts whose unit lies in the actor's scope
(and for one's own password, the account itself). ``actor_user=None`` is the system (commands),
named by the audit context. Refusals raise ``ActionError`` with a Chinese message and a code
(the import maps codes to its columns). The password hash never enters the audit trail
(``User.audit_exclude``).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.accounts.models import LoginThrottle, Role, User
from unionwork.core import audit, security
from unionwork.core.errors import ActionError
from unionwork.core.scope import ROLES, path_in_scope, record_in_scope, user_may
from unionwork.orgs.models import OrgUnit

USERNAME_PATTERN = r"[A-Za-z0-9_.@+-]+"
PHONE_PATTERN = r"1[3-9]\d{9}"
USERNAME_MAX = User._meta.get_field("username").max_length
FULL_NAME_MAX = User._meta.get_field("full_name").max_length
UPDATABLE = frozenset({"full_name", "org", "roles", "phone", "is_active"})
SELF_LOCKED = frozenset({"org", "roles", "is_active"})  # what one may not change on one's own account


def _check_manager(actor: User | None, account: User | None = None) -> None:
    """The actor may manage accounts, and ``account`` (if given) lies in the actor's scope."""
    if actor is None:
        return
    if not user_may(actor, "manage"):
        raise ActionError(_("您的角色无权管理账号。"), code="forbidden")
    if account is not None and not record_in_scope(actor, account, "manage"):
        raise ActionError(_("该账号不在您的管理范围内。"), code="out_of_scope")


def clean_username(username: str, exclude_pk: int | None = None) -> str:
    """A free, well-formed user name (compared without regard to case)."""
    username = (username or "").strip()
    if not username:
        raise ActionError(_("用户名不能为空。"), code="username_invalid")
    if len(username) > USERNAME_MAX or not re.fullmatch(USERNAME_PATTERN, username):
        raise ActionError(
            _("用户名只能包含字母、数字和 _ . @ + -，最多 %(max)d 个字符。") % {"max": USERNAME_MAX},
            code="username_invalid",
        )
    if User.objects.filter(username__iexact=username).exclude(pk=exclude_pk).exists():
        raise ActionError(_("用户名“%(u)s”已被使用，请换一个。") % {"u": username}, code="duplicate_username")
    return username


def clean_full_name(full_name: str) -> str:
    full_name = (full_name or "").strip()
    if not full_name:
        raise ActionError(_("姓名不能为空。"), code="full_name_invalid")
    if len(full_name) > FULL_NAME_MAX:
        raise ActionError(
            _("姓名过长：最多 %(max)d 个字。") % {"max": FULL_NAME_MAX}, code="full_name_invalid"
        )
    return full_name


def clean_roles(roles: Any) -> list[str]:
    """Known roles, without repeats, in the platform's order; at least one."""
    roles = list(roles or [])
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ActionError(
            _("未知的角色：%(r)s。") % {"r": "、".join(map(str, unknown))}, code="roles_invalid"
        )
    if not roles:
        raise ActionError(
            _("请至少选择一个角色：%(all)s。") % {"all": "、".join(str(label) for _v, label in Role.choices)},
            code="roles_invalid",
        )
    return [r for r in ROLES if r in roles]


def clean_phone(phone: str) -> str:
    """An 11-digit mainland mobile number, or empty (spaces and hyphens are dropped)."""
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone and not re.fullmatch(PHONE_PATTERN, phone):
        raise ActionError(
            _("手机号应为 11 位数字，以 1 开头，第二位是 3–9，例如 13800000000。"), code="phone_invalid"
        )
    return phone


def clean_org(actor: User | None, org: OrgUnit | None) -> OrgUnit:
    """An active unit inside the actor's scope."""
    if org is None:
        raise ActionError(_("请选择所属组织。"), code="org_invalid")
    if not org.is_active:
        raise ActionError(
            _("组织“%(n)s”已注销或合并，不能在其下设账号。") % {"n": org.name}, code="org_invalid"
        )
    if actor is not None and not path_in_scope(actor, org.path):
        raise ActionError(_("组织“%(n)s”不在您的管理范围内。") % {"n": org.name}, code="out_of_scope")
    return org


def check_password(password: str, account: User) -> None:
    """Django's password validators; the message never repeats the password."""
    if not password:
        raise ActionError(_("请填写密码。"), code="password_invalid")
    try:
        password_validation.validate_password(password, account)
    except ValidationError as exc:
        raise ActionError("".join(exc.messages), code="password_invalid") from None


@transaction.atomic
def create_account(
    actor_user: User | None,
    *,
    username: str,
    full_name: str,
    org: OrgUnit,
    roles: list[str],
    phone: str = "",
    password: str,
) -> User:
    """Open an account at a unit of the actor's scope, with roles and an initial password."""
    _check_manager(actor_user)
    account = User(
        username=clean_username(username),
        full_name=clean_full_name(full_name),
        org=clean_org(actor_user, org),
        roles=clean_roles(roles),
        phone=clean_phone(phone),
    )
    check_password(password, account)
    account.set_password(password)
    account.save()
    audit.record(account, "create", None, audit.snapshot(account))
    return account


@transaction.atomic
def update_account(actor_user: User | None, account: User, **changes: Any) -> User:
    """Change an account's full_name, org, roles, phone or is_active (only what is given)."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise TypeError(f"update_account() got unexpected fields: {sorted(unknown)}")
    _check_manager(actor_user, account)
    account = User.objects.select_for_update(of=("self",)).select_related("org").get(pk=account.pk)
    cleaners = {
        "full_name": clean_full_name,
        "org": lambda org: clean_org(actor_user, org),
        "roles": clean_roles,
        "phone": clean_phone,
        "is_active": bool,
    }
    new = {name: cleaners[name](value) for name, value in changes.items()}
    new = {name: value for name, value in new.items() if getattr(account, name) != value}
    if not new:
        return account
    if actor_user is not None and account.pk == actor_user.pk and SELF_LOCKED & set(new):
        raise ActionError(
            _("不能修改自己账号的组织、角色或启用状态，请由上级管理员办理。"), code="own_account"
        )
    before = audit.snapshot(account)
    for name, value in new.items():
        setattr(account, name, value)
    account.save()
    audit.record(account, "update", before, audit.snapshot(account))
    return account


@transaction.atomic
def set_account_password(actor_user: User | None, account: User, password: str) -> User:
    """Set a password: one's own, or that of an account the actor manages."""
    if actor_user is None or actor_user.pk != account.pk:
        _check_manager(actor_user, account)
    check_password(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    audit.record(account, "password", note=_("设置了新密码"))
    return account


@transaction.atomic
def change_own_password(actor_user: User, current_password: str, new_password: str) -> User:
    """Change one's own password: the current one must be given (a session left open is not enough)."""
    if actor_user is None or not actor_user.is_authenticated:
        raise ActionError(_("请先登录。"), code="forbidden")
    account = User.objects.select_for_update(of=("self",)).get(pk=actor_user.pk)
    if not account.check_password(current_password or ""):
        raise ActionError(_("当前密码不正确，请重新输入。"), code="password_incorrect")
    if current_password == new_password:
        raise ActionError(_("新密码不能与当前密码相同。"), code="password_invalid")
    check_password(new_password, account)
    account.set_password(new_password)
    account.save(update_fields=["password"])
    audit.record(account, "password", note=_("本人修改了密码"))
    return account


@transaction.atomic
def unlock_account(actor_user: User | None, account: User) -> User:
    """Lift the lock that repeated failed logins put on an account."""
    _check_manager(actor_user, account)
    User.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=None)
    account.failed_logins, account.locked_until = 0, None
    audit.record(account, "unlock", note=_("解除登录锁定"))
    security.record("unlock", user=actor_user, account=account.get_username())
    return account


# -- login lockout ------------------------------------------------------------------------------
# The bookkeeping of LockoutModelBackend (see accounts/backends.py for why an attempt reserves its
# place before its password is checked). No acting user: the system counts anonymous attempts, so
# there is no scope to check; a lock (of an account, an address or an unknown name) is audited.


def _lock_span() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


@contextmanager
def _login_actor():
    """The request's actor (the middleware's anonymous ``system:web``), or the system outside one."""
    try:
        audit.current_actor()
    except audit.NoActorError:
        with audit.acting_as(None, "login"):
            yield
    else:
        yield


def _throttle_row(key: str) -> LoginThrottle:
    """The throttle row for ``key``, locked for update (created when missing, races tolerated)."""
    if not LoginThrottle.objects.filter(key=key).exists():
        try:
            with transaction.atomic():
                LoginThrottle.objects.create(key=key)
        except IntegrityError:
            pass  # another attempt created it first
    return LoginThrottle.objects.select_for_update().get(key=key)


def _reserve_throttle(key: str, limit: int) -> bool:
    now = timezone.now()
    row = _throttle_row(key)
    if row.locked_until and row.locked_until > now:
        return False
    if row.locked_until or (row.last_failure_at and row.last_failure_at < now - _lock_span()):
        row.failures, row.locked_until = 0, None  # the lock or the counting window has passed
    if row.failures >= limit:
        return False  # the last allowed attempts are still being checked
    row.failures += 1
    row.last_failure_at = now
    row.save(update_fields=["failures", "locked_until", "last_failure_at"])
    return True


def _reserve_user(user_id: int) -> bool:
    now = timezone.now()
    user = User.objects.select_for_update().only("failed_logins", "locked_until").get(pk=user_id)
    if user.locked_until and user.locked_until > now:
        return False
    failures = 0 if user.locked_until else user.failed_logins
    if failures >= settings.LOGIN_MAX_FAILURES:
        return False
    User.objects.filter(pk=user_id).update(failed_logins=failures + 1, locked_until=None)
    return True


def _lock_throttle(key: str, limit: int) -> bool:
    row = LoginThrottle.objects.select_for_update().get(key=key)
    if row.failures >= limit and not row.locked_until:
        row.locked_until = timezone.now() + _lock_span()
        row.save(update_fields=["locked_until"])
        audit.record(
            "accounts.loginthrottle",
            "lock",
            None,
            {"key": key, "failures": row.failures, "locked_until": row.locked_until},
            object_id=row.pk,
            object_repr=key[:200],
            note=_("连续登录失败，锁定"),
            org_path="",
        )
        return True
    return False


def _lock_user(user_id: int) -> bool:
    user = User.objects.select_for_update().only("failed_logins", "locked_until", "org").get(pk=user_id)
    if user.failed_logins >= settings.LOGIN_MAX_FAILURES and not user.locked_until:
        until = timezone.now() + _lock_span()
        User.objects.filter(pk=user_id).update(locked_until=until)
        audit.record(
            user,
            "lock",
            {"locked_until": None},
            {"failed_logins": user.failed_logins, "locked_until": until},
            note=_("连续登录失败，锁定"),
        )
        return True
    return False


def reserve_login_attempt(user_id: int | None, addr_key: str, addr_limit: int, name_key: str) -> bool:
    """Reserve one attempt of the address and of the account (or unknown name) before its password
    is checked; False if either is locked or has its allowed attempts in flight. One transaction."""
    with transaction.atomic():
        if not _reserve_throttle(addr_key, addr_limit):
            return False
        if user_id:
            return _reserve_user(user_id)
        return _reserve_throttle(name_key, settings.LOGIN_MAX_FAILURES)


def record_login_success(user_id: int, addr_key: str) -> None:
    """A right password: the account's count starts again, and the address gets its attempt back
    (its lock, if any, stays). One transaction."""
    with transaction.atomic():
        User.objects.filter(pk=user_id).update(failed_logins=0, locked_until=None)
        LoginThrottle.objects.select_for_update().filter(key=addr_key, failures__gt=0).update(
            failures=F("failures") - 1
        )


def record_login_failure(user_id: int | None, addr_key: str, addr_limit: int, name_key: str) -> str | None:
    """A wrong password: lock the address and the account (or unknown name) that spent their
    attempts, each lock audited, in one transaction. Returns what was locked first ("address",
    "account") or None."""
    with _login_actor(), transaction.atomic():
        locked_addr = _lock_throttle(addr_key, addr_limit)
        locked_name = (
            _lock_user(user_id) if user_id else _lock_throttle(name_key, settings.LOGIN_MAX_FAILURES)
        )
    if locked_addr:
        return "address"
    return "account" if locked_name else None
