from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [
    Item(
        "culture:home",
        _("职工文化"),
        order=45,
        description=_("文化阵地、团队、品牌与示范基地、金纽带评选、人才库、典型经验与现场会。"),
    )
]
