"""Search source of the picker for members (see core/pickers.py)."""

from django.utils.translation import gettext_lazy

from unionwork.core import pickers
from unionwork.members import queries
from unionwork.members.models import Member, MemberStatus


def member_label(member: Member) -> str:
    # The masked number through the one rule (core.masking), derived from the encrypted one.
    return f"{member.name}（{member.id_masked}，{member.union.name}）"


def members_base(user, params):
    action = "change" if params.get("action") == "change" else "view"
    qs = queries.members(user, action).select_related("union")
    if params.get("active") == "1":
        qs = qs.filter(status=MemberStatus.ACTIVE)
    return qs


pickers.register(
    pickers.Source(
        "members",
        Member,
        base=members_base,
        search=queries.search_members,
        label=member_label,
        order=("pinyin", "pk"),
        placeholder=gettext_lazy("输入姓名、拼音、首字母或完整身份证号搜索"),
    )
)
