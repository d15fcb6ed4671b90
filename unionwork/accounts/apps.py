from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "unionwork.accounts"
    label = "accounts"
    verbose_name = _("账号与角色")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "password": _("修改密码"),
        "unlock": _("解锁"),
        "2fa_enable": _("启用两步验证"),
        "2fa_disable": _("关闭两步验证"),
        "2fa_reset": _("重置两步验证"),
        "lock": _("登录锁定"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
        from unionwork.accounts import middleware  # noqa: F401  (the login-time stamp's signal receiver)
