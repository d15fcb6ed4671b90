from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuildingConfig(AppConfig):
    name = "unionwork.building"
    label = "building"
    verbose_name = _("工会建设")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "record_committee": _("登记换届选举"),
        "save_profile": _("保存工会干部与制度"),
        "open_survey": _("发起会员评家"),
        "close_survey": _("结束会员评家"),
        "answer_survey": _("会员评家答卷"),
        "lock_survey": _("会员评家验证锁定"),
        "save_campaign": _("设置创建评级活动"),
        "apply_grade": _("申报创建评级"),
        "award": _("评定等级"),
        "return": _("退回申报"),
        "resubmit": _("重新申报"),
        "withdraw": _("撤回申报"),
        "revoke": _("撤销等级"),
        "expire": _("等级到期"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
