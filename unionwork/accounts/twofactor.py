"""Second factor (TOTP through django-otp): enrol, confirm, verify at login, switch off. Audited.

Administrators must use it when UNIONWORK_REQUIRE_ADMIN_2FA is on (production); any account may
enable it from 我的账号. Once an account has a confirmed device, every login asks for a code.
"""

from __future__ import annotations

import base64
import logging

import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.scope import ADMINISTRATOR
from unionwork.core.text import is_digits

from .models import User

log = logging.getLogger("unionwork.security")
DEVICE_NAME = "TOTP"


def is_administrator(user: User) -> bool:
    return user.is_superuser or user.has_role(ADMINISTRATOR)


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user: User) -> bool:
    """Whether this account must present a code before any page (enrolled, or an administrator)."""
    return has_second_factor(user) or (settings.UNIONWORK_REQUIRE_ADMIN_2FA and is_administrator(user))


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (a new secret each time setup starts afresh)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code, made here (nothing from a CDN)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("两步验证二维码"))


def _check_code(device: TOTPDevice, code: str) -> bool:
    code = "".join((code or "").split())
    if not is_digits(code) or len(code) != device.digits:
        device.throttle_increment(commit=True)
        return False
    return device.verify_token(code)


@transaction.atomic
def confirm_totp(request, code: str) -> TOTPDevice:
    """Confirm the pending device with a code from the app; the session counts as verified."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise ActionError(_("请先打开两步验证设置页面扫描二维码。"), code="no_device")
    if not _check_code(device, code):
        raise ActionError(_("验证码不正确或已过期，请输入验证器应用中当前显示的 6 位数字。"), code="bad_code")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(user, "2fa_enable", note=_("启用两步验证"), org_path=user.audit_org_path())
    log.warning("2fa enabled username=%r", user.username)
    otp_login(request, device)
    return device


@transaction.atomic
def verify_login(request, code: str) -> bool:
    """Check a code at login; on success the session is verified. Failures are throttled."""
    user = request.user
    for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
        if _check_code(device, code):
            otp_login(request, device)
            log.info("2fa verified username=%r", user.username)
            return True
    log.warning("2fa failed username=%r address=%s", user.username, request.META.get("REMOTE_ADDR"))
    return False


@transaction.atomic
def disable_totp(request, code: str) -> None:
    """Switch the second factor off (a current code asked first); not for administrators who must use it."""
    user = request.user
    if settings.UNIONWORK_REQUIRE_ADMIN_2FA and is_administrator(user):
        raise ActionError(_("管理员必须使用两步验证，不能关闭。"), code="required")
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return
    if not _check_code(device, code):
        raise ActionError(_("验证码不正确或已过期，请输入验证器应用中当前显示的 6 位数字。"), code="bad_code")
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(user, "2fa_disable", note=_("关闭两步验证"), org_path=user.audit_org_path())
    log.warning("2fa disabled username=%r", user.username)


@transaction.atomic
def reset_totp(actor_user: User | None, account: User) -> None:
    """An administrator removes an account's second factor (a lost phone); it enrols again at login."""
    from .actions import _check_manager

    _check_manager(actor_user, account)
    TOTPDevice.objects.filter(user=account).delete()
    audit.record(account, "2fa_reset", note=_("重置两步验证"), org_path=account.audit_org_path())
    log.warning("2fa reset username=%r by=%r", account.username, getattr(actor_user, "username", None))
