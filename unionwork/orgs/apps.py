from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "unionwork.orgs"
    label = "orgs"
    verbose_name = _("工会组织")
