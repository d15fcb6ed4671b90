"""The founding targets paced against their deadlines (core/pacing.py): each node's target for
the year (``FoundingTarget``, the responsibility letter; by 30 September by default) against the
growth of its grassroots unions since the start of the year (the kept ``orgs.grassroots_units``)."""

import datetime

from django.utils.translation import gettext_lazy as _

from unionwork.core.pacing import INCREASE, PacedTarget, Window, register
from unionwork.founding.models import FoundingTarget

FOUNDING_KEY = "founding.targets"
UNITS_KEY = "orgs.grassroots_units"


def _windows(unit_ids: list[int], year: int) -> dict[int, Window]:
    rows = FoundingTarget.objects.filter(year=year, unit_id__in=unit_ids, target__gt=0).values_list(
        "unit_id", "target", "deadline"
    )
    return {uid: Window(float(t), datetime.date(year, 1, 1), d) for uid, t, d in rows}


FOUNDING = register(
    PacedTarget(
        key=FOUNDING_KEY,
        label=_("建会目标任务（9 月 30 日前完成）"),
        indicator=UNITS_KEY,
        measure=INCREASE,
        windows=_windows,
        module="founding",
        description=_("本年度新建基层工会数（基层工会数较上年末的增加）对照建会目标责任状的目标数。"),
    )
)
