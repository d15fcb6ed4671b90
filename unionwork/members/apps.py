from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "unionwork.members"
    label = "members"
    verbose_name = _("会员")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "transfer": _("转会"),
        "release": _("转出"),
        "accept": _("转入"),
        "offer": _("登记时发现待接收"),
        "float": _("转为流动会员"),
        "leave": _("离会"),
        "rejoin": _("重新入会"),
        "issue_card": _("发卡"),
        "card": _("会员卡变更"),
        "view_pii": _("查看个人信息"),
    }

    def ready(self):
        from unionwork.core.registry import declare
        from unionwork.members import signals

        declare(self)
        signals.connect()
