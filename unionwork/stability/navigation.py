from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [Item("stability:home", _("维稳"), order=50)]
