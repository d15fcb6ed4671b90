from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StabilityConfig(AppConfig):
    name = "unionwork.stability"
    label = "stability"
    verbose_name = _("维稳工作")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "file_report": _("报送报告"),
        "file_nil_report": _("报送零报告"),
        "amend": _("更正"),
        "report_incident": _("报告事件"),
        "record_concealed": _("登记瞒报事件"),
        "open_case": _("立案"),
        "assess": _("研判"),
        "own": _("领导包案"),
        "mediate": _("调处"),
        "resolve": _("化解"),
        "verify": _("核实办结"),
        "reopen": _("退回重办"),
        "escalate": _("上报上级"),
        "register_petition": _("信访登记"),
        "schedule_reception": _("安排接待日"),
        "record_reception": _("登记接待"),
        "adopt_plan": _("启用应急预案"),
        "start_emergency": _("启动应急处置"),
        "log_emergency": _("应急处置记录"),
        "close_emergency": _("结束应急处置"),
        "record_accountability": _("登记问责"),
        "add_member": _("增加领导小组成员"),
        "end_member": _("成员离任"),
        "update_rules": _("修改维稳规则"),
        "set_heightened": _("设置敏感时期"),
        "cancel_heightened": _("撤销敏感时期"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
