from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "unionwork.stations"
    label = "stations"
    verbose_name = _("职工服务站")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "set_eligibility_rule": _("修改建站条件"),
        "open_station": _("建立服务站"),
        "update_station": _("修改服务站"),
        "station_status": _("服务站状态变更"),
        "add_photo": _("上传服务站照片"),
        "log_service": _("登记服务"),
        "add_service_kind": _("增加服务项目"),
        "save_relief_policy": _("修改帮扶规则"),
        "record_consultation": _("登记法律咨询"),
        "consultation_to_case": _("转为维稳案件"),
        "close_consultation": _("办结法律咨询"),
        "open_hardship": _("建立困难职工档案"),
        "review_hardship": _("困难职工档案年审"),
        "give_relief": _("登记救助"),
        "approve_relief": _("审批救助"),
        "refuse_relief": _("退回救助"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
