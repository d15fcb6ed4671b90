from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [
    Item(
        "visits:home",
        _("双走双促"),
        order=48,
        description=_("走访企业、走访职工：联系点、六必清与八必访清单、办实事、调研报告"),
    )
]
