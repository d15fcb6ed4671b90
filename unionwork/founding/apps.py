from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoundingConfig(AppConfig):
    name = "unionwork.founding"
    label = "founding"
    verbose_name = _("企业与建会")
    # How this module's verbs read in the audit trail (core/audit/labels.py).
    audit_verbs = {
        "found": _("建会"),
        "dissolve": _("撤销"),
        "close": _("关闭"),
        "reopen": _("恢复经营"),
        "set_target": _("下达目标"),
        "letter": _("责任状"),
        "submit": _("登记待确认"),
        "confirm": _("确认"),
        "return": _("退回"),
    }

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
        from unionwork.founding.actions import on_unit_merged
        from unionwork.orgs.signals import unit_merged

        unit_merged.connect(on_unit_merged, dispatch_uid="founding.on_unit_merged")
        from unionwork.founding.indicators import on_unit_status_changed
        from unionwork.orgs.signals import unit_status_changed

        unit_status_changed.connect(on_unit_status_changed, dispatch_uid="founding.on_unit_status_changed")
        from unionwork.founding.indicators import on_ipaths_changed, on_subtree_moved
        from unionwork.orgs.signals import ipaths_changed, subtree_moved

        # An industrial union's parts by district follow its links and the enterprises' places.
        subtree_moved.connect(on_subtree_moved, dispatch_uid="founding.parts.subtree_moved")
        ipaths_changed.connect(on_ipaths_changed, dispatch_uid="founding.parts.ipaths_changed")
