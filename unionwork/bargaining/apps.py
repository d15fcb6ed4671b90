from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BargainingConfig(AppConfig):
    name = "unionwork.bargaining"
    label = "bargaining"
    verbose_name = _("集体协商与职代会")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "record_contract": _("登记集体合同"),
        "update_contract": _("修改集体合同"),
        "file_contract": _("报送备案"),
        "withdraw_contract": _("撤回集体合同"),
        "cover": _("增加覆盖企业"),
        "record_congress": _("登记职代会"),
        "record_session": _("登记职代会会议"),
        "add_instructor": _("登记协商指导员"),
        "end_instructor": _("指导员离任"),
        "open_round": _("发出协商要约"),
        "round_session": _("登记协商会议"),
        "conclude_round": _("协商结束"),
        "record_tripartite": _("登记三方协商会议"),
        "add_standard_item": _("增加规范化检查项目"),
        "retire_standard_item": _("停用规范化检查项目"),
        "standard_check": _("规范化检查"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
