"""Every change of the assessment: one function per thing a user does, in one transaction, role-
and scope-checked, audited. Views, the API and the demo call these.

- Schemes: :func:`create_scheme`, :func:`update_scheme`, :func:`add_section`, :func:`save_item`
  (drafts only), :func:`publish_scheme` (base points must sum to 100), :func:`revise_scheme` (a
  published scheme is frozen: a change is a new version with its reason), :func:`close_scheme`.
- Evidence: :func:`claim` (the assessed unit), :func:`review` (a reviewer of the assessing level,
  never of their own unit).
- Rankings: :func:`compute` (a working computation, a provisional ranking published with an
  appeal window, or the final ranking, frozen); :func:`file_appeal`, :func:`decide_appeal`.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.assessment import indicators as ind
from unionwork.assessment import rules, scoring
from unionwork.assessment.models import (
    Appeal,
    AppealState,
    Claim,
    ClaimFile,
    Computation,
    ComputationKind,
    Group,
    Item,
    ItemKind,
    ItemResult,
    Review,
    Rule,
    Scheme,
    SchemeState,
    Section,
    Source,
    UnitResult,
    VetoEffect,
)
from unionwork.core import audit, indicators, scope
from unionwork.core.errors import ActionError
from unionwork.documents.actions import MAX_ATTACHMENT_BYTES, check_upload
from unionwork.orgs.models import OrgUnit

MAX_FILES = 6
LINK_PREFIX = "/"
TOTAL = Decimal("100")
SCHEME_FIELDS = ("name", "period_start", "period_end", "pass_mark", "bonus_cap", "appeal_days", "note")


def _text(value, label, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("请填写%(f)s。") % {"f": label})
    if max_length and len(value) > max_length:
        raise ActionError(_("%(f)s不能超过 %(n)d 字。") % {"f": label, "n": max_length})
    return value


def _decimal(value, label) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ActionError(_("%(f)s须为数字。") % {"f": label}) from None
    if not d.is_finite() or d < 0 or d > 1000:
        raise ActionError(_("%(f)s须在 0 与 1000 之间。") % {"f": label})
    return d.quantize(Decimal("0.1"))


def _manage(user, scheme: Scheme) -> None:
    scope.check(user, scheme.org.path, "", "manage", what=_("该考核方案"))


def _draft(scheme: Scheme) -> None:
    if scheme.state != SchemeState.DRAFT:
        raise ActionError(_("方案已发布，不能直接修改；请“修订”生成新版本并说明原因。"), code="frozen")


def _locked(scheme: Scheme) -> Scheme:
    return Scheme.objects.select_for_update().select_related("org").get(pk=scheme.pk)


# ---------------------------------------------------------------------------------------------
# Schemes


@transaction.atomic
def create_scheme(
    user,
    org: OrgUnit,
    *,
    year: int,
    group: str,
    name: str,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    pass_mark=Decimal("60"),
    bonus_cap=Decimal("5"),
    appeal_days: int = 7,
    note: str = "",
    is_demo: bool = False,
) -> Scheme:
    """起草 a scheme for a year and a group of the units under ``org``."""
    scope.check(user, org.path, "", "manage", what=_("考核单位"))
    if group not in Group.values:
        raise ActionError(_("请选择考核对象（区市县总工会或产业工会）。"))
    if not year or year < 2000 or year > 2100:
        raise ActionError(_("请填写正确的年度。"))
    start = period_start or datetime.date(year, 1, 1)
    end = period_end or datetime.date(year, 12, 31)
    if end < start:
        raise ActionError(_("考核期止不能早于考核期起。"))
    if Scheme.objects.filter(org=org, year=year, group=group).exists():
        raise ActionError(_("该年度该考核对象已有方案；请在原方案上修订。"))
    scheme = Scheme(
        org=org,
        year=year,
        group=group,
        name=_text(name, _("方案名称"), max_length=200),
        period_start=start,
        period_end=end,
        pass_mark=_decimal(pass_mark, _("合格分数线")),
        bonus_cap=_decimal(bonus_cap, _("加分上限")),
        appeal_days=_days(appeal_days),
        note=_text(note, _("说明"), required=False, max_length=5000),
        created_by=user,
        is_demo=is_demo,
    )
    scheme.save()
    scheme.series = scheme.pk
    scheme.save(update_fields=["series"])
    audit.record(scheme, "create_scheme", None, audit.snapshot(scheme))
    return scheme


def _days(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ActionError(_("申诉期须为天数。")) from None
    if not 1 <= days <= 60:
        raise ActionError(_("申诉期须在 1 至 60 天之间。"))
    return days


@transaction.atomic
def update_scheme(user, scheme: Scheme, **fields) -> Scheme:
    """Change a draft's name, period, pass mark, bonus cap, appeal days or note."""
    scheme = _locked(scheme)
    _manage(user, scheme)
    _draft(scheme)
    before = audit.snapshot(scheme)
    for key, value in fields.items():
        if key not in SCHEME_FIELDS:
            raise ActionError(_("不能修改：%(k)s。") % {"k": key})
        if key == "name":
            value = _text(value, _("方案名称"), max_length=200)
        elif key in ("pass_mark", "bonus_cap"):
            value = _decimal(value, scheme._meta.get_field(key).verbose_name)
        elif key == "appeal_days":
            value = _days(value)
        elif key == "note":
            value = _text(value, _("说明"), required=False, max_length=5000)
        setattr(scheme, key, value)
    if scheme.period_end < scheme.period_start:
        raise ActionError(_("考核期止不能早于考核期起。"))
    scheme.save()
    audit.record(scheme, "update_scheme", before, audit.snapshot(scheme))
    return scheme


@transaction.atomic
def add_section(user, scheme: Scheme, *, name: str, order: int | None = None) -> Section:
    scheme = _locked(scheme)
    _manage(user, scheme)
    _draft(scheme)
    if order is None:
        order = (scheme.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    section = Section.objects.create(
        scheme=scheme, name=_text(name, _("部分名称"), max_length=100), order=order
    )
    audit.record(section, "add_section", None, audit.snapshot(section))
    return section


def _check_item(scheme: Scheme, item: Item) -> None:
    if item.section.scheme_id != scheme.pk:
        raise ActionError(_("请选择本方案的一个部分。"))
    item.code = _text(item.code, _("编号"), max_length=20)
    item.name = _text(item.name, _("考核内容"), max_length=300)
    if Item.objects.filter(scheme=scheme, code=item.code).exclude(pk=item.pk).exists():
        raise ActionError(_("编号“%(c)s”在本方案中已使用。") % {"c": item.code})
    if item.kind not in ItemKind.values:
        raise ActionError(_("请选择类别。"))
    item.points = _decimal(item.points, _("分值"))
    if item.kind != ItemKind.VETO and item.points <= 0:
        raise ActionError(_("分值须大于 0（一票否决项除外）。"))
    if item.kind == ItemKind.VETO:
        item.points = Decimal("0")
        if item.veto_effect not in VetoEffect.values:
            raise ActionError(_("请选择否决后果。"))
    else:
        item.veto_effect = ""
    if item.source == Source.INDICATOR:
        try:
            indicators.get(item.indicator)
        except KeyError:
            raise ActionError(_("请选择平台上的一个指标。")) from None
        allowed = {
            ItemKind.BASE: (Rule.THRESHOLD, Rule.LINEAR, Rule.RANK, Rule.DEADLINE),
            ItemKind.BONUS: (Rule.THRESHOLD, Rule.LINEAR, Rule.RANK, Rule.PER_COUNT),
            ItemKind.DEDUCTION: (Rule.PER_COUNT, Rule.OVER, Rule.LINEAR),
            ItemKind.VETO: (Rule.OVER,),
        }[item.kind]
        if item.rule not in allowed:
            raise ActionError(
                _("%(k)s项可用的计分规则：%(r)s。")
                % {"k": ItemKind(item.kind).label, "r": "、".join(str(Rule(r).label) for r in allowed)}
            )
        item.params = rules.check_params(item.rule, item.params or {})
    elif item.source == Source.EVIDENCE:
        item.indicator, item.rule, item.params = "", Rule.REVIEW, {}
    else:
        raise ActionError(_("请选择计分来源。"))
    if item.is_hard and item.rule != Rule.DEADLINE:
        raise ActionError(_("硬性指标须为绑定指标的时限项（截止日期与目标值）。"))


@transaction.atomic
def save_item(user, scheme: Scheme, item: Item | None = None, **fields) -> Item:
    """Add or change an item of a draft."""
    scheme = _locked(scheme)
    _manage(user, scheme)
    _draft(scheme)
    if item is not None and item.scheme_id != scheme.pk:
        raise ActionError(_("该项目不属于本方案。"))
    before = audit.snapshot(item) if item else None
    item = item or Item(scheme=scheme)
    for key, value in fields.items():
        setattr(item, key, value)
    if not item.order:
        item.order = (scheme.items.aggregate(m=Max("order"))["m"] or 0) + 1
    _check_item(scheme, item)
    item.save()
    audit.record(item, "save_item", before, audit.snapshot(item))
    return item


def points_summary(scheme: Scheme) -> dict[str, Decimal]:
    """Points of the scheme by kind (base must make 100)."""
    out = dict.fromkeys(ItemKind.values, Decimal("0"))
    for kind, points in scheme.items.values_list("kind", "points"):
        out[kind] += points
    return out


@transaction.atomic
def publish_scheme(user, scheme: Scheme, *, now=None) -> Scheme:
    """发布: checked (base points sum to 100, every section has items), then frozen. A new version
    replaces the one it revises, which is kept as superseded."""
    scheme = _locked(scheme)
    _manage(user, scheme)
    _draft(scheme)
    sums = points_summary(scheme)
    if sums[ItemKind.BASE] != TOTAL:
        raise ActionError(
            _("基本分合计须为 100 分，现为 %(s)s 分；请调整各项分值后再发布。")
            % {"s": rules.fmt(sums[ItemKind.BASE])},
            code="points",
        )
    empty = [s.name for s in scheme.sections.all() if not s.items.exists()]
    if empty:
        raise ActionError(_("以下部分没有考核项目：%(s)s。") % {"s": "、".join(empty)})
    before = audit.snapshot(scheme)
    scheme.state = SchemeState.PUBLISHED
    scheme.published_at = now or timezone.now()
    scheme.save()
    if scheme.previous_id:
        prev = Scheme.objects.select_for_update().get(pk=scheme.previous_id)
        prev_before = audit.snapshot(prev)
        prev.state = SchemeState.SUPERSEDED
        prev.save()
        audit.record(prev, "supersede_scheme", prev_before, audit.snapshot(prev), note=scheme.change_reason)
    audit.record(scheme, "publish_scheme", before, audit.snapshot(scheme))
    return scheme


@transaction.atomic
def revise_scheme(user, scheme: Scheme, *, reason: str) -> Scheme:
    """修订 a published scheme: a new draft version with every section and item copied, and the
    reason; the published one stays in force until the new version is published."""
    scheme = _locked(scheme)
    _manage(user, scheme)
    if scheme.state != SchemeState.PUBLISHED:
        raise ActionError(_("只有已发布、未结束的方案可以修订。"))
    reason = _text(reason, _("修订原因"), max_length=2000)
    if Scheme.objects.filter(series=scheme.series, state=SchemeState.DRAFT).exists():
        raise ActionError(_("该方案已有未发布的修订稿。"))
    if scheme.computations.filter(kind=ComputationKind.FINAL).exists():
        raise ActionError(_("最终排名已公布，方案不能再修订。"))
    new = Scheme.objects.get(pk=scheme.pk)
    new.pk = None
    new.version = (Scheme.objects.filter(series=scheme.series).aggregate(m=Max("version"))["m"] or 0) + 1
    new.previous = scheme
    new.change_reason = reason
    new.state = SchemeState.DRAFT
    new.published_at = None
    new.created_by = user
    new.created_at = timezone.now()
    new.save()
    for section in scheme.sections.all():
        items = list(section.items.all())
        section.pk = None
        section.scheme = new
        section.save()
        for item in items:
            item.pk = None
            item.scheme, item.section = new, section
            item.save()
    audit.record(new, "revise_scheme", None, audit.snapshot(new), note=reason)
    return new


def _shift_year(value: str, years: int) -> str:
    day = datetime.date.fromisoformat(value)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()


@transaction.atomic
def copy_scheme(user, scheme: Scheme, *, year: int, name: str = "") -> Scheme:
    """沿用: next year's scheme as a draft with every section and item of ``scheme`` (any state),
    its deadlines moved by the years between, to be changed and published as usual."""
    scheme = Scheme.objects.select_related("org").get(pk=scheme.pk)
    _manage(user, scheme)
    years = int(year) - scheme.year
    new = create_scheme(
        user,
        scheme.org,
        year=year,
        group=scheme.group,
        name=name or scheme.name.replace(str(scheme.year), str(year)),
        period_start=datetime.date.fromisoformat(_shift_year(scheme.period_start.isoformat(), years)),
        period_end=datetime.date.fromisoformat(_shift_year(scheme.period_end.isoformat(), years)),
        pass_mark=scheme.pass_mark,
        bonus_cap=scheme.bonus_cap,
        appeal_days=scheme.appeal_days,
        note=scheme.note,
    )
    for section in scheme.sections.order_by("order", "pk"):
        items = list(section.items.order_by("order", "pk"))
        copy = Section.objects.create(scheme=new, name=section.name, order=section.order)
        for item in items:
            params = dict(item.params)
            for key in ("deadline", "late_until"):
                if params.get(key):
                    params[key] = _shift_year(params[key], years)
            Item.objects.create(
                scheme=new,
                section=copy,
                code=item.code,
                order=item.order,
                name=item.name,
                kind=item.kind,
                points=item.points,
                source=item.source,
                indicator=item.indicator,
                rule=item.rule,
                params=params,
                is_hard=item.is_hard,
                veto_effect=item.veto_effect,
                description=item.description,
            )
    audit.record(new, "copy_scheme", None, audit.snapshot(new), note=_("沿用 %(s)s") % {"s": str(scheme)})
    return new


@transaction.atomic
def close_scheme(user, scheme: Scheme, *, now=None) -> Scheme:
    """结束: after the final ranking; nothing of the scheme changes any more."""
    scheme = _locked(scheme)
    _manage(user, scheme)
    if scheme.state != SchemeState.PUBLISHED:
        raise ActionError(_("只有已发布的方案可以结束。"))
    if not scheme.computations.filter(kind=ComputationKind.FINAL).exists():
        raise ActionError(_("请先公布最终排名。"))
    before = audit.snapshot(scheme)
    scheme.state = SchemeState.CLOSED
    scheme.closed_at = now or timezone.now()
    scheme.save()
    audit.record(scheme, "close_scheme", before, audit.snapshot(scheme))
    return scheme


# ---------------------------------------------------------------------------------------------
# Evidence and review


def _open_scheme(scheme: Scheme) -> None:
    if scheme.state != SchemeState.PUBLISHED:
        raise ActionError(_("方案未发布或已结束，不能申报、评审或申诉。"), code="closed")
    if scheme.computations.filter(kind=ComputationKind.FINAL).exists():
        raise ActionError(_("最终排名已公布，得分已冻结。"), code="closed")


def _assessed(scheme: Scheme, unit: OrgUnit) -> None:
    if unit.parent_id != scheme.org_id or unit.kind not in scheme.kinds:
        raise ActionError(_("%(u)s不是本方案的考核对象。") % {"u": unit.name})


def _evidence_item(scheme: Scheme, item: Item) -> None:
    if item.scheme_id != scheme.pk:
        raise ActionError(_("该项目不属于本方案。"))
    if item.source != Source.EVIDENCE:
        raise ActionError(_("该项目由平台指标计分，无需申报或评审。"))


def check_sizes(files: list[tuple[str, int]]) -> None:
    """Refuse too many files or one too large by its declared size, before any is read."""
    if len(files) > MAX_FILES:
        raise ActionError(_("佐证材料最多 %(n)d 个文件。") % {"n": MAX_FILES})
    for name, size in files:
        if size > MAX_ATTACHMENT_BYTES:
            raise ActionError(
                _("文件“%(f)s”超过 %(m)d MB 的上限，请压缩或拆分后上传。")
                % {"f": name, "m": MAX_ATTACHMENT_BYTES // 1048576}
            )


@transaction.atomic
def claim(
    user,
    scheme: Scheme,
    item: Item,
    unit: OrgUnit,
    *,
    text: str,
    link: str = "",
    files: list[tuple[str, bytes]] = (),
    is_demo: bool = False,
) -> Claim:
    """自评申报: the assessed unit's own users claim an evidence item with text, files and a link."""
    scheme = Scheme.objects.select_related("org").get(pk=scheme.pk)
    scope.check(user, unit.path, unit.ipath, "change", what=_("该单位"))
    if user is not None and user.org_id != unit.pk:
        raise ActionError(_("自评材料由被考核单位本级申报。"), code="forbidden")
    _open_scheme(scheme)
    _evidence_item(scheme, item)
    _assessed(scheme, unit)
    if item.kind in (ItemKind.DEDUCTION, ItemKind.VETO):
        raise ActionError(_("扣分和否决项由考核单位认定，不由被考核单位申报。"))
    link = (link or "").strip()
    if link and (not link.startswith(LINK_PREFIX) or link.startswith("//") or len(link) > 300):
        raise ActionError(_("平台记录链接须为本平台的页面地址（以 / 开头），例如 /building/unit/12/。"))
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ActionError(_("佐证材料最多 %(n)d 个文件。") % {"n": MAX_FILES})
    checked = [(name, data, check_upload(name, data)) for name, data in files]
    c = Claim.objects.create(
        scheme=scheme,
        item=item,
        unit=unit,
        text=_text(text, _("自评说明"), max_length=5000),
        link=link,
        submitted_by=user,
        is_demo=is_demo,
    )
    for name, data, content_type in checked:
        ClaimFile.objects.create(
            claim=c,
            name=name[:200],
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
    after = audit.snapshot(c)
    # The files as the history shows them: name, size and full hash (the content stays in ClaimFile).
    after["佐证材料"] = "；".join(
        f"{n}（{len(d)} 字节，SHA-256 {hashlib.sha256(d).hexdigest()}）" for n, d, _t in checked
    )
    audit.record(c, "claim", None, after)
    return c


def may_review(user, unit: OrgUnit) -> bool:
    """A reviewer of a level above the unit, never of the unit itself (or inside it)."""
    if user is None:
        return True
    if not scope.allows(user, "review", unit.path, unit.ipath):
        return False
    return not (user.org_id == unit.pk or (user.org_path or "").startswith(unit.path))


def _reviewer(user, unit: OrgUnit) -> None:
    if user is None:
        return
    scope.check(user, unit.path, unit.ipath, "review", what=_("该单位"))
    if not may_review(user, unit):
        raise ActionError(_("评审人不能评审本单位。"), code="own_unit")


@transaction.atomic
def review(
    user,
    scheme: Scheme,
    item: Item,
    unit: OrgUnit,
    *,
    points=0,
    comment: str,
    triggered: bool = False,
    claim_obj: Claim | None = None,
    is_demo: bool = False,
) -> Review:
    """评审: a reviewer of the assessing level scores an evidence item for a unit, with a comment."""
    scheme = Scheme.objects.select_related("org").get(pk=scheme.pk)
    _reviewer(user, unit)
    _open_scheme(scheme)
    _evidence_item(scheme, item)
    _assessed(scheme, unit)
    pts = _decimal(points, _("评定分"))
    if item.kind != ItemKind.VETO and pts > item.points:
        raise ActionError(_("评定分不能超过该项分值 %(p)s 分。") % {"p": rules.fmt(item.points)})
    if claim_obj is not None and (claim_obj.unit_id != unit.pk or claim_obj.item.code != item.code):
        raise ActionError(_("申报与评审的单位或项目不符。"))
    r = Review.objects.create(
        scheme=scheme,
        item=item,
        unit=unit,
        claim=claim_obj,
        points=Decimal("0") if item.kind == ItemKind.VETO else pts,
        triggered=bool(triggered) if item.kind == ItemKind.VETO else False,
        comment=_text(comment, _("评审意见"), max_length=2000),
        reviewer=user,
        is_demo=is_demo,
    )
    audit.record(r, "review", None, audit.snapshot(r), note=r.comment)
    return r


# ---------------------------------------------------------------------------------------------
# Computations, rankings, appeals


def _store(scheme: Scheme, comp: Computation, scores: list[scoring.UnitScore]) -> None:
    prev = (
        Computation.objects.filter(scheme__series=scheme.series, number__lt=comp.number)
        .order_by("-number")
        .first()
    )
    before = {}
    if prev is not None:
        before = {r.unit_id: r for r in prev.results.all()}
    results, items = [], []
    for s in scores:
        p = before.get(s.unit.pk)
        results.append(
            UnitResult(
                computation=comp,
                unit=s.unit,
                base=s.base,
                bonus=s.bonus,
                deduction=s.deduction,
                total=s.total,
                sections={k: str(v) for k, v in s.sections.items()},
                vetoed=s.vetoed,
                disqualified=s.disqualified,
                rank=s.rank,
                previous_rank=p.rank if p else None,
                previous_total=p.total if p else None,
            )
        )
        for i in s.items:
            fig = i.figure
            items.append(
                ItemResult(
                    computation=comp,
                    unit=s.unit,
                    item=i.item,
                    numerator=fig.numerator if fig is not None else None,
                    denominator=fig.denominator if fig is not None else None,
                    figure=i.figure_text[:40],
                    points=i.points,
                    triggered=i.triggered,
                    basis=i.basis,
                    source=i.source,
                    review=i.review,
                    appeal=i.appeal,
                )
            )
    UnitResult.objects.bulk_create(results)
    ItemResult.objects.bulk_create(items, batch_size=500)


@transaction.atomic
def compute(user, scheme: Scheme, *, kind: str = ComputationKind.WORKING, day=None, now=None) -> Computation:
    """Score every assessed unit now (``day``: the scoring day, today by default).

    ``working``: a trial anyone of the assessing level may run at any time. ``provisional``: the
    ranking published to the assessed units, open to appeal for the scheme's appeal days.
    ``final``: after the appeal window and with every appeal decided; published and frozen.
    Published rankings move the kept figure ``assessment.score`` of each unit.
    """
    scheme = _locked(scheme)
    _manage(user, scheme)
    if scheme.state != SchemeState.PUBLISHED:
        raise ActionError(_("方案须先发布才能计分。"))
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    if kind not in ComputationKind.values:
        raise ActionError(_("无效的计分类型。"))
    if scheme.computations.filter(kind=ComputationKind.FINAL).exists():
        raise ActionError(_("最终排名已公布，得分已冻结。"), code="closed")
    if kind == ComputationKind.FINAL:
        provisional = (
            scheme_computations(scheme).filter(kind=ComputationKind.PROVISIONAL).order_by("-pk").first()
        )
        if provisional is None:
            raise ActionError(_("请先公布初步排名并留出申诉期。"))
        if provisional.appeal_until and day <= provisional.appeal_until:
            raise ActionError(
                _("申诉期至 %(d)s，期满后才能公布最终排名。") % {"d": provisional.appeal_until},
                code="appeal_window",
            )
        open_appeals = Appeal.objects.filter(
            computation__scheme__series=scheme.series, state=AppealState.OPEN
        )
        if open_appeals.exists():
            raise ActionError(
                _("还有 %(n)d 件申诉未裁定，请先裁定。") % {"n": open_appeals.count()}, code="open_appeals"
            )
    number = (
        Computation.objects.filter(scheme__series=scheme.series).aggregate(m=Max("number"))["m"] or 0
    ) + 1
    comp = Computation.objects.create(
        scheme=scheme,
        number=number,
        kind=kind,
        month=scoring.figure_month(scheme, day),
        day=day,
        computed_at=now,
        computed_by=user,
        published_at=now if kind != ComputationKind.WORKING else None,
        appeal_until=day + datetime.timedelta(days=scheme.appeal_days)
        if kind == ComputationKind.PROVISIONAL
        else None,
    )
    scores = scoring.score(scheme, day)
    _store(scheme, comp, scores)
    if comp.published_at is not None:
        ind.follow_published(comp)
    audit.record(
        comp,
        f"compute_{kind}",
        None,
        {
            "kind": kind,
            "month": comp.month.isoformat(),
            "day": day.isoformat(),
            "totals": {s.unit.code: str(s.total) for s in scores},
            "ranks": {s.unit.code: s.rank for s in scores},
        },
    )
    return comp


def scheme_computations(scheme: Scheme):
    return Computation.objects.filter(scheme__series=scheme.series)


@transaction.atomic
def file_appeal(
    user, result: UnitResult, item: Item, *, reason: str, now=None, is_demo: bool = False
) -> Appeal:
    """申诉: the assessed unit contests one item of the provisional ranking within the window."""
    result = UnitResult.objects.select_related("computation__scheme__org", "unit").get(pk=result.pk)
    comp, unit = result.computation, result.unit
    scope.check(user, unit.path, unit.ipath, "change", what=_("该单位"))
    if user is not None and user.org_id != unit.pk:
        raise ActionError(_("申诉由被考核单位本级提出。"), code="forbidden")
    now = now or timezone.now()
    if comp.kind != ComputationKind.PROVISIONAL:
        raise ActionError(_("只能对公示的初步排名提出申诉。"))
    if not comp.appeal_open(timezone.localdate(now)):
        raise ActionError(_("申诉期已过（至 %(d)s）。") % {"d": comp.appeal_until}, code="appeal_window")
    _open_scheme(comp.scheme)
    try:
        scored = ItemResult.objects.get(computation=comp, unit=unit, item=item)
    except ItemResult.DoesNotExist:
        raise ActionError(_("该项目不在这次排名中。")) from None
    if Appeal.objects.filter(computation=comp, unit=unit, item=item, state=AppealState.OPEN).exists():
        raise ActionError(_("该项目已有待裁定的申诉。"))
    a = Appeal.objects.create(
        computation=comp,
        unit=unit,
        item=item,
        reason=_text(reason, _("申诉理由"), max_length=2000),
        filed_by=user,
        filed_at=now,
        points_before=scored.points,
        is_demo=is_demo,
    )
    audit.record(a, "file_appeal", None, audit.snapshot(a), note=a.reason)
    return a


@transaction.atomic
def decide_appeal(user, appeal: Appeal, *, upheld: bool, decision: str, points=None, now=None) -> Appeal:
    """裁定: the assessing level decides an appeal with a reason; upheld, with the item's points
    (a veto item: the veto is lifted). The next computation applies it, traced to the appeal."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("unit", "item", "computation__scheme")
        .get(pk=appeal.pk)
    )
    _reviewer(user, appeal.unit)
    if appeal.state != AppealState.OPEN:
        raise ActionError(_("该申诉已裁定。"))
    _open_scheme(appeal.computation.scheme)
    before = audit.snapshot(appeal)
    appeal.decision = _text(decision, _("裁定理由"), max_length=2000)
    if upheld:
        if appeal.item.kind == ItemKind.VETO:
            appeal.points = Decimal("0")
        else:
            if points in (None, ""):
                raise ActionError(_("申诉成立时请填写裁定得分。"))
            pts = _decimal(points, _("裁定得分"))
            if pts > appeal.item.points:
                raise ActionError(
                    _("裁定得分不能超过该项分值 %(p)s 分。") % {"p": rules.fmt(appeal.item.points)}
                )
            appeal.points = pts
        appeal.state = AppealState.UPHELD
    else:
        appeal.state = AppealState.REJECTED
    appeal.decided_by = user
    appeal.decided_at = now or timezone.now()
    appeal.save()
    audit.record(appeal, "decide_appeal", before, audit.snapshot(appeal), note=appeal.decision)
    return appeal
