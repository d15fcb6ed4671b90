from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [Item("founding:home", _("企业与建会"), order=30)]
