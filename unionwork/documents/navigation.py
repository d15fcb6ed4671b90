from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [
    Item(
        "documents:home",
        _("公文督办"),
        order=54,
        description=_("发文、收文签收、转发和督办事项的办理与统计。"),
    )
]
