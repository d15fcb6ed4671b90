"""Cases and their workflow (the one table :data:`WORKFLOW`), with mediation sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.stability.models._permanent import PermanentModel, PermanentQuerySet, _refuse_delete
from unionwork.stability.models.choices import Severity
from unionwork.stability.models.incidents import Incident

# ---------------------------------------------------------------------------------------------
# Cases and their workflow


class CaseKind(models.TextChoices):
    DISPUTE = "dispute", _("矛盾纠纷")
    PETITION = "petition", _("信访")
    GRIEVANCE = "grievance", _("诉求代理")
    RECEPTION = "reception", _("主席接待")


class CaseState(models.TextChoices):
    REPORTED = "reported", _("待研判")
    ASSESSED = "assessed", _("已研判")
    OWNED = "owned", _("已包案")
    MEDIATING = "mediating", _("调处中")
    RESOLVED = "resolved", _("已化解待核实")
    VERIFIED = "verified", _("已核实办结")
    ESCALATED = "escalated", _("已上报上级")


class CaseMove(models.TextChoices):
    ASSESS = "assess", _("研判")
    OWN = "own", _("领导包案")
    MEDIATE = "mediate", _("调处")
    RESOLVE = "resolve", _("化解")
    VERIFY = "verify", _("核实办结")
    REOPEN = "reopen", _("退回重办")
    ESCALATE = "escalate", _("上报上级")


# The workflow, the only place that says which move is allowed from which state and where it
# leads. A case must be owned by a leader before it can be resolved; a resolved case is verified
# (or sent back) by a reviewer; an escalated case waits for the level above to assess it.
WORKFLOW: dict[str, dict[str, str]] = {
    CaseState.REPORTED: {CaseMove.ASSESS: CaseState.ASSESSED, CaseMove.ESCALATE: CaseState.ESCALATED},
    CaseState.ESCALATED: {CaseMove.ASSESS: CaseState.ASSESSED, CaseMove.ESCALATE: CaseState.ESCALATED},
    CaseState.ASSESSED: {CaseMove.OWN: CaseState.OWNED, CaseMove.ESCALATE: CaseState.ESCALATED},
    CaseState.OWNED: {
        CaseMove.OWN: CaseState.OWNED,
        CaseMove.MEDIATE: CaseState.MEDIATING,
        CaseMove.RESOLVE: CaseState.RESOLVED,
        CaseMove.ESCALATE: CaseState.ESCALATED,
    },
    CaseState.MEDIATING: {
        CaseMove.OWN: CaseState.MEDIATING,
        CaseMove.MEDIATE: CaseState.MEDIATING,
        CaseMove.RESOLVE: CaseState.RESOLVED,
        CaseMove.ESCALATE: CaseState.ESCALATED,
    },
    CaseState.RESOLVED: {CaseMove.VERIFY: CaseState.VERIFIED, CaseMove.REOPEN: CaseState.MEDIATING},
    CaseState.VERIFIED: {},
}
# Which role each move needs (see unionwork.core.scope.ACTION_ROLES).
MOVE_ACTION = {m: "change" for m in CaseMove.values} | {CaseMove.VERIFY: "review", CaseMove.REOPEN: "review"}
OPEN_STATES = [s for s in CaseState.values if s != CaseState.VERIFIED]


class CaseQuerySet(PermanentQuerySet):
    def open(self):
        return self.exclude(state=CaseState.VERIFIED)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())


class Case(PermanentModel):
    """A matter followed to the end: assessed, owned by a leader, mediated, resolved, verified."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="stability_cases", verbose_name=_("发生单位")
    )
    handling_org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    kind = models.CharField(_("案件类型"), max_length=20, choices=CaseKind.choices)
    title = models.CharField(_("案件名称"), max_length=200)
    severity = models.CharField(_("等级"), max_length=20, choices=Severity.choices, default=Severity.GENERAL)
    state = models.CharField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.REPORTED)
    incident = models.OneToOneField(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="case", verbose_name=_("事件")
    )
    claimant = models.CharField(_("诉求人"), max_length=100, blank=True)
    description = models.TextField(_("诉求/案情"), blank=True)
    assessment = models.TextField(_("研判意见"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stability_cases",
        verbose_name=_("包案领导"),
    )
    resolution = models.CharField(_("化解方式"), max_length=20, blank=True)
    resolution_note = models.TextField(_("化解情况"), blank=True)
    opened_at = models.DateTimeField(_("立案时间"), editable=False)
    due_at = models.DateTimeField(_("办结时限"))
    resolved_at = models.DateTimeField(_("化解时间"), null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=CaseState.values), name="stab_case_state_valid"),
            # Nothing is resolved or closed without an owning leader.
            models.CheckConstraint(
                condition=Q(owner__isnull=False)
                | Q(state__in=[CaseState.REPORTED, CaseState.ASSESSED, CaseState.ESCALATED]),
                name="stab_case_owned_before_mediation",
            ),
            models.CheckConstraint(
                condition=~Q(kind="dispute") | Q(incident__isnull=False),
                name="stab_case_dispute_has_incident",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"]), models.Index(fields=["kind"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("stability:case-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"AJ{self.pk:06d}" if self.pk else "AJ"

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.VERIFIED

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())

    def overdue_display(self) -> str:
        return str(_("逾期")) if self.is_overdue() else ""

    def allowed_moves(self) -> list[str]:
        return list(WORKFLOW.get(self.state, {}))

    def age_days(self, now=None) -> int:
        return ((now or timezone.now()) - self.opened_at).days


class CaseEvent(models.Model):
    """The domain timeline of a case: reported, assessed, owned, mediated, resolved, verified."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("受理")
        ASSESSED = "assessed", _("研判")
        OWNED = "owned", _("领导包案")
        MEDIATED = "mediated", _("调处")
        RESOLVED = "resolved", _("化解")
        VERIFIED = "verified", _("核实办结")
        REOPENED = "reopened", _("退回重办")
        ESCALATED = "escalated", _("上报上级")
        AMENDED = "amended", _("更正")
        EMERGENCY = "emergency", _("应急处置")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("案件"))
    kind = models.CharField(_("事项"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), editable=False)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    org_label = models.CharField(_("操作单位"), max_length=100, blank=True)
    summary = models.CharField(_("内容"), max_length=1000)

    class Meta:
        verbose_name = _("案件进程")
        verbose_name_plural = _("案件进程")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"

    def delete(self, *args, **kwargs):
        _refuse_delete()


class MediationMethod(models.TextChoices):
    PERSUASION = "persuasion", _("说服教育")
    COUNSELLING = "counselling", _("心理疏导")
    RELIEF = "relief", _("救助帮扶")
    LEGAL_AID = "legal_aid", _("法律援助")
    OTHER = "other", _("其他")


class MediationOutcome(models.TextChoices):
    CONTINUING = "continuing", _("继续调处")
    AGREEMENT = "agreement", _("达成协议")
    ARBITRATION = "arbitration", _("转劳动仲裁")
    COURT = "court", _("转诉讼")
    ESCALATION = "escalation", _("提请上级")


class Resolution(models.TextChoices):
    AGREEMENT = "agreement", _("调解达成协议")
    ARBITRATION = "arbitration", _("经劳动仲裁解决")
    COURT = "court", _("经诉讼解决")
    RELIEF = "relief", _("救助帮扶解决")
    OTHER = "other", _("其他方式化解")


class MediationSession(models.Model):
    """One mediation session of a case: the parties, the methods, the outcome."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("案件"))
    held_on = models.DateField(_("调处日期"))
    parties = models.CharField(_("参加各方"), max_length=500)
    methods = models.JSONField(_("调处方式"), default=list)
    outcome = models.CharField(_("结果"), max_length=20, choices=MediationOutcome.choices)
    note = models.TextField(_("调处情况"), blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("调处记录")
        verbose_name_plural = _("调处记录")
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.case} {self.held_on:%Y-%m-%d}"

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.case.org.path

    def methods_display(self) -> str:
        labels = dict(MediationMethod.choices)
        return "、".join(str(labels.get(m, m)) for m in self.methods)
