import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "unionwork.core"
    label = "core"
    verbose_name = _("公共机制")

    def ready(self):
        # Each module declares its indicators in its own indicators.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("indicators")
        # What awaits a user and the deadline reminders: each module's notifications.py.
        from unionwork.core import notifications, schedule, tasks  # noqa: F401 - core's own source

        schedule.register_daily("core.deadline_reminders", tasks.send_deadline_reminders)
        # Uploaded and error files of imports hold personal data: gone after UNIONWORK_IMPORT_FILE_DAYS.
        schedule.register_daily("core.purge_import_files", tasks.purge_import_files, at=datetime.time(3, 0))
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
        autodiscover_modules("notifications")
        # ... and the search sources of the one picker in its own pickers.py.
        autodiscover_modules("pickers")
