"""Every change of the visits campaign: one function per thing a user does, acting user first,
role- and scope-checked, in one transaction, audited; the indicators kept in step."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit, crypto, identifiers, scope
from unionwork.core.errors import ActionError
from unionwork.core.scope import user_may
from unionwork.founding.models import Enterprise
from unionwork.members import actions as members_actions
from unionwork.members import queries as member_queries
from unionwork.members.actions import may_see_pii  # noqa: F401 - the register's rule, for the pages
from unionwork.orgs.models import OrgUnit
from unionwork.stability import actions as stability_actions
from unionwork.stations import actions as stations_actions
from unionwork.stations.models import FileStatus, HardshipFile
from unionwork.visits import indicators
from unionwork.visits.checklists import DEFAULTS
from unionwork.visits.models import (
    CHECKLIST_OF_KIND,
    Answer,
    Campaign,
    ChecklistItem,
    ChecklistKind,
    ChecklistTemplate,
    Deed,
    DeedProgress,
    DeedState,
    Finding,
    FindingCategory,
    FindingSeverity,
    ItemKind,
    Pairing,
    Photo,
    Recommendation,
    ResearchReport,
    Visit,
    VisitKind,
)

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
PHOTOS_PER_VISIT = 6


def _text(value, label, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("%(f)s不能为空。") % {"f": label})
    if max_length and len(value) > max_length:
        raise ActionError(_("%(f)s过长，最多 %(n)d 个字。") % {"f": label, "n": max_length})
    return value


def _check_unit(user, org: OrgUnit, action: str = "change") -> None:
    scope.check(user, org.path, org.ipath, action, what=f"“{org.name}”")


def _actor() -> str:
    return audit.current_actor().label


def is_checklist_admin(user) -> bool:
    """An administrator of the root of the tree: words the checklists."""
    if user is None:
        return True
    return user_may(user, "manage") and getattr(user, "org", None) is not None and user.org.parent_id is None


# ---------------------------------------------------------------------------------------------
# Campaigns and pairings


@transaction.atomic
def set_campaign(
    user,
    org: OrgUnit,
    *,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    enterprises_per_month: int,
    households_per_month: int,
    note: str = "",
    is_demo: bool = False,
) -> Campaign:
    """A level sets a campaign: its period and the monthly rule for each paired cadre."""
    _check_unit(user, org, "manage")
    if ends_on < starts_on:
        raise ActionError(_("结束日期不能早于开始日期。"))
    if (
        enterprises_per_month < 0
        or households_per_month < 0
        or enterprises_per_month + households_per_month == 0
    ):
        raise ActionError(_("每月至少走访一家企业或一户职工家庭。"))
    campaign = Campaign.objects.create(
        org=org,
        name=_text(name, _("活动名称"), max_length=200),
        starts_on=starts_on,
        ends_on=ends_on,
        enterprises_per_month=enterprises_per_month,
        households_per_month=households_per_month,
        note=(note or "").strip(),
        is_demo=is_demo,
    )
    audit.record(campaign, "set_campaign", None, audit.snapshot(campaign))
    return campaign


@transaction.atomic
def close_campaign(user, campaign: Campaign, *, reason: str, on: datetime.date | None = None) -> Campaign:
    scope.check_record(user, campaign, "manage")
    if campaign.closed_on is not None:
        raise ActionError(_("该活动已结束。"))
    before = audit.snapshot(campaign)
    campaign.closed_on = on or timezone.localdate()
    campaign.close_reason = _text(reason, _("结束原因"), max_length=500)
    campaign.save(update_fields=["closed_on", "close_reason"])
    audit.record(campaign, "close_campaign", before, audit.snapshot(campaign))
    return campaign


def cadre_candidates(campaign: Campaign):
    """The accounts of the campaign's level that may be paired (active)."""
    return get_user_model().objects.filter(org=campaign.org, is_active=True).order_by("username")


@transaction.atomic
def pair(
    user,
    campaign: Campaign,
    *,
    cadre,
    enterprises: Iterable[Enterprise],
    on: datetime.date | None = None,
    is_demo: bool = False,
) -> list[Pairing]:
    """Pair a cadre of the campaign's level with enterprises (联系点); pairs already made are kept."""
    scope.check_record(user, campaign, "change")
    if not campaign.is_open:
        raise ActionError(_("该活动已结束，不能再确定联系点。"))
    if cadre is None or cadre.org_id != campaign.org_id or not cadre.is_active:
        raise ActionError(_("联系干部须是“%(o)s”的在用账号。") % {"o": campaign.org.name}, code="cadre")
    enterprises = list(enterprises)
    if not enterprises:
        raise ActionError(_("请至少选择一家企业。"))
    visible = set(
        Enterprise.objects.restrict(user, "view")
        .filter(pk__in=[e.pk for e in enterprises])
        .values_list("pk", flat=True)
    )
    if len(visible) != len({e.pk for e in enterprises}):
        raise ActionError(_("所选企业不在您的管辖范围内。"), code="scope")
    on = on or timezone.localdate()
    made = []
    with indicators.tracking(indicators.DONE_VS_PLANNED, indicators.campaign_contributions, [campaign.pk]):
        for e in enterprises:
            if Pairing.objects.filter(campaign=campaign, cadre=cadre, enterprise=e, ended_on=None).exists():
                continue
            p = Pairing.objects.create(
                campaign=campaign, cadre=cadre, enterprise=e, paired_on=on, is_demo=is_demo
            )
            audit.record(p, "pair", None, audit.snapshot(p))
            made.append(p)
    return made


@transaction.atomic
def unpair(user, pairing: Pairing, *, reason: str, on: datetime.date | None = None) -> Pairing:
    scope.check_record(user, pairing, "change")
    if pairing.ended_on is not None:
        raise ActionError(_("该联系点已解除。"))
    before = audit.snapshot(pairing)
    with indicators.tracking(
        indicators.DONE_VS_PLANNED, indicators.campaign_contributions, [pairing.campaign_id]
    ):
        pairing.ended_on = on or timezone.localdate()
        pairing.end_reason = _text(reason, _("解除原因"), max_length=500)
        pairing.save(update_fields=["ended_on", "end_reason"])
    audit.record(pairing, "unpair", before, audit.snapshot(pairing))
    return pairing


# ---------------------------------------------------------------------------------------------
# Checklists


def _clean_items(items: list[dict]) -> list[dict]:
    out = []
    for i, item in enumerate(items, start=1):
        text = (item.get("text") or "").strip()
        if not text:
            continue
        kind = item.get("kind") or ItemKind.TEXT
        if kind not in ItemKind.values:
            raise ActionError(_("第 %(n)d 项的回答方式无效。") % {"n": i})
        choices = [str(c).strip() for c in (item.get("choices") or []) if str(c).strip()]
        if kind == ItemKind.CHOICE and len(choices) < 2:
            raise ActionError(_("第 %(n)d 项为选项题，至少需要两个选项。") % {"n": i})
        out.append(
            {
                "text": text[:300],
                "kind": kind,
                "choices": choices if kind == ItemKind.CHOICE else [],
                "required": bool(item.get("required")),
            }
        )
    if not out:
        raise ActionError(_("清单至少要有一项。"))
    return out


def _publish(kind: str, items: list[dict], note: str) -> ChecklistTemplate:
    last = ChecklistTemplate.objects.select_for_update().filter(kind=kind).order_by("-version").first()
    if last is not None:
        ChecklistTemplate.objects.filter(kind=kind, is_current=True).update(is_current=False)
    template = ChecklistTemplate.objects.create(
        kind=kind, version=(last.version + 1) if last else 1, is_current=True, note=note[:500]
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(template=template, position=i, **item) for i, item in enumerate(items, start=1)
    )
    return template


@transaction.atomic
def new_checklist_version(user, kind: str, *, items: list[dict], note: str) -> ChecklistTemplate:
    """An administrator of the city words a new version; visits made on older ones keep theirs."""
    if not is_checklist_admin(user):
        raise ActionError(_("只有市总工会管理员可以修订走访清单。"), code="forbidden")
    if kind not in ChecklistKind.values:
        raise ActionError(_("清单无效。"))
    template = _publish(kind, _clean_items(items), _text(note, _("修订说明"), max_length=500))
    audit.record(template, "new_checklist_version", None, audit.snapshot(template))
    return template


@transaction.atomic
def current_checklist(kind: str) -> ChecklistTemplate:
    """The current version of a checklist; the default wording is published as version 1 when none
    exists yet (a new database)."""
    template = ChecklistTemplate.objects.filter(kind=kind, is_current=True).first()
    if template is None:
        with audit.acting_as(None, "system"):
            template = _publish(kind, _clean_items(DEFAULTS[kind]), _("默认清单"))
            audit.record(template, "new_checklist_version", None, audit.snapshot(template))
    return template


# ---------------------------------------------------------------------------------------------
# Visits


def _clean_answers(template: ChecklistTemplate, answers: dict) -> list[tuple[ChecklistItem, str]]:
    out = []
    for item in template.items.all():
        raw = answers.get(item.pk, answers.get(str(item.pk), ""))
        value = str(raw if raw is not None else "").strip()
        if not value:
            if item.required:
                raise ActionError(
                    _("清单第 %(n)d 项“%(t)s”必须回答。") % {"n": item.position, "t": item.text}
                )
            continue
        if item.kind == ItemKind.YES_NO and value not in ("yes", "no"):
            raise ActionError(_("清单第 %(n)d 项请回答是或否。") % {"n": item.position})
        if item.kind == ItemKind.NUMBER:
            try:
                Decimal(value)
            except InvalidOperation:
                raise ActionError(_("清单第 %(n)d 项请填写数字。") % {"n": item.position}) from None
        if item.kind == ItemKind.CHOICE and value not in item.choices:
            raise ActionError(_("清单第 %(n)d 项请从选项中选择。") % {"n": item.position})
        out.append((item, value[:2000]))
    return out


def _coordinate(value, low, high, label):
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ActionError(_("%(f)s无效。") % {"f": label}) from None
    if not low <= d <= high:
        raise ActionError(_("%(f)s无效。") % {"f": label})
    return d


def campaign_for(org: OrgUnit, on: datetime.date) -> Campaign | None:
    """The open campaign of ``org`` whose period holds ``on``."""
    return (
        Campaign.objects.filter(org=org, closed_on=None, starts_on__lte=on, ends_on__gte=on)
        .order_by("-starts_on", "pk")
        .first()
    )


def _member_of(user, id_number: str):
    """The register's member of an ID number in the user's scope (the register's own look-up)."""
    if not (id_number or "").strip():
        return None
    try:
        number = identifiers.parse_id(id_number).number
    except identifiers.IdentifierError as exc:
        raise ActionError(exc.message, code="id_number") from None
    return member_queries.with_id_number(member_queries.members(user), number).first()


@transaction.atomic
def record_visit(
    user,
    *,
    kind: str,
    visited_on: datetime.date,
    cadres: Iterable,
    people_met: str,
    answers: dict | None = None,
    enterprise: Enterprise | None = None,
    household_name: str = "",
    household_address: str = "",
    household_phone: str = "",
    id_number: str = "",
    notes: str = "",
    latitude=None,
    longitude=None,
    findings: Iterable[dict] = (),
    photos: Iterable = (),
    client_key: str = "",
    org: OrgUnit | None = None,
    is_demo: bool = False,
    now: datetime.datetime | None = None,
) -> Visit:
    """A visit by cadres of the user's level, with its checklist answers (on the current version)
    and the findings noted on the spot. ``client_key`` is the phone's draft number: a draft sent
    twice (the network came back during the first sending) is recorded once."""
    org = org or (user.org if user is not None else None)
    if org is None:
        raise ActionError(_("您的账号没有所属单位。"))
    _check_unit(user, org, "change")
    client_key = (client_key or "").strip()[:64] or None
    if client_key:
        existing = Visit.objects.filter(client_key=client_key).first()
        if existing is not None:
            if existing.org_id != org.pk:
                raise ActionError(_("草稿编号重复。"), code="client_key")
            return existing
    now = now or timezone.now()
    if kind not in VisitKind.values:
        raise ActionError(_("请选择走访类型。"))
    if visited_on is None or visited_on > timezone.localdate(now):
        raise ActionError(_("走访日期不能晚于今天。"), code="future")
    cadres = list(cadres)
    if not cadres:
        raise ActionError(_("请选择走访干部。"))
    allowed = (
        set(
            get_user_model()
            .objects.restrict(user, "view")
            .filter(pk__in=[c.pk for c in cadres])
            .values_list("pk", flat=True)
        )
        if user is not None
        else {c.pk for c in cadres}
    )
    if len(allowed) != len({c.pk for c in cadres}):
        raise ActionError(_("走访干部须是您管辖范围内的账号。"), code="cadres")
    fields = {}
    member = None
    if kind == VisitKind.ENTERPRISE:
        if enterprise is None:
            raise ActionError(_("请选择走访的企业。"))
        if (
            user is not None
            and not Enterprise.objects.restrict(user, "view").filter(pk=enterprise.pk).exists()
        ):
            raise ActionError(_("所选企业不在您的管辖范围内。"), code="scope")
    else:
        enterprise = None
        fields = dict(
            household_name=_text(household_name, _("户主（职工）姓名"), max_length=50),
            household_address=_text(household_address, _("家庭住址"), required=False, max_length=200),
            household_phone=_text(household_phone, _("联系电话"), required=False, max_length=20),
        )
        member = _member_of(user, id_number)
    template = current_checklist(CHECKLIST_OF_KIND[kind])
    cleaned = _clean_answers(template, answers or {})
    campaign = campaign_for(org, visited_on)
    ids = [campaign.pk] if campaign else []
    with (
        indicators.tracking(indicators.DONE_VS_PLANNED, indicators.campaign_contributions, ids),
        indicators.tracking(
            indicators.ENTERPRISES_REACHED,
            indicators.enterprise_contributions,
            [enterprise.pk] if enterprise else [],
        ),
        indicators.tracking(indicators.HOUSEHOLDS_REACHED, indicators.household_contributions) as households,
    ):
        visit = Visit.objects.create(
            org=org,
            campaign=campaign,
            kind=kind,
            visited_on=visited_on,
            enterprise=enterprise,
            member=member,
            people_met=_text(people_met, _("见到的人"), max_length=300),
            notes=(notes or "").strip(),
            latitude=_coordinate(latitude, -90, 90, _("纬度")),
            longitude=_coordinate(longitude, -180, 180, _("经度")),
            template=template,
            client_key=client_key,
            recorded_by=user,
            recorded_at=now,
            is_demo=is_demo,
            **fields,
        )
        visit.cadres.set(cadres)
        Answer.objects.bulk_create(Answer(visit=visit, item=item, value=value) for item, value in cleaned)
        households.add(visit.pk)
    audit.record(visit, "record_visit", None, audit.snapshot(visit))
    for f in findings:
        if (f.get("text") or "").strip():
            _finding(
                user,
                visit,
                category=f.get("category"),
                severity=f.get("severity"),
                text=f["text"],
                is_demo=is_demo,
            )
    for upload in photos:
        add_photo(user, visit, upload)
    return visit


@transaction.atomic
def withdraw_visit(user, visit: Visit, *, reason: str) -> Visit:
    """A visit recorded by mistake is withdrawn with its reason (never deleted); it counts no more."""
    scope.check_record(user, visit, "change")
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.withdrawn_at is not None:
        raise ActionError(_("该走访记录已撤回。"))
    before = audit.snapshot(visit)
    with (
        indicators.tracking(
            indicators.DONE_VS_PLANNED,
            indicators.campaign_contributions,
            [visit.campaign_id] if visit.campaign_id else [],
        ),
        indicators.tracking(
            indicators.ENTERPRISES_REACHED,
            indicators.enterprise_contributions,
            [visit.enterprise_id] if visit.enterprise_id else [],
        ),
        indicators.tracking(indicators.HOUSEHOLDS_REACHED, indicators.household_contributions, [visit.pk]),
    ):
        visit.withdrawn_at = timezone.now()
        visit.withdraw_reason = _text(reason, _("撤回原因"), max_length=500)
        visit.save(update_fields=["withdrawn_at", "withdraw_reason"])
    audit.record(visit, "withdraw_visit", before, audit.snapshot(visit))
    return visit


def _sniff(head: bytes) -> str | None:
    for magic, content_type in PHOTO_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def add_photo(user, visit: Visit, upload) -> Photo:
    """A photo of the visit: JPEG or PNG by its content (not its name), at most 5 MB, stored encrypted."""
    scope.check_record(user, visit, "change")
    if visit.photos.count() >= PHOTOS_PER_VISIT:
        raise ActionError(_("每次走访最多上传 %(n)d 张照片。") % {"n": PHOTOS_PER_VISIT})
    size = getattr(upload, "size", None) or 0
    if size > PHOTO_MAX_BYTES:
        raise ActionError(_("照片不能超过 5 MB。"), code="too_big")
    upload.seek(0)
    head = upload.read(16)
    content_type = _sniff(head)
    if content_type is None or size == 0:
        raise ActionError(_("只能上传 JPEG 或 PNG 照片。"), code="type")
    upload.seek(0)
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise ActionError(_("照片不能超过 5 MB。"), code="too_big")
    sealed = crypto.encrypted_copy(io.BytesIO(data))
    name = (getattr(upload, "name", "") or "photo").rsplit("/", 1)[-1][:100]
    ext = ".jpg" if content_type == "image/jpeg" else ".png"
    photo = Photo(visit=visit, name=name, content_type=content_type, size=len(data))
    photo.file.save(f"{timezone.now():%H%M%S%f}{ext}.enc", ContentFile(sealed.read()), save=False)
    photo.save()
    audit.record(photo, "add_photo", None, audit.snapshot(photo), note=name)
    return photo


def photo_bytes(user, photo: Photo) -> bytes:
    """The decrypted photo, for a user who may see its visit."""
    scope.check_record(user, photo.visit, "view")
    with photo.file.open("rb") as fh:
        return b"".join(crypto.decrypt_chunks(fh))


# ---------------------------------------------------------------------------------------------
# Findings and deeds


def _finding(user, visit, *, category, severity, text, is_demo=False) -> Finding:
    if category not in FindingCategory.values:
        raise ActionError(_("请选择发现的类别。"))
    try:
        severity = int(severity or FindingSeverity.LOW)
    except (TypeError, ValueError):
        severity = 0
    if severity not in FindingSeverity.values:
        raise ActionError(_("程度无效。"))
    finding = Finding.objects.create(
        visit=visit,
        org=visit.org,
        enterprise=visit.enterprise,
        category=category,
        severity=severity,
        text=_text(text, _("情况"), max_length=2000),
        found_on=visit.visited_on,
        is_demo=is_demo,
    )
    audit.record(finding, "record_finding", None, audit.snapshot(finding))
    return finding


@transaction.atomic
def record_finding(user, visit: Visit, *, category: str, severity: int, text: str) -> Finding:
    scope.check_record(user, visit, "change")
    if visit.is_withdrawn:
        raise ActionError(_("走访记录已撤回。"))
    return _finding(user, visit, category=category, severity=severity, text=text, is_demo=visit.is_demo)


@transaction.atomic
def open_case_for_finding(
    user, finding: Finding, *, kind: str, severity: str, workers_involved: int = 0, now=None
) -> Finding:
    """A dispute found on a visit opens a stability case (through the stability module's own
    action: an incident reported now, its case linked here, nothing copied back)."""
    scope.check_record(user, finding, "change")
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("visit", "enterprise", "org")
        .get(pk=finding.pk)
    )
    if finding.case_id is not None:
        raise ActionError(_("该发现已转为维稳案件。"))
    now = now or timezone.now()
    name = finding.enterprise.name if finding.enterprise_id else finding.visit.subject_masked
    incident = stability_actions.report_incident(
        user,
        finding.org,
        kind=kind,
        severity=severity,
        enterprise_name=name,
        enterprise_uscc=finding.enterprise.uscc if finding.enterprise_id else "",
        industry=finding.enterprise.industry if finding.enterprise_id else "",
        description=_("走访发现（%(v)s）：%(t)s") % {"v": f"ZF{finding.visit_id:06d}", "t": finding.text},
        workers_involved=workers_involved or 0,
        learned_at=now,
        now=now,
        is_demo=finding.is_demo,
    )
    before = audit.snapshot(finding)
    finding.case = incident.case
    finding.save(update_fields=["case"])
    audit.record(finding, "open_case_from_finding", before, audit.snapshot(finding))
    return finding


def existing_hardship_file(user, id_number: str) -> HardshipFile | None:
    """The open hardship file of an ID number that ``user`` may see (by the register's keyed
    hashes; the number itself is neither stored nor logged here)."""
    if not (id_number or "").strip():
        return None
    try:
        number = members_actions.check_identity(id_number).number
    except ActionError:
        return None
    return (
        HardshipFile.objects.restrict(user, "view")
        .filter(id_hash__in=members_actions.id_hashes(number), status=FileStatus.OPEN)
        .first()
    )


@transaction.atomic
def open_hardship_file_from_visit(user, finding: Finding, **file_fields) -> Finding:
    """A household in hardship found on a visit: a hardship file opened in the service-station
    module through its own action (the ID number sealed there, never kept here), or the open file
    of the same person linked if there is one; the finding keeps only the link. One transaction:
    a refusal by the stations module leaves neither file nor link."""
    scope.check_record(user, finding, "change")
    finding = (
        Finding.objects.select_for_update(of=("self",)).select_related("visit", "org").get(pk=finding.pk)
    )
    if finding.visit.kind != VisitKind.HOUSEHOLD:
        raise ActionError(_("只有走访职工家庭的发现可以建立困难职工档案。"), code="not_household")
    if finding.visit.is_withdrawn:
        raise ActionError(_("走访记录已撤回。"))
    if finding.hardship_file_id is not None:
        raise ActionError(_("该发现已关联困难职工档案。"), code="linked")
    file = existing_hardship_file(user, file_fields.get("id_number", ""))
    verb = "link_hardship_file"
    if file is None:
        verb = "open_hardship_from_finding"
        file_fields["is_demo"] = finding.is_demo or file_fields.get("is_demo", False)
        file = stations_actions.open_hardship_file(user, finding.org, **file_fields)
    before = audit.snapshot(finding)
    finding.hardship_file = file
    finding.save(update_fields=["hardship_file"])
    visit_no = f"ZF{finding.visit_id:06d}"
    audit.record(finding, verb, before, audit.snapshot(finding))
    audit.record(
        file,
        "linked_from_visit",
        note=_("来自走访记录 %(v)s（发现 FX%(f)06d）") % {"v": visit_no, "f": finding.pk},
    )
    return finding


def _progress(deed: Deed, kind: str, note: str, now=None) -> None:
    DeedProgress.objects.create(
        deed=deed, at=now or timezone.now(), actor_label=_actor(), kind=kind, note=note[:1000]
    )


def owner_candidates(user, org: OrgUnit):
    """Accounts that may own a deed: active, in the requesting level's subtree and the user's scope."""
    qs = get_user_model().objects.filter(is_active=True, org__path__startswith=org.path)
    if user is not None:
        qs = qs.filter(org__path__startswith=user.org_path)
    return qs.order_by("org__depth", "username")


@transaction.atomic
def promise_deed(
    user, finding: Finding, *, title: str, owner, promised_on: datetime.date, is_demo: bool = False
) -> Deed:
    """A demand becomes a deed (办实事): its owner and promised date; the finding's level asks for it."""
    scope.check_record(user, finding, "change")
    if owner is None or not owner_candidates(user, finding.org).filter(pk=owner.pk).exists():
        raise ActionError(_("责任人须是本级或下级、且在您管辖范围内的在用账号。"), code="owner")
    if promised_on is None:
        raise ActionError(_("请填写承诺办结日期。"))
    with indicators.tracking(indicators.DEEDS_ON_TIME, indicators.deed_contributions) as t:
        deed = Deed.objects.create(
            org=finding.org,
            finding=finding,
            title=_text(title, _("实事内容"), max_length=300),
            owner=owner,
            promised_on=promised_on,
            is_demo=is_demo or finding.is_demo,
        )
        t.add(deed.pk)
    _progress(
        deed,
        "promise",
        _("承诺办理，责任人 %(o)s，%(d)s 前办结")
        % {"o": owner.full_name or owner.username, "d": promised_on.isoformat()},
    )
    audit.record(deed, "promise_deed", None, audit.snapshot(deed))
    return deed


def _may_work_on(user, deed: Deed) -> bool:
    return user is None or deed.owner_id == user.pk or scope.record_in_scope(user, deed, "change")


@transaction.atomic
def record_progress(user, deed: Deed, *, note: str) -> Deed:
    scope.check_record(user, deed, "view")
    if not _may_work_on(user, deed):
        raise ActionError(_("只有责任人或提出单位可以登记进展。"), code="forbidden")
    if deed.state != DeedState.OPEN:
        raise ActionError(_("该实事已办结。"))
    _progress(deed, "progress", _text(note, _("进展"), max_length=1000))
    audit.record(deed, "deed_progress", note=note[:200])
    return deed


@transaction.atomic
def mark_deed_done(user, deed: Deed, *, done_on: datetime.date, evidence: str) -> Deed:
    """The owner reports the deed done, with the evidence; on time when done by the promised date."""
    scope.check_record(user, deed, "view")
    if not _may_work_on(user, deed):
        raise ActionError(_("只有责任人或提出单位可以办结。"), code="forbidden")
    deed = Deed.objects.select_for_update().get(pk=deed.pk)
    if deed.state != DeedState.OPEN:
        raise ActionError(_("该实事已办结。"))
    if done_on is None or done_on > timezone.localdate():
        raise ActionError(_("办结日期不能晚于今天。"), code="future")
    before = audit.snapshot(deed)
    with indicators.tracking(indicators.DEEDS_ON_TIME, indicators.deed_contributions, [deed.pk]):
        deed.state = DeedState.DONE
        deed.done_on = done_on
        deed.evidence = _text(evidence, _("办结情况"), max_length=2000)
        deed.counted_due = True
        deed.save(update_fields=["state", "done_on", "evidence", "counted_due"])
    _progress(deed, "done", _("办结（%(d)s）：%(e)s") % {"d": done_on.isoformat(), "e": deed.evidence})
    audit.record(deed, "deed_done", before, audit.snapshot(deed))
    return deed


@transaction.atomic
def verify_deed(user, deed: Deed, *, note: str) -> Deed:
    """The requesting level (or above) verifies the deed done; the owner never verifies their own."""
    scope.check_record(user, deed, "review")
    deed = Deed.objects.select_for_update().get(pk=deed.pk)
    if deed.state != DeedState.DONE:
        raise ActionError(_("只有已办结的实事可以核实。"))
    if user is not None and deed.owner_id == user.pk:
        raise ActionError(_("责任人不能核实自己办的实事。"), code="self_verify")
    before = audit.snapshot(deed)
    deed.state = DeedState.VERIFIED
    deed.verified_at = timezone.now()
    deed.verified_by = user
    deed.save(update_fields=["state", "verified_at", "verified_by"])
    _progress(deed, "verify", _("核实：%(n)s") % {"n": _text(note, _("核实意见"), max_length=1000)})
    audit.record(deed, "deed_verify", before, audit.snapshot(deed))
    return deed


@transaction.atomic
def reopen_deed(user, deed: Deed, *, note: str) -> Deed:
    """The requesting level sends a deed reported done back (its done date no longer counts)."""
    scope.check_record(user, deed, "review")
    deed = Deed.objects.select_for_update().get(pk=deed.pk)
    if deed.state != DeedState.DONE:
        raise ActionError(_("只有已办结待核实的实事可以退回。"))
    before = audit.snapshot(deed)
    with indicators.tracking(indicators.DEEDS_ON_TIME, indicators.deed_contributions, [deed.pk]):
        deed.state = DeedState.OPEN
        deed.done_on = None
        deed.evidence = ""
        deed.counted_due = deed.promised_on < timezone.localdate()
        deed.save(update_fields=["state", "done_on", "evidence", "counted_due"])
    _progress(deed, "reopen", _("退回：%(n)s") % {"n": _text(note, _("退回原因"), max_length=1000)})
    audit.record(deed, "deed_reopen", before, audit.snapshot(deed))
    return deed


@transaction.atomic
def count_overdue_deeds(today: datetime.date | None = None) -> int:
    """The daily job: open deeds whose promised date has passed now count among the deeds due."""
    today = today or timezone.localdate()
    ids = list(Deed.objects.overdue(today).filter(counted_due=False).values_list("pk", flat=True))
    if not ids:
        return 0
    with (
        audit.acting_as(None, "task"),
        indicators.tracking(indicators.DEEDS_ON_TIME, indicators.deed_contributions, ids),
    ):
        Deed.objects.filter(pk__in=ids).update(counted_due=True)
    return len(ids)


# ---------------------------------------------------------------------------------------------
# Research reports


@transaction.atomic
def draft_report(
    user,
    org: OrgUnit,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    title: str = "",
    is_demo=False,
) -> ResearchReport:
    """Draft a research report of ``org``'s subtree over a period from the data; the period and
    scope are stored, so the figures can be drawn again and compared."""
    from unionwork.visits import queries

    _check_unit(user, org, "change")
    if period_end < period_start:
        raise ActionError(_("截止日期不能早于起始日期。"))
    figures = queries.report_figures(org, period_start, period_end)
    report = ResearchReport.objects.create(
        org=org,
        title=_text(title, _("标题"), required=False, max_length=200)
        or _("关于%(o)s“双走双促”走访情况的调研报告") % {"o": org.name},
        period_start=period_start,
        period_end=period_end,
        situation=queries.situation_text(figures),
        analysis=queries.analysis_text(figures),
        figures=figures,
        author=user,
        is_demo=is_demo,
    )
    audit.record(report, "draft_report", None, audit.snapshot(report))
    return report


@transaction.atomic
def edit_report(user, report: ResearchReport, *, title: str, situation: str, analysis: str) -> ResearchReport:
    scope.check_record(user, report, "change")
    before = audit.snapshot(report)
    report.title = _text(title, _("标题"), max_length=200)
    report.situation = (situation or "").strip()
    report.analysis = (analysis or "").strip()
    report.save(update_fields=["title", "situation", "analysis", "updated_at"])
    audit.record(report, "edit_report", before, audit.snapshot(report))
    return report


@transaction.atomic
def add_recommendation(
    user, report: ResearchReport, *, text: str, findings: Iterable[Finding] = ()
) -> Recommendation:
    """A recommendation the author writes, with the findings (of the report's scope and period) behind it."""
    from unionwork.visits import queries

    scope.check_record(user, report, "change")
    findings = list(findings)
    allowed = set(queries.report_findings(user, report).values_list("pk", flat=True))
    if any(f.pk not in allowed for f in findings):
        raise ActionError(_("支撑发现须是本报告范围和期间内的走访发现。"), code="findings")
    position = (
        report.recommendations.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    rec = Recommendation.objects.create(
        report=report, position=position, text=_text(text, _("建议"), max_length=4000)
    )
    rec.findings.set(findings)
    audit.record(rec, "add_recommendation", None, audit.snapshot(rec))
    return rec
