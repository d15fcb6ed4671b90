from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "unionwork.assessment"
    label = "assessment"
    verbose_name = _("百分考核")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "create_scheme": _("起草考核方案"),
        "update_scheme": _("修改考核方案"),
        "add_section": _("添加考核部分"),
        "save_item": _("保存考核项目"),
        "publish_scheme": _("发布考核方案"),
        "supersede_scheme": _("方案被新版本替代"),
        "revise_scheme": _("修订考核方案"),
        "copy_scheme": _("沿用为新年度方案"),
        "close_scheme": _("结束考核方案"),
        "claim": _("自评申报"),
        "review": _("评审打分"),
        "compute_working": _("试算得分"),
        "compute_provisional": _("公布初步排名"),
        "compute_final": _("公布最终排名"),
        "file_appeal": _("提出申诉"),
        "decide_appeal": _("裁定申诉"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
