"""Import of the contact-point roster (联系点名单): one row a cadre and an enterprise of a campaign.

Every write goes through :func:`unionwork.visits.actions.pair`, so the checks (the cadre is an
account of the campaign's level, the enterprise in the user's scope), the indicators and the audit
are those of the page. A pair already made is left as it is; nothing is ended by an import.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from unionwork.core import imports
from unionwork.founding.models import Enterprise
from unionwork.visits import actions
from unionwork.visits.models import Campaign, Pairing


def _campaigns(user: Any):
    return Campaign.objects.restrict(user, "change").filter(closed_on=None)


def _cadres(user: Any):
    return get_user_model().objects.restrict(user, "view").filter(is_active=True)


def _enterprises(user: Any):
    return Enterprise.objects.restrict(user, "view")


@imports.register
class PairingImporter(imports.RowwiseImporter):
    name = "visits.pairings"
    label = gettext_lazy("双走双促联系点")
    model = Pairing
    key = ("campaign", "cadre", "enterprise")
    description = gettext_lazy(
        "每行一个联系点：走访活动名称、联系干部的用户名、企业的统一社会信用代码或名称。已有的联系点保持不变。"
    )
    columns = [
        imports.ReferenceColumn(
            gettext_lazy("走访活动"),
            "campaign",
            queryset=_campaigns,
            noun=gettext_lazy("走访活动"),
            code_field=None,
            name_field="name",
            required=True,
            aliases=["活动名称", "活动"],
        ),
        imports.ReferenceColumn(
            gettext_lazy("联系干部用户名"),
            "cadre",
            queryset=_cadres,
            noun=gettext_lazy("账号"),
            code_field="username",
            name_field=None,
            required=True,
            aliases=["用户名", "干部", "联系干部"],
        ),
        imports.ReferenceColumn(
            gettext_lazy("企业"),
            "enterprise",
            queryset=_enterprises,
            noun=gettext_lazy("企业"),
            code_field="uscc",
            name_field="name",
            required=True,
            aliases=["企业名称", "统一社会信用代码", "联系企业"],
        ),
    ]
    error_fields = {"cadre": "cadre", "scope": "enterprise"}

    def queryset(self, user: Any):
        return Pairing.objects.restrict(user, "change").filter(ended_on=None)

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        if row.existing is not None:
            return "unchanged"
        v = row.values
        made = actions.pair(ctx.user, v["campaign"], cadre=v["cadre"], enterprises=[v["enterprise"]])
        return "created" if made else "unchanged"
