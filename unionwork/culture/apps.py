from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultureConfig(AppConfig):
    name = "unionwork.culture"
    label = "culture"
    verbose_name = _("职工文化")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "add_position": _("登记文化阵地"),
        "add_team": _("登记文化团队"),
        "record_performance": _("登记演出活动"),
        "name_base": _("命名品牌/示范基地"),
        "close": _("停用"),
        "open_round": _("发起金纽带评选"),
        "nominate": _("推荐"),
        "forward": _("上报上级"),
        "award_winner": _("评为获奖"),
        "not_selected": _("未获奖"),
        "add_talent": _("登记文化人才"),
        "add_experience": _("登记典型经验"),
        "adopt_experience": _("推广典型经验"),
        "record_meeting": _("登记现场会"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
