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
        # ... and the search sources of the one picker in its own pickers.py.
        autodiscover_modules("pickers")
