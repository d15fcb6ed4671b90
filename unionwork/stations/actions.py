"""Every change of the service stations: one function per user action, acting user first, role and
scope checked, one transaction, audited, the kept figures moved in the same transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit, scope
from unionwork.core.errors import ActionError
from unionwork.founding.models import Enterprise
from unionwork.members import actions as members_actions
from unionwork.members import queries as members_queries
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit
from unionwork.stability import actions as stability_actions
from unionwork.stations import indicators as ind
from unionwork.stations import queries
from unionwork.stations.models import (
    Consultation,
    ConsultationKind,
    ConsultationStatus,
    EligibilityRule,
    EntryKind,
    FileStatus,
    FundSource,
    HardshipCause,
    HardshipFile,
    HardshipReview,
    HostKind,
    Relief,
    ReliefKind,
    ReliefPolicy,
    ReliefStatus,
    ServiceKind,
    ServiceRecord,
    Station,
    StationMode,
    StationPhoto,
    StationStatus,
    StationStatusChange,
)

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# Image types accepted for station photos, told by their first bytes (never by the name).
PHOTO_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
CENTRE_KINDS = (OrgKind.TOWNSHIP, OrgKind.DISTRICT, OrgKind.ZONE, OrgKind.CITY)


def _actor() -> str:
    return audit.current_actor().label


def _text(value, label, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("%(f)s不能为空。") % {"f": label})
    if max_length and len(value) > max_length:
        raise ActionError(_("%(f)s过长，最多 %(n)d 个字。") % {"f": label, "n": max_length})
    return value


def _not_future(on: datetime.date, label) -> datetime.date:
    if on is None:
        raise ActionError(_("%(f)s不能为空。") % {"f": label})
    if on > timezone.localdate():
        raise ActionError(_("%(f)s不能晚于今天。") % {"f": label}, code="future")
    return on


def is_city_admin(user) -> bool:
    """An administrator of the root of the tree (the one rule, stability's): sets the rules here too."""
    return stability_actions.is_city_admin(user)


def check_city_admin(user) -> None:
    if not is_city_admin(user):
        raise ActionError(_("只有市总工会管理员可以设置此项。"), code="forbidden")


# -- eligibility -------------------------------------------------------------------------------


@transaction.atomic
def set_eligibility_rule(
    user, *, min_employees: int, requires_union: bool, effective_from: datetime.date, note: str = ""
) -> EligibilityRule:
    """A new version of the rule from ``effective_from`` on (today or later); the versions before
    it stay as they were, so past figures keep the rule they were counted by."""
    check_city_admin(user)
    if effective_from is None or effective_from < timezone.localdate():
        raise ActionError(_("生效日期不能早于今天：已过去的日期按当时的条件计算。"), code="past")
    if min_employees is None or min_employees < 1:
        raise ActionError(_("最低职工人数至少为 1。"))
    if EligibilityRule.objects.filter(effective_from=effective_from).exists():
        raise ActionError(
            _("%(d)s 已有一个版本；请选择其他生效日期。") % {"d": effective_from}, code="duplicate"
        )
    rule = EligibilityRule.objects.create(
        min_employees=min_employees,
        requires_union=bool(requires_union),
        effective_from=effective_from,
        note=(note or "").strip()[:300],
        created_by=user,
    )
    audit.record(rule, "set_eligibility_rule", None, audit.snapshot(rule))
    if effective_from <= timezone.localdate():
        ind.rebuild_coverage()  # in force today: every level's figure follows at once
    return rule


# -- stations ----------------------------------------------------------------------------------


def _station_org(host_kind: str, enterprise: Enterprise | None, org: OrgUnit | None) -> OrgUnit:
    if host_kind == HostKind.ENTERPRISE:
        if enterprise is None:
            raise ActionError(_("企业服务站须选择依托企业。"))
        if not enterprise.is_operating:
            raise ActionError(_("“%(e)s”已关闭，不能建站。") % {"e": enterprise.name})
        return enterprise.community
    if org is None:
        raise ActionError(_("请选择服务站所属单位。"))
    if not org.is_active:
        raise ActionError(_("“%(n)s”已注销或合并。") % {"n": org.name})
    if host_kind == HostKind.COMMUNITY and org.kind != OrgKind.COMMUNITY:
        raise ActionError(_("社区服务站的所属单位须是村（社区）工会。"))
    if host_kind == HostKind.CENTRE and org.kind not in CENTRE_KINDS:
        raise ActionError(_("服务中心的所属单位须是街道（乡镇）或区级以上工会。"))
    if host_kind not in HostKind.values:
        raise ActionError(_("依托单位类型无效。"))
    return org


def _services(services) -> list[ServiceKind]:
    services = list(services or [])
    if any(not s.active for s in services):
        raise ActionError(_("所选服务项目已停用。"))
    return services


def _radiated(user, mode: str, radiated, enterprise) -> list[Enterprise]:
    radiated = [e for e in (radiated or []) if enterprise is None or e.pk != enterprise.pk]
    if radiated and mode != StationMode.RADIATING:
        raise ActionError(_("只有辐射服务站可以登记辐射企业。"), code="not_radiating")
    if radiated:
        scope.check_records(user, radiated, "view", what=_("所选辐射企业"))
        if user is not None and not scope.user_may(user, "change"):
            raise ActionError(_("您的角色无权执行此操作。"), code="forbidden")
    return radiated


@transaction.atomic
def open_station(
    user,
    *,
    name: str,
    host_kind: str,
    mode: str,
    opened_on: datetime.date,
    enterprise: Enterprise | None = None,
    org: OrgUnit | None = None,
    space_m2: int = 0,
    staff: int = 0,
    services=(),
    workers_covered: int = 0,
    radiated=(),
    is_demo: bool = False,
) -> Station:
    """Register a station (enterprise, community, or a street/district centre)."""
    if host_kind != HostKind.ENTERPRISE:
        enterprise = None
    org = _station_org(host_kind, enterprise, org)
    scope.check(user, org.path, org.ipath, "change", what=f"“{org.name}”")
    if enterprise is not None:
        scope.check_record(user, enterprise, "change", what=f"“{enterprise.name}”")
    if mode not in StationMode.values:
        raise ActionError(_("建站模式无效。"))
    services = _services(services)
    radiated = _radiated(user, mode, radiated, enterprise)
    if (
        enterprise is not None
        and Station.objects.filter(enterprise=enterprise, status=StationStatus.OPEN).exists()
    ):
        raise ActionError(_("“%(e)s”已有运行中的服务站。") % {"e": enterprise.name}, code="duplicate")
    # Every subject the station will cover: counted before (eligible, uncovered) and after.
    subjects = {("e", e.pk) for e in radiated}
    if enterprise is not None:
        subjects.add(("e", enterprise.pk))
    if host_kind == HostKind.COMMUNITY:
        subjects.add(("c", org.pk))
    with ind.coverage_tracking(subjects):
        station = Station.objects.create(
            name=_text(name, _("服务站名称"), max_length=200),
            host_kind=host_kind,
            enterprise=enterprise,
            org=org,
            mode=mode,
            opened_on=_not_future(opened_on, _("建站日期")),
            space_m2=space_m2 or 0,
            staff=staff or 0,
            workers_covered=workers_covered or 0,
            is_demo=is_demo,
        )
        station.services.set(services)
        station.radiated.set(radiated)
    StationStatusChange.objects.create(
        station=station,
        status=StationStatus.OPEN,
        on=station.opened_on,
        reason=_("建站"),
        actor_label=_actor(),
    )
    ind.bump(ind.WORKERS, org, station.workers_covered)
    after = audit.snapshot(station) | {
        "services": [s.name for s in services],
        "radiated": [e.name for e in radiated],
    }
    audit.record(station, "open_station", None, after)
    return station


STATION_EDITABLE = ("name", "mode", "space_m2", "staff", "workers_covered")


@transaction.atomic
def update_station(user, station: Station, *, services=None, radiated=None, **fields) -> Station:
    """Change what a station offers, its size, mode, workers covered, the enterprises it radiates to."""
    scope.check_record(user, station, "change", what=_("该服务站"))
    station = Station.objects.select_for_update().select_related("org").get(pk=station.pk)
    before = audit.snapshot(station) | {
        "services": sorted(station.services.values_list("name", flat=True)),
        "radiated": sorted(station.radiated.values_list("name", flat=True)),
    }
    unknown = set(fields) - set(STATION_EDITABLE)
    if unknown:
        raise ActionError(_("不能修改这些项目：%(f)s") % {"f": "、".join(sorted(unknown))})
    old_workers = station.workers_covered if station.status == StationStatus.OPEN else 0
    subjects = queries.subjects_of_station(station) | {("e", e.pk) for e in (radiated or [])}
    with ind.coverage_tracking(subjects):
        for key, value in fields.items():
            if key == "name":
                value = _text(value, _("服务站名称"), max_length=200)
            if key == "mode" and value not in StationMode.values:
                raise ActionError(_("建站模式无效。"))
            setattr(station, key, value if value is not None else getattr(station, key))
        if services is not None:
            station.services.set(_services(services))
        if radiated is not None or station.mode != StationMode.RADIATING:
            wanted = radiated if radiated is not None else list(station.radiated.all())
            if station.mode != StationMode.RADIATING and radiated is None:
                wanted = []
            wanted = _radiated(user, station.mode, wanted, station.enterprise)
            station.radiated.set(wanted)
        station.save()
    new_workers = station.workers_covered if station.status == StationStatus.OPEN else 0
    ind.bump(ind.WORKERS, station.org, new_workers - old_workers)
    after = audit.snapshot(station) | {
        "services": sorted(station.services.values_list("name", flat=True)),
        "radiated": sorted(station.radiated.values_list("name", flat=True)),
    }
    audit.record(station, "update_station", before, after)
    return station


@transaction.atomic
def change_station_status(user, station: Station, *, status: str, on: datetime.date, reason: str) -> Station:
    """Suspend, reopen or close a station (kept with its history; a closed one is never reopened)."""
    scope.check_record(user, station, "change", what=_("该服务站"))
    station = Station.objects.select_for_update().select_related("org").get(pk=station.pk)
    if status not in StationStatus.values or status == station.status:
        raise ActionError(_("请选择与当前不同的状态。"))
    if station.status == StationStatus.CLOSED:
        raise ActionError(_("已撤销的服务站不能恢复，请重新建站。"), code="closed")
    if (
        status == StationStatus.OPEN
        and station.enterprise_id
        and Station.objects.filter(enterprise_id=station.enterprise_id, status=StationStatus.OPEN).exists()
    ):
        raise ActionError(_("该企业已有运行中的服务站。"), code="duplicate")
    reason = _text(reason, _("原因"), max_length=300)
    before = audit.snapshot(station)
    was_open = station.status == StationStatus.OPEN
    with ind.coverage_tracking(queries.subjects_of_station(station)):
        station.status = status
        station.save(update_fields=["status"])
    StationStatusChange.objects.create(
        station=station, status=status, on=_not_future(on, _("日期")), reason=reason, actor_label=_actor()
    )
    is_open = status == StationStatus.OPEN
    if was_open != is_open:
        ind.bump(ind.WORKERS, station.org, station.workers_covered * (1 if is_open else -1))
    audit.record(station, "station_status", before, audit.snapshot(station), note=reason)
    return station


def _photo_type(head: bytes) -> str | None:
    for magic, content_type in PHOTO_MAGIC:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@transaction.atomic
def add_photo(user, station: Station, upload, caption: str = "") -> StationPhoto:
    """A photo of the station: JPEG, PNG or WebP (told by its bytes), 5 MB at most."""
    scope.check_record(user, station, "change", what=_("该服务站"))
    size = getattr(upload, "size", None)
    if size is None or size > PHOTO_MAX_BYTES:
        raise ActionError(_("照片不能超过 5 MB，请压缩后上传。"), code="too_large")
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise ActionError(_("照片不能超过 5 MB，请压缩后上传。"), code="too_large")
    content_type = _photo_type(data[:16])
    if content_type is None:
        raise ActionError(_("只能上传 JPEG、PNG 或 WebP 格式的照片。"), code="type")
    photo = StationPhoto.objects.create(
        station=station,
        content_type=content_type,
        data=data,
        size=len(data),
        caption=(caption or "").strip()[:100],
    )
    audit.record(photo, "add_photo", None, {"station": station.pk, "size": len(data), "type": content_type})
    return photo


# -- service log -------------------------------------------------------------------------------


@transaction.atomic
def log_service(
    user,
    station: Station,
    *,
    kind: ServiceKind,
    on: datetime.date,
    people: int = 1,
    card_number: str = "",
    entry: str = EntryKind.SERVICE,
    note: str = "",
    is_demo: bool = False,
) -> ServiceRecord:
    """One service or activity of a station; a member card shown is checked against the register
    (a cancelled, lost or replaced card is refused) and the entry counts as a card use."""
    scope.check_record(user, station, "change", what=_("该服务站"))
    if station.status != StationStatus.OPEN:
        raise ActionError(_("服务站“%(s)s”不在运行中，不能登记服务。") % {"s": station.name}, code="not_open")
    if entry not in EntryKind.values:
        raise ActionError(_("类别无效。"))
    if kind is None or not kind.active:
        raise ActionError(_("请选择服务项目。"))
    if people is None or people < 1:
        raise ActionError(_("服务人数至少为 1。"))
    card = None
    if (card_number or "").strip():
        card, refusal = members_queries.card_check(card_number)
        if refusal:
            raise ActionError(refusal, code="card")
    record = ServiceRecord.objects.create(
        station=station,
        entry=entry,
        kind=kind,
        on=_not_future(on, _("服务日期")),
        people=people,
        card=card,
        note=(note or "").strip()[:300],
        recorded_by=user,
        is_demo=is_demo,
    )
    ind.bump(ind.SERVICES, station.org, 1)
    if card is not None:
        ind.bump(ind.CARD_USES, station.org, 1)
    audit.record(record, "log_service", None, audit.snapshot(record))
    return record


@transaction.atomic
def add_service_kind(user, name: str) -> ServiceKind:
    check_city_admin(user)
    name = _text(name, _("服务项目"), max_length=50)
    try:
        with transaction.atomic():
            kind = ServiceKind.objects.create(name=name)
    except IntegrityError:
        raise ActionError(_("已有服务项目“%(n)s”。") % {"n": name}, code="duplicate") from None
    audit.record(kind, "add_service_kind", None, audit.snapshot(kind))
    return kind


def ensure_service_kinds() -> None:
    """The default list, the first time it is needed (system action)."""
    from unionwork.stations.models import DEFAULT_SERVICE_KINDS

    if not ServiceKind.objects.exists():
        with transaction.atomic():
            for i, name in enumerate(DEFAULT_SERVICE_KINDS):
                kind = ServiceKind.objects.create(name=name, order=i)
                audit.record(kind, "add_service_kind", None, audit.snapshot(kind))


# -- rights ------------------------------------------------------------------------------------


@transaction.atomic
def record_consultation(
    user,
    org: OrgUnit,
    *,
    kind: str,
    worker_name: str,
    issue: str,
    received_on: datetime.date,
    enterprise_name: str = "",
    station: Station | None = None,
    is_demo: bool = False,
) -> Consultation:
    scope.check(user, org.path, org.ipath, "change", what=f"“{org.name}”")
    if station is not None:
        scope.check_record(user, station, "view", what=_("该服务站"))
    if kind not in ConsultationKind.values:
        raise ActionError(_("类别无效。"))
    c = Consultation.objects.create(
        org=org,
        station=station,
        kind=kind,
        worker_name=_text(worker_name, _("职工姓名"), max_length=50),
        enterprise_name=(enterprise_name or "").strip()[:200],
        issue=_text(issue, _("问题")),
        received_on=_not_future(received_on, _("受理日期")),
        is_demo=is_demo,
    )
    audit.record(c, "record_consultation", None, audit.snapshot(c))
    return c


@transaction.atomic
def close_consultation(user, c: Consultation, *, outcome: str) -> Consultation:
    scope.check_record(user, c, "change", what=_("该咨询"))
    c = Consultation.objects.select_for_update().get(pk=c.pk)
    if c.status != ConsultationStatus.OPEN:
        raise ActionError(_("该咨询已办结或已转为案件。"), code="state")
    before = audit.snapshot(c)
    c.outcome, c.status = _text(outcome, _("办理结果")), ConsultationStatus.DONE
    c.save(update_fields=["outcome", "status"])
    audit.record(c, "close_consultation", before, audit.snapshot(c))
    return c


@transaction.atomic
def consultation_to_case(user, c: Consultation, *, title: str, severity: str = "general") -> Consultation:
    """A rights matter that turns into a dispute: a grievance case (诉求代理) is opened in the
    stability module through its action, and linked here by id (nothing copied back)."""
    scope.check_record(user, c, "change", what=_("该咨询"))
    c = Consultation.objects.select_for_update().select_related("org").get(pk=c.pk)
    if c.status != ConsultationStatus.OPEN:
        raise ActionError(_("该咨询已办结或已转为案件。"), code="state")
    case = stability_actions.open_grievance_case(
        user,
        c.org,
        title=_text(title, _("案件名称"), max_length=200),
        claimant=c.worker_name,
        description=c.issue,
        severity=severity,
    )
    before = audit.snapshot(c)
    c.case, c.status = case, ConsultationStatus.CASE
    c.save(update_fields=["case", "status"])
    audit.record(c, "consultation_to_case", before, audit.snapshot(c))
    return c


# -- relief ------------------------------------------------------------------------------------


@transaction.atomic
def save_relief_policy(user, *, special_below, hardship_below, approval_above) -> ReliefPolicy:
    check_city_admin(user)
    if special_below is None or hardship_below is None or special_below > hardship_below:
        raise ActionError(_("特困标准不能高于困难标准。"))
    if approval_above is None or approval_above < 0:
        raise ActionError(_("审批金额不能为负。"))
    policy = ReliefPolicy.current()
    before = audit.snapshot(policy) if policy.pk and ReliefPolicy.objects.filter(pk=1).exists() else None
    policy.special_below, policy.hardship_below, policy.approval_above = (
        special_below,
        hardship_below,
        approval_above,
    )
    policy.save()
    audit.record(policy, "save_relief_policy", before, audit.snapshot(policy))
    return policy


@transaction.atomic
def open_hardship_file(
    user,
    org: OrgUnit,
    *,
    name: str,
    id_number: str,
    cause: str,
    household_size: int,
    monthly_income,
    opened_on: datetime.date,
    enterprise_name: str = "",
    is_demo: bool = False,
) -> HardshipFile:
    """A worker's hardship file; the ID number is checked and stored as the member register does."""
    scope.check(user, org.path, org.ipath, "change", what=f"“{org.name}”")
    if org.status != OrgStatus.ACTIVE:
        raise ActionError(_("“%(n)s”已注销或合并。") % {"n": org.name})
    cid = members_actions.check_identity(id_number)
    if cause not in HardshipCause.values:
        raise ActionError(_("请选择致困原因。"))
    if not household_size or household_size < 1:
        raise ActionError(_("家庭人口至少为 1。"))
    if monthly_income is None or Decimal(monthly_income) < 0:
        raise ActionError(_("家庭月收入不能为负。"))
    monthly_income = Decimal(monthly_income)
    if HardshipFile.objects.filter(
        id_hash__in=members_actions.id_hashes(cid.number), status=FileStatus.OPEN
    ).exists():
        raise ActionError(
            _("身份证号 %(id)s 已有在档的困难职工档案。") % {"id": identifiers_mask(cid.number)},
            code="duplicate",
        )
    cipher, digest, key_id = members_actions.seal_id(cid.number)
    opened_on = _not_future(opened_on, _("建档日期"))
    f = HardshipFile(
        org=org,
        name=_text(name, _("姓名"), max_length=50),
        id_cipher=cipher,
        id_hash=digest,
        pii_key=key_id,
        enterprise_name=(enterprise_name or "").strip()[:200],
        household_size=household_size,
        monthly_income=monthly_income,
        cause=cause,
        opened_on=opened_on,
        review_due=opened_on + datetime.timedelta(days=365),
        is_demo=is_demo,
    )
    f.level = ReliefPolicy.current().level_of(f.income_per_head)
    f.save()
    ind.bump(ind.HARDSHIP_OPEN, org, 1)
    audit.record(f, "open_hardship", None, audit.snapshot(f, exclude=HardshipFile.audit_exclude))
    return f


def identifiers_mask(number: str) -> str:
    from unionwork.core import masking

    return masking.mask_id(number)


@transaction.atomic
def review_hardship(
    user,
    f: HardshipFile,
    *,
    keep: bool,
    on: datetime.date,
    note: str = "",
    monthly_income=None,
    household_size=None,
) -> HardshipFile:
    """The annual review: keep the file (level recomputed by the rule, next review in a year) or close it."""
    scope.check_record(user, f, "change", what=_("该档案"))
    f = HardshipFile.objects.select_for_update().select_related("org").get(pk=f.pk)
    if f.status != FileStatus.OPEN:
        raise ActionError(_("该档案已销档。"), code="closed")
    on = _not_future(on, _("年审日期"))
    before = audit.snapshot(f, exclude=HardshipFile.audit_exclude)
    if keep:
        if household_size:
            f.household_size = household_size
        if monthly_income is not None:
            f.monthly_income = Decimal(monthly_income)
        f.level = ReliefPolicy.current().level_of(f.income_per_head)
        f.review_due = on + datetime.timedelta(days=365)
    else:
        f.status, f.closed_on = FileStatus.CLOSED, on
        f.close_reason = _text(note, _("销档原因"), max_length=300)
        ind.bump(ind.HARDSHIP_OPEN, f.org, -1)
    f.save()
    HardshipReview.objects.create(
        file=f,
        on=on,
        keep=keep,
        level=f.level if keep else "",
        note=(note or "").strip()[:300],
        actor_label=_actor(),
    )
    audit.record(
        f, "review_hardship", before, audit.snapshot(f, exclude=HardshipFile.audit_exclude), note=note or ""
    )
    return f


@transaction.atomic
def give_relief(
    user,
    f: HardshipFile,
    *,
    kind: str,
    on: datetime.date,
    amount: int,
    fund_source: str,
    note: str = "",
    is_demo: bool = False,
) -> Relief:
    """Relief given to a file. Above the policy's amount it waits for a reviewer's approval and
    counts as paid only then."""
    scope.check_record(user, f, "change", what=_("该档案"))
    if f.status != FileStatus.OPEN:
        raise ActionError(_("该档案已销档，不能登记救助。"), code="closed")
    if kind not in ReliefKind.values or fund_source not in FundSource.values:
        raise ActionError(_("请选择救助类别和资金来源。"))
    if amount is None or amount < 0:
        raise ActionError(_("金额不能为负。"))
    needs_approval = amount > ReliefPolicy.current().approval_above
    relief = Relief.objects.create(
        file=f,
        kind=kind,
        on=_not_future(on, _("救助日期")),
        amount=amount,
        fund_source=fund_source,
        status=ReliefStatus.PENDING if needs_approval else ReliefStatus.PAID,
        note=(note or "").strip()[:300],
        is_demo=is_demo,
    )
    if not needs_approval:
        ind.bump(ind.RELIEF_PAID, f.org, amount)
    audit.record(relief, "give_relief", None, audit.snapshot(relief))
    return relief


@transaction.atomic
def decide_relief(user, relief: Relief, *, approve: bool, note: str = "") -> Relief:
    """A reviewer approves a pending relief (it counts as paid from now) or sends it back."""
    scope.check_record(user, relief, "review", what=_("该救助"))
    relief = Relief.objects.select_for_update().select_related("file__org").get(pk=relief.pk)
    if relief.status != ReliefStatus.PENDING:
        raise ActionError(_("该救助不在待审批状态。"), code="state")
    if not approve:
        note = _text(note, _("退回原因"), max_length=300)
    before = audit.snapshot(relief)
    relief.status = ReliefStatus.PAID if approve else ReliefStatus.REFUSED
    relief.decided_by, relief.decided_at = user, timezone.now()
    if note:
        relief.note = ((relief.note + "；") if relief.note else "") + note
        relief.note = relief.note[:300]
    relief.save()
    if approve:
        ind.bump(ind.RELIEF_PAID, relief.file.org, relief.amount)
    audit.record(
        relief, "approve_relief" if approve else "refuse_relief", before, audit.snapshot(relief), note=note
    )
    return relief


def reveal_hardship_id(user, f: HardshipFile) -> str:
    """The full ID number of a file, for an administrator whose scope holds it; audited."""
    scope.check_record(user, f, "view", what=_("该档案"))
    members_actions.record_unmask(user, f, _("查看困难职工完整身份证号"))
    return f.id_number


__all__ = [
    "add_photo",
    "add_service_kind",
    "change_station_status",
    "close_consultation",
    "consultation_to_case",
    "decide_relief",
    "ensure_service_kinds",
    "give_relief",
    "is_city_admin",
    "log_service",
    "open_hardship_file",
    "open_station",
    "record_consultation",
    "reveal_hardship_id",
    "review_hardship",
    "save_relief_policy",
    "set_eligibility_rule",
    "update_station",
]
