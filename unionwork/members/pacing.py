"""The members' paced target: member service cards by 31 August (core/pacing.py)."""

from django.utils.translation import gettext_lazy as _

from unionwork.core.pacing import LEVEL, PacedTarget, register
from unionwork.members.indicators import COVERAGE_KEY

CARDS_KEY = "members.cards_by_august"
CARD_TARGET = 90.0  # percent of active members holding a card in force (queries.CARD_COVERAGE_TARGET)

CARDS = register(
    PacedTarget(
        key=CARDS_KEY,
        label=_("会员服务卡 8 月 31 日前推行到位"),
        indicator=COVERAGE_KEY,
        measure=LEVEL,
        target=CARD_TARGET,
        start=(1, 1),
        deadline=(8, 31),
        module="members",
        description=_(
            "会员卡覆盖率（持有效会员服务卡的在会会员占比）对照目标 90%，从 1 月 1 日到 8 月 31 日。"
        ),
    )
)
