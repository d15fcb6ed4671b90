from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [Item("orgs:browser", _("组织"), order=20, description=_("四级组织树、动态管理"))]
