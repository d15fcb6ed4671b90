import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "unionwork.core"
    label = "core"
    verbose_name = _("公共机制")
    # Verbs every module may use; a module's own verbs are declared on its AppConfig.
    audit_verbs = {
        "create": _("新建"),
        "update": _("修改"),
        "delete": _("删除"),
        "import": _("导入"),
        "audit_keyed": _("审计链启用密钥"),
        "correct": _("更正已结账月份"),
    }

    def ready(self):
        # What each module declares (indicators, importers, pickers, notifications, audit verbs)
        # is collected by every app's ready() through this one function (core/registry.py).
        from unionwork.core.registry import declare

        declare(self)
        # ``field__in`` of a long list as one array parameter on PostgreSQL (core/lookups.py).
        from unionwork.core import lookups

        lookups.install()
        from unionwork.core import schedule, tasks

        schedule.register_daily("core.deadline_reminders", tasks.send_deadline_reminders)
        # Uploaded and error files of imports hold personal data: gone after UNIONWORK_IMPORT_FILE_DAYS.
        schedule.register_daily("core.purge_import_files", tasks.purge_import_files, at=datetime.time(3, 0))
        # Exports written by the worker hold what their user sees: gone after UNIONWORK_EXPORT_FILE_DAYS.
        schedule.register_daily("core.purge_export_files", tasks.purge_export_files, at=datetime.time(3, 10))
        # The audit chain's head, anchored outside the database (docs/keys.md).
        from unionwork.core.audit import tasks as audit_tasks

        schedule.register_hourly("core.audit_anchor", audit_tasks.anchor_audit_chain)
        # Security events: recorded on Django's login signals; kept UNIONWORK_SECURITY_EVENT_DAYS (>= 180).
        from unionwork.core import security

        security.connect_signals()
        schedule.register_daily(
            "core.purge_security_events", tasks.purge_security_events, at=datetime.time(3, 30)
        )
        # Import jobs a dead worker left running are marked failed (each new import checks too).
        schedule.register_hourly("core.recover_imports", tasks.recover_imports)
        # Exports a stopped worker left running likewise (each new export checks too).
        schedule.register_hourly("core.recover_exports", tasks.recover_exports)
