"""The default wording of the checklists, published as version 1 on a new database (an
administrator of the city words later versions; the wording is theirs)."""

from django.utils.translation import gettext_lazy as _

from unionwork.visits.models import ChecklistKind, ItemKind

YES_NO = ItemKind.YES_NO
TEXT = ItemKind.TEXT
NUMBER = ItemKind.NUMBER
CHOICE = ItemKind.CHOICE

DEFAULTS = {
    # 六必清: six things a cadre must know clearly about an enterprise.
    ChecklistKind.SIX: [
        {
            "text": str(_("企业生产经营情况")),
            "kind": CHOICE,
            "choices": ["良好", "一般", "困难"],
            "required": True,
        },
        {"text": str(_("职工人数")), "kind": NUMBER, "required": True},
        {"text": str(_("职工队伍结构（农民工、劳务派遣等）")), "kind": TEXT},
        {"text": str(_("工资按时足额发放、社会保险足额缴纳")), "kind": YES_NO, "required": True},
        {
            "text": str(_("企业工会组织状况")),
            "kind": CHOICE,
            "choices": ["已建会且运转正常", "已建会但作用发挥不够", "未建会"],
            "required": True,
        },
        {"text": str(_("劳动关系风险隐患")), "kind": TEXT},
        {"text": str(_("职工主要诉求")), "kind": TEXT},
    ],
    # 八必访: eight kinds of household that must be visited.
    ChecklistKind.EIGHT: [
        {
            "text": str(_("走访对象类别")),
            "kind": CHOICE,
            "choices": [
                "困难职工家庭",
                "患病或工伤职工家庭",
                "下岗失业职工家庭",
                "劳动模范家庭",
                "农民工家庭",
                "因工死亡职工家属",
                "有劳动争议的职工家庭",
                "困难退休职工家庭",
            ],
            "required": True,
        },
        {"text": str(_("家庭人口")), "kind": NUMBER},
        {"text": str(_("家庭主要困难")), "kind": TEXT},
        {"text": str(_("是否需要帮扶救助")), "kind": YES_NO, "required": True},
        {"text": str(_("职工诉求与意见")), "kind": TEXT},
    ],
}
