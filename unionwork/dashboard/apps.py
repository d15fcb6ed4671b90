from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "unionwork.dashboard"
    label = "dashboard"
    verbose_name = _("工作台")

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
