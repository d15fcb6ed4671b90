from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "unionwork.documents"
    label = "documents"
    verbose_name = _("公文与督办")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "add_series": _("设置发文字号"),
        "set_serial_start": _("设置起始序号"),
        "draft_document": _("拟稿"),
        "edit_document": _("修改公文"),
        "submit": _("送审核"),
        "approve": _("审核通过"),
        "return": _("退回修改"),
        "sign": _("签发"),
        "withdraw": _("撤回草稿"),
        "send": _("分发"),
        "revoke": _("撤销公文"),
        "read": _("阅读公文"),
        "acknowledge": _("签收"),
        "remind": _("催办签收"),
        "forward": _("转发"),
        "attach": _("上传附件"),
        "add_item": _("设立督办事项"),
        "report_progress": _("报送进展"),
        "accept_report": _("采纳进展"),
        "return_report": _("退回进展"),
        "close_item": _("关闭督办事项"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
