from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import Item

ITEMS = [
    Item(
        "assessment:home",
        _("百分考核"),
        order=56,
        description=_("考核方案与版本、指标自动计分、佐证评审、硬性指标倒计时、排名与申诉。"),
    )
]
