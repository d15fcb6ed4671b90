from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [
    Item(
        "bargaining:home",
        _("集体协商"),
        order=42,
        description=_("集体合同、职代会、三同时和工资协商指导员，逐级查看覆盖率。"),
    )
]
