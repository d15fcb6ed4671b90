from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "unionwork.visits"
    label = "visits"
    verbose_name = _("双走双促")
    audit_verbs = {
        "set_campaign": _("设定走访活动"),
        "close_campaign": _("结束走访活动"),
        "pair": _("确定联系点"),
        "unpair": _("解除联系点"),
        "new_checklist_version": _("发布清单新版本"),
        "record_visit": _("登记走访"),
        "withdraw_visit": _("撤回走访记录"),
        "add_photo": _("上传走访照片"),
        "record_finding": _("登记走访发现"),
        "open_case_from_finding": _("转维稳案件"),
        "open_hardship_from_finding": _("建立困难职工档案"),
        "link_hardship_file": _("关联困难职工档案"),
        "linked_from_visit": _("关联走访记录"),
        "promise_deed": _("承诺办实事"),
        "deed_progress": _("办实事进展"),
        "deed_done": _("办实事办结"),
        "deed_verify": _("核实办实事"),
        "deed_reopen": _("退回办实事"),
        "deed_overdue": _("办实事逾期"),
        "draft_report": _("生成调研报告"),
        "edit_report": _("修改调研报告"),
        "add_recommendation": _("增加建议"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
