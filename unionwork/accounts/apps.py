from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "unionwork.accounts"
    label = "accounts"
    verbose_name = _("账号与角色")

    def ready(self):
        from unionwork.accounts import middleware  # noqa: F401  (the login-time stamp's signal receiver)
        from unionwork.core import audit

        audit.VERB_LABELS.update(
            {
                "2fa_enable": _("启用两步验证"),
                "2fa_disable": _("关闭两步验证"),
                "2fa_reset": _("重置两步验证"),
                "lock": _("登录锁定"),
            }
        )
