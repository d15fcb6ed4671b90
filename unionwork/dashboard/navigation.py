from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [Item("dashboard:home", _("工作台"), order=10)]
