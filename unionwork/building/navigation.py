from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [
    Item(
        "building:home",
        _("工会建设"),
        order=44,
        description=_("换届选举与主席直选、工会干部与制度、会员评家、创建评级。"),
    )
]
