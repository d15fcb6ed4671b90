from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [Item("members:home", _("会员"), order=40)]
