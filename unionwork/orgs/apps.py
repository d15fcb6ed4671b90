from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "unionwork.orgs"
    label = "orgs"
    verbose_name = _("工会组织")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "move": _("调整隶属"),
        "merge": _("合并"),
        "deregister": _("注销"),
        "reactivate": _("恢复"),
        "rezone": _("区划调整"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
