"""The member register by real name (会员实名制): members, their stints in unions, member cards.

A :class:`Member` is a person in the register, once per citizen ID (found by the keyed hash
``id_hash``; the number itself is stored encrypted, see :mod:`unionwork.members.pii`). Each
stint in a union is a :class:`Membership`; the database holds the rule "one person, one union":
at most one active membership per ID hash (a partial unique index, on SQLite and PostgreSQL).
A :class:`MemberCard` is a member service card (会员服务卡) whose number never repeats
(:class:`CardNumberSequence`).

Records carry the materialised path of their union (``org_path``) so that a subtree is one
indexed range at two million members; :mod:`unionwork.members.signals` keeps it right when the
tree moves or units merge.
"""

from __future__ import annotations

import datetime

from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionwork.core import masking
from unionwork.core.scope import ScopedQuerySet, prefix_q


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("高中、中专、技校")
    JUNIOR = "junior", _("初中及以下")


class EmploymentForm(models.TextChoices):
    CONTRACT = "contract", _("劳动合同制")
    DISPATCHED = "dispatched", _("劳务派遣")
    MIGRANT = "migrant", _("农民工")
    PART_TIME = "part_time", _("非全日制")
    NEW_FORMS = "new_forms", _("新就业形态")
    ESTABLISHED = "established", _("机关事业编制")
    OTHER = "other", _("其他")
    # A roster without the column, or with the cell blank: the form is not known (not refused).
    NOT_RECORDED = "not_recorded", _("未记录")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在会")
    TRANSFERRED = "transferred", _("已转出")
    RETIRED = "retired", _("已退休")
    LEFT = "left", _("已退会")
    # The transfer handshake (actions.release_member / accept_member): released and not yet accepted by another union;
    # after the hand-over time, kept by the township or street union above the last union.
    IN_TRANSIT = "in_transit", _("转出待接收")
    FLOATING = "floating", _("流动会员")


# Counted as members (members.active) where their union is: in a union, or floating at a street.
COUNTED = (MemberStatus.ACTIVE, MemberStatus.FLOATING)
# Members whose transfer is open (released, not yet accepted).
IN_TRANSFER = (MemberStatus.IN_TRANSIT, MemberStatus.FLOATING)


class CardStatus(models.TextChoices):
    NONE = "none", _("未发卡")
    ISSUED = "issued", _("已发放")
    ACTIVE = "active", _("已激活")
    LOST = "lost", _("已挂失")
    REPLACED = "replaced", _("已补换")
    CANCELLED = "cancelled", _("已注销")


# A card "in force" counts for coverage: handed out (issued) or activated.
CARD_IN_FORCE = (CardStatus.ISSUED, CardStatus.ACTIVE)
# A card that still belongs to its member (at most one per member).
CARD_HELD = (CardStatus.ISSUED, CardStatus.ACTIVE, CardStatus.LOST)
# The card workflow: (from, to) pairs an action may make.
CARD_MOVES = {
    "activate": ({CardStatus.ISSUED}, CardStatus.ACTIVE),
    "report_lost": ({CardStatus.ISSUED, CardStatus.ACTIVE}, CardStatus.LOST),
    "found": ({CardStatus.LOST}, CardStatus.ACTIVE),
    "replace": ({CardStatus.ISSUED, CardStatus.ACTIVE, CardStatus.LOST}, CardStatus.REPLACED),
    "cancel": ({CardStatus.ISSUED, CardStatus.ACTIVE, CardStatus.LOST}, CardStatus.CANCELLED),
}


def _linked_units(prefix: str, outside: str = ""):
    """The units whose industrial path lies under ``prefix`` (linked to an industrial union); with
    ``outside``, only those not under that path (the others are in a prefix range already)."""
    from unionwork.orgs.models import OrgUnit

    qs = OrgUnit.objects.filter(prefix_q("ipath", prefix))
    return qs.exclude(prefix_q("path", outside)) if outside else qs


def linked_paths(prefix: str, outside: str = "") -> list[str]:
    """Paths of the units linked under the industrial ``prefix`` (see :func:`_linked_units`)."""
    return list(_linked_units(prefix, outside).values_list("path", flat=True))


class RegisterQuerySet(ScopedQuerySet):
    """Scope of register records: the union's path (denormalised) or its industrial path."""

    scope_path_field = "org_path"
    scope_ipath_field = "union__ipath"
    union_field = "union"

    def linked_q(self, prefix: str, outside: str = "") -> Q:
        """Records of the units linked under the industrial ``prefix`` (and with ``outside``,
        only those not under that path). Stints and cards name the linked units' paths: point
        look-ups on the org_path index, where an OR with a join to the union would scan the
        register."""
        linked = linked_paths(prefix, outside=outside)
        return Q(**{f"{self.scope_path_field}__in": linked}) if linked else Q(pk__in=[])

    def ipath_q(self, prefix: str) -> Q:
        # The union's industrial path starts with ``prefix`` exactly when ``org_path`` (the
        # union's path) is one of the linked units' paths. On PostgreSQL only those outside the
        # prefix's own range (for the city none, not thousands of ORs); SQLite keeps them: with
        # the OR its planner reads the newest-first list in key order, with the range alone it
        # sorts the subtree (4.2 s for the city at 400,000 members).
        return self.linked_q(prefix, outside=prefix if connection.vendor != "sqlite" else "")

    def under(self, unit) -> RegisterQuerySet:
        """Records of ``unit`` and its subtree (plus, for an industrial union, its linked units)."""
        from unionwork.orgs.models import OrgKind

        q = prefix_q(self.scope_path_field, unit.path)
        if unit.kind == OrgKind.INDUSTRIAL:
            q |= self.linked_q(unit.path)
        return self.filter(q)


class MemberQuerySet(RegisterQuerySet):
    """The members carry their union's industrial path too (``org_ipath``), so that on PostgreSQL
    an industrial union's members are one more index range (the partial index over the linked
    members), not a list of its linked units' paths: that list grows with the union (1,834 units
    in the city, 18,000 in a province) and was named in every query of its pages."""

    scope_ipath_field = "org_ipath"

    def linked_q(self, prefix: str, outside: str = "") -> Q:
        if connection.vendor == "sqlite":  # its planner's choices rest on the list (see ipath_q)
            return super().linked_q(prefix, outside)
        # None linked there (a territorial user's prefix, most often): no OR at all, as before.
        if not linked_exists(prefix, outside):
            return Q(pk__in=[])
        # The partial index's own condition, written out so the planner picks that index.
        return prefix_q("org_ipath", prefix) & ~Q(org_ipath="")

    def active(self):
        return self.filter(status=MemberStatus.ACTIVE)


def linked_exists(prefix: str, outside: str = "") -> bool:
    """Whether any unit is linked under the industrial ``prefix`` (see :func:`_linked_units`)."""
    return _linked_units(prefix, outside).exists()


def _pattern_index(fields: list[str], name: str) -> models.Index:
    # varchar_pattern_ops lets PostgreSQL answer LIKE 'x%' from the index; SQLite ignores it.
    return models.Index(fields=fields, name=name, opclasses=["varchar_pattern_ops"] * len(fields))


class Member(models.Model):
    """A person in the register (会员), once per citizen ID."""

    name = models.CharField(_("姓名"), max_length=50)
    pinyin = models.CharField(_("姓名拼音"), max_length=200, blank=True)
    initials = models.CharField(_("拼音首字母"), max_length=50, blank=True)
    id_cipher = models.BinaryField(_("身份证号（加密）"), editable=False)
    id_hash = models.CharField(_("身份证号摘要"), max_length=32, editable=False)
    pii_key = models.CharField(_("密钥编号"), max_length=8, editable=False)
    # The birth date is read from the decrypted number (see ``birth_date``); only the year is kept
    # in clear, for sorting and age figures at scale (one year holds too many people to identify one).
    birth_year = models.PositiveSmallIntegerField(_("出生年份"))
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    education = models.CharField(_("文化程度"), max_length=20, choices=Education.choices, blank=True)
    employment_form = models.CharField(_("用工形式"), max_length=20, choices=EmploymentForm.choices)
    # No index of its own: a union's members are those whose org_path is the union's path.
    union = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("所在工会"),
        db_index=False,
    )
    org_path = models.CharField(_("组织路径"), max_length=255)
    # The union's industrial path (its ``ipath``), kept beside ``org_path`` by the same actions and
    # by :mod:`unionwork.members.signals` when links to industrial unions change.
    org_ipath = models.CharField(_("产业路径"), max_length=255, blank=True, default="", editable=False)
    status = models.CharField(
        _("会籍状态"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    joined_on = models.DateField(_("入会日期"))
    left_on = models.DateField(_("离会日期"), null=True, blank=True)
    card_status = models.CharField(
        _("会员卡"), max_length=20, choices=CardStatus.choices, default=CardStatus.NONE
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    objects = MemberQuerySet.as_manager()
    # Never in the audit trail: the cipher (useless there) and the hash (a key to the number).
    audit_exclude = (
        "id_cipher",
        "id_hash",
        "pii_key",
        "pinyin",
        "initials",
        "org_ipath",
        "created_at",
        "updated_at",
    )
    # Not shown in the history on pages: beside the masked number and the age band, a birth date
    # (kept by events written before it was derived on read) or even the birth year narrows the
    # number to too few candidates (members/tests/test_masking.py).
    audit_hidden = ("birth_date", "id_masked", "birth_year")

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        ordering = ["pinyin", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["id_hash"], name="member_one_record_per_id"),
            models.CheckConstraint(condition=~Q(name=""), name="member_name_not_empty"),
            models.CheckConstraint(
                condition=Q(status=MemberStatus.ACTIVE, left_on__isnull=True)
                | ~Q(status=MemberStatus.ACTIVE),
                name="member_active_has_no_left_on",
            ),
        ]
        indexes = [
            # Figures of a subtree read this index alone (a union's members share its path).
            _pattern_index(["org_path", "status", "card_status"], "member_scope_figures"),
            # An industrial union's members, anywhere: only the linked members' rows (a few in a
            # hundred), so a roster of unlinked units adds nothing to it.
            models.Index(
                fields=["org_ipath"],
                name="member_ipath_scope",
                opclasses=["varchar_pattern_ops"],
                condition=~Q(org_ipath=""),
            ),
            # The list's orders by name (pinyin), age and joining date, as the default order by id:
            # a page is read off the index, not two million rows sorted.
            models.Index(fields=["pinyin", "id"], name="member_name_order"),
            models.Index(fields=["birth_year", "id"], name="member_age_order"),
            models.Index(fields=["joined_on", "id"], name="member_joined_order"),
            # Search; one index each, since every index costs a million-row import dearly. The
            # name's carries the member's path: a search by a name's first character in a subtree
            # (one surname holds some 20,000 of the city's members) is counted from the index
            # alone, not from 10,000 rows of the table (23.7 -> 3.0 ms; docs/benchmarks.md).
            _pattern_index(["name", "org_path"], "member_name_search"),
            _pattern_index(["pinyin"], "member_pinyin_search"),
            _pattern_index(["initials"], "member_initials_search"),
        ]

    def __str__(self):
        return f"{self.name}（{self.id_masked}）"

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    def place_in(self, union) -> None:
        """Put the member in ``union``: the union and the copies of its paths, together."""
        self.union, self.org_path, self.org_ipath = union, union.path, union.ipath

    def audit_org_path(self) -> str:
        return self.org_path

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    # -- derived on read from the decrypted number: nothing of it is stored in clear ------------------
    @property
    def id_number(self) -> str:
        """The full number (decrypted once per instance). Show it only through an audited action."""
        cached = self.__dict__.get("_id_number")
        if cached is None or cached[0] != bytes(self.id_cipher or b""):
            from unionwork.members import pii

            cached = (
                bytes(self.id_cipher or b""),
                pii.decrypt(self.id_cipher, self.pii_key) if self.id_cipher else "",
            )
            self.__dict__["_id_number"] = cached
        return cached[1]

    @property
    def id_masked(self) -> str:
        return masking.mask_id(self.id_number)

    @property
    def birth_date(self) -> datetime.date | None:
        n = self.id_number
        return datetime.date(int(n[6:10]), int(n[10:12]), int(n[12:14])) if len(n) == 18 else None

    @property
    def age_band(self) -> str:
        return masking.age_band(self.birth_date)

    @property
    def phone_masked(self) -> str:
        return masking.mask_phone(self.phone)

    def joined_on_text(self) -> str:
        return self.joined_on.isoformat() if self.joined_on else ""


class Membership(models.Model):
    """One stint of a member in a union (会籍记录): from joining or transfer in, to leaving."""

    class Source(models.TextChoices):
        FORM = "form", _("登记")
        IMPORT = "import", _("名册导入")
        TRANSFER = "transfer", _("转会")
        MERGE = "merge", _("组织合并")
        DEMO = "demo", _("演示数据")

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("会员")
    )
    union = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("工会"),
        db_index=False,
    )
    org_path = models.CharField(_("组织路径"), max_length=255)
    id_hash = models.CharField(max_length=32, editable=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    started_on = models.DateField(_("起始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_note = models.CharField(_("结束说明"), max_length=300, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.FORM)
    job_id = models.BigIntegerField(_("导入任务"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    objects = RegisterQuerySet.as_manager()
    audit_exclude = ("id_hash",)

    class Meta:
        verbose_name = _("会籍记录")
        verbose_name_plural = _("会籍记录")
        ordering = ["-started_on", "-pk"]
        constraints = [
            # One person, one union: an ID is active in at most one union.
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=Q(status=MemberStatus.ACTIVE),
                name="membership_one_active_per_id",
            ),
            models.CheckConstraint(
                condition=(Q(status=MemberStatus.ACTIVE) & Q(ended_on__isnull=True))
                | (~Q(status=MemberStatus.ACTIVE) & Q(ended_on__isnull=False)),
                name="membership_ended_iff_not_active",
            ),
        ]

    def __str__(self):
        return f"{self.union_id}:{self.started_on}"

    def audit_org_path(self) -> str:
        return self.org_path


class TransitStatus(models.TextChoices):
    IN_TRANSIT = "in_transit", _("转出待接收")
    FLOATING = "floating", _("流动会员")
    ACCEPTED = "accepted", _("已转入")


OPEN_TRANSIT = (TransitStatus.IN_TRANSIT, TransitStatus.FLOATING)


class TransitQuerySet(ScopedQuerySet):
    """A transfer is seen by the releasing union's scope (``from_path``) and, beside it, by the
    named destination's (``to_path``), the union it was offered to by a registration
    (``offer_path``) and the street union that keeps a floating member (``holder_path``)."""

    scope_path_field = "from_path"

    def extra_scope_q(self, user, action: str) -> Q | None:
        from unionwork.core.scope import user_paths

        q = Q(pk__in=[])
        for p in user_paths(user):
            q |= prefix_q("to_path", p) | prefix_q("offer_path", p) | prefix_q("holder_path", p)
        return q

    def open(self):
        return self.filter(status__in=OPEN_TRANSIT)


class Transit(models.Model):
    """One transfer handshake (转会): released by one union (转出), accepted by another (转入).

    While it is open the member is in transit (counted in ``members.in_transit`` at the releasing
    union's district) or, after the hand-over time, floating (流动会员) at the township or street
    union above the last union (counted there in ``members.active`` and ``members.floating``).
    """

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="transits", verbose_name=_("会员")
    )
    from_union = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("转出工会")
    )
    from_path = models.CharField(_("转出工会路径"), max_length=255)
    destination = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("拟转入工会"),
    )
    to_path = models.CharField(max_length=255, blank=True)
    offered_to = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记时发现的工会"),
    )
    offer_path = models.CharField(max_length=255, blank=True)
    holder = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("流动会员所在工会"),
    )
    holder_path = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=TransitStatus.choices, default=TransitStatus.IN_TRANSIT
    )
    released_on = models.DateField(_("转出日期"))
    floated_on = models.DateField(_("转为流动会员日期"), null=True, blank=True)
    accepted_on = models.DateField(_("转入日期"), null=True, blank=True)
    accepted_union = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("转入工会"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    objects = TransitQuerySet.as_manager()
    # Kept in the audit trail, not shown in a page's history: the paths are bookkeeping of scope.
    audit_hidden = ("from_path", "to_path", "offer_path", "holder_path")

    class Meta:
        verbose_name = _("转会记录")
        verbose_name_plural = _("转会记录")
        ordering = ["released_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["in_transit", "floating"]),
                name="transit_one_open_per_member",
            ),
            models.CheckConstraint(
                condition=Q(status="accepted", accepted_on__isnull=False, accepted_union__isnull=False)
                | (~Q(status="accepted") & Q(accepted_on__isnull=True)),
                name="transit_accepted_iff_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status="floating") | Q(holder__isnull=False, floated_on__isnull=False),
                name="transit_floating_has_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "released_on"], name="transit_open_by_age"),
            _pattern_index(["from_path"], "transit_from_path"),
        ]

    def __str__(self):
        return f"{self.member.name}（{self.from_union.name} {self.released_on} 转出）"

    def get_absolute_url(self) -> str:
        return reverse("members:transit", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.from_path

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TRANSIT

    @property
    def age_days(self) -> int:
        return self.age()

    @property
    def destination_label(self) -> str:
        return " / ".join(u.name for u in (self.offered_to, self.destination) if u is not None)

    @property
    def holder_label(self) -> str:
        return self.holder.name if self.holder_id else ""

    @property
    def accepted_union_label(self) -> str:
        return self.accepted_union.name if self.accepted_union_id else ""

    def age(self, today: datetime.date | None = None) -> int:
        """Days since the release (今天 − 转出日期)."""
        from django.utils import timezone

        return ((today or timezone.localdate()) - self.released_on).days


class CardBatch(models.Model):
    """One bulk issue of member cards for a union or a subtree."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("发卡范围")
    )
    org_path = models.CharField(max_length=255, db_index=True)
    count = models.PositiveIntegerField(_("张数"), default=0)
    first_number = models.CharField(_("起始卡号"), max_length=20, blank=True)
    last_number = models.CharField(_("截止卡号"), max_length=20, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("发卡批次")
        verbose_name_plural = _("发卡批次")
        ordering = ["-pk"]

    def __str__(self):
        return f"#{self.pk} {self.count}"

    def audit_org_path(self) -> str:
        return self.org_path


class MemberCard(models.Model):
    """A member service card (会员服务卡)."""

    number = models.CharField(_("卡号"), max_length=20)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cards", verbose_name=_("会员"))
    union = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("发卡工会"), db_index=False
    )
    org_path = models.CharField(_("组织路径"), max_length=255)
    status = models.CharField(_("状态"), max_length=20, choices=CardStatus.choices, default=CardStatus.ISSUED)
    batch = models.ForeignKey(
        CardBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="cards"
    )
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("替换的卡"),
    )
    issued_at = models.DateTimeField(_("发卡时间"))
    activated_at = models.DateTimeField(_("激活时间"), null=True, blank=True)
    lost_at = models.DateTimeField(_("挂失时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("补换/注销时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("会员服务卡")
        verbose_name_plural = _("会员服务卡")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="membercard_number_unique"),
            models.UniqueConstraint(
                fields=["member"], condition=Q(status__in=CARD_HELD), name="membercard_one_held_per_member"
            ),
            models.CheckConstraint(
                condition=~Q(status=CardStatus.NONE), name="membercard_status_is_a_card_status"
            ),
        ]
        indexes = [models.Index(fields=["org_path", "status"], name="membercard_scope")]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.member_id])

    def audit_org_path(self) -> str:
        return self.org_path


class CardNumberSequence(models.Model):
    """The last serial given out per card-number prefix; it only goes up, so numbers never repeat."""

    prefix = models.CharField(max_length=10, unique=True)
    last = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("卡号序列")
        verbose_name_plural = _("卡号序列")

    def __str__(self):
        return f"{self.prefix}:{self.last}"
