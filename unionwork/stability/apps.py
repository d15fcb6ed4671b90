from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StabilityConfig(AppConfig):
    name = "unionwork.stability"
    label = "stability"
    verbose_name = _("维稳工作")
