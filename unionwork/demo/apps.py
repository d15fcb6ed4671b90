from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "unionwork.demo"
    label = "demo"
    verbose_name = _("演示数据")

    def ready(self):
        from unionwork.core.registry import declare

        declare(self)
