"""The register: encryption at rest, masking, audited unmasking, one person one union, cards, figures."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from unionwork.core import audit, identifiers
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.members import actions, pii, queries
from unionwork.members.models import CardStatus, Member, MemberCard, Membership, MemberStatus
from unionwork.orgs.models import OrgUnit

from .helpers import new_id, new_unit, register

pytestmark = pytest.mark.django_db


def _raw_row(member_id: int) -> bytes:
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM members_member WHERE id = %s", [member_id])
        row = cur.fetchone()
    return repr(row).encode() + b"".join(bytes(v) for v in row if isinstance(v, bytes | memoryview))


def test_id_is_encrypted_at_rest_and_found_by_its_keyed_hash(acting):
    number = new_id()
    member = actions.register_member(
        None, unit("G0001"), name="张三", id_number=number, employment_form="contract"
    )
    raw = _raw_row(member.pk)
    assert number.encode() not in raw and number[6:14].encode() not in raw
    assert member.id_hash != number and len(member.id_hash) == 32
    assert member.id_masked == number[:2] + "*" * 15 + number[17:]
    assert pii.decrypt(member.id_cipher, member.pii_key) == number
    assert actions.find_by_id(number).pk == member.pk
    # the audit trail holds neither the number nor its hash
    for ev in AuditEvent.objects.filter(model="members.member", object_id=str(member.pk)):
        assert number not in str(ev.after) and member.id_hash not in str(ev.after)


def test_reveal_is_for_administrators_and_audited(acting):
    member = register("G0001")[0]
    admin, viewer = demo_user("gjz_admin"), demo_user("gjz_viewer")
    with audit.acting_as(viewer, "test"), pytest.raises(ActionError):
        actions.reveal_id(viewer, member)
    before = AuditEvent.objects.filter(verb="view_pii").count()
    with audit.acting_as(admin, "test"):
        number = actions.reveal_id(admin, member)
    assert len(number) == 18 and number[:2] == member.id_masked[:2]
    ev = AuditEvent.objects.filter(verb="view_pii").latest("id")
    assert AuditEvent.objects.filter(verb="view_pii").count() == before + 1
    assert (ev.object_id, ev.actor_id) == (str(member.pk), admin.pk)
    zs_admin = demo_user("zs_admin")  # another district: not even the masked record
    with audit.acting_as(zs_admin, "test"), pytest.raises(ActionError):
        actions.reveal_id(zs_admin, member)


def test_database_refuses_a_second_active_membership_of_one_id(acting):
    member = register("G0001")[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            member=member,
            union=unit("G0003"),
            org_path=unit("G0003").path,
            id_hash=member.id_hash,
            started_on=datetime.date.today(),
            created_at=member.created_at,
        )
    # a closed stint with the same hash is fine
    Membership.objects.create(
        member=member,
        union=unit("G0003"),
        org_path=unit("G0003").path,
        id_hash=member.id_hash,
        status=MemberStatus.LEFT,
        started_on=datetime.date(2000, 1, 1),
        ended_on=datetime.date(2001, 1, 1),
        created_at=member.created_at,
    )


def test_registering_someone_active_elsewhere_says_where_and_transfer_keeps_both_stints():
    number = new_id()
    with audit.acting_as(None, "test"):
        member = actions.register_member(
            None, unit("G0003"), name="李四", id_number=number, employment_form="contract"
        )
    gjz = demo_user("gjz_admin")
    with audit.acting_as(gjz, "test"):
        with pytest.raises(ActionError) as exc:
            actions.register_member(
                gjz, unit("G0001"), name="李四", id_number=number, employment_form="contract"
            )
        message = exc.value.messages[0]
        assert member.id_masked in message and "大连中山演示重工有限公司工会" in message
        assert "李四" not in message  # outside the scope: the union's name only
        # taking them from a union outside the scope is not one step: that union releases first
        with pytest.raises(ActionError, match="先为其办理转出") as exc:
            actions.transfer_member(gjz, member, unit("G0001"))
        assert exc.value.code == "held_elsewhere" and "大连中山演示重工有限公司工会" in exc.value.messages[0]
    member.refresh_from_db()
    assert member.union.code == "G0003" and member.is_active
    with audit.acting_as(None, "test"):  # the system (a command) acts across scopes
        actions.transfer_member(None, member, unit("G0001"))
    member.refresh_from_db()
    assert (member.union_id, member.status, member.org_path) == (
        unit("G0001").pk,
        "active",
        unit("G0001").path,
    )
    stints = list(Membership.objects.filter(member=member).order_by("pk"))
    assert [s.status for s in stints] == ["transferred", "active"]
    assert [s.union_id for s in stints] == [unit("G0003").pk, unit("G0001").pk]
    assert AuditEvent.objects.filter(
        model="members.member", object_id=str(member.pk), verb="transfer"
    ).exists()


def test_leaving_and_rejoining_reuses_the_record(acting):
    member = register("G0002")[0]
    actions.end_membership(None, member, MemberStatus.RETIRED, note="退休")
    member.refresh_from_db()
    assert (member.status, member.left_on) == ("retired", datetime.date.today())
    number = pii.decrypt(member.id_cipher, member.pii_key)
    again = actions.register_member(
        None, unit("G0001"), name=member.name, id_number=number, employment_form="migrant"
    )
    assert again.pk == member.pk and again.status == "active" and again.union_id == unit("G0001").pk
    assert Membership.objects.filter(member=member).count() == 2


def test_birth_date_and_sex_given_must_match_the_number(acting):
    number = new_id(birth=datetime.date(1980, 2, 3))
    with pytest.raises(ActionError) as exc:
        actions.register_member(
            None,
            unit("G0001"),
            name="王五",
            id_number=number,
            employment_form="contract",
            birth_date=datetime.date(1980, 3, 2),
        )
    assert exc.value.code == "birth_date"


def test_card_numbers_never_repeat(acting):
    register("G0001", 5)
    first = actions.issue_cards(None, unit("G0001"))
    assert first.count >= 5
    numbers = set(MemberCard.objects.values_list("number", flat=True))
    card = MemberCard.objects.filter(batch=first).first()
    actions.change_card(None, card, "activate")
    actions.change_card(None, card, "report_lost")
    new = actions.replace_card(None, card, "丢失补办")
    assert new.number not in numbers and new.replaces_id == card.pk
    card.refresh_from_db()
    assert card.status == CardStatus.REPLACED
    # a rolled-back issue does not leave a number for anyone else to repeat
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.allocate_card_numbers(3)
        raise RuntimeError
    later = actions.allocate_card_numbers(50)
    all_numbers = list(MemberCard.objects.values_list("number", flat=True)) + later
    assert len(all_numbers) == len(set(all_numbers))
    assert all(identifiers.card_number_problem(n) is None for n in later)
    with pytest.raises(ActionError):
        actions.change_card(None, card, "activate")  # a replaced card is finished
    # a second issue gives nobody a second card
    again = actions.issue_cards(None, unit("G0001"))
    assert again.count == 0


def test_coverage_roll_up_equals_the_sum_of_children(acting):
    register("G0001", 4)
    register("G0002", 3)
    register("G0003", 2)
    actions.issue_cards(None, unit("G0001"))
    city_admin = demo_user("city_admin")
    city = city_admin.org
    table = queries.children_figures(city_admin, city)
    total = table.total
    assert total.members == sum(r.members for r in table.all_rows)
    assert total.carded == sum(r.carded for r in table.all_rows)
    assert total.members == Member.objects.filter(status="active").count()
    gjz = next(r for r in table.rows if r.unit.code == "210211")
    assert (
        gjz.members
        == Member.objects.filter(status="active", org_path__startswith=unit("210211").path).count()
    )
    node = queries.node_figures(city_admin, unit("210211"))
    assert (node.members, node.carded) == (gjz.members, gjz.carded)
    assert node.coverage == round(node.carded * 100 / node.members, 1)
    # one level down adds up too
    sub = queries.children_figures(city_admin, unit("210211"))
    assert sub.total.members == sum(r.members for r in sub.all_rows) == gjz.members
    rows = queries.card_deadline_table(city_admin)
    assert {r.unit.code for r in rows} >= {"210211", "210202", "I01"}
    # an industrial union's rows are the districts its linked units lie in, and add up too
    jx = demo_user("jx_admin")
    by_district = queries.children_figures(jx, jx.org)
    assert by_district.by == "districts"
    in_jx = Member.objects.restrict(jx).filter(status="active")
    assert {r.unit.code for r in by_district.rows} == {
        u.code
        for u in OrgUnit.objects.filter(parent=city)
        if in_jx.filter(org_path__startswith=u.path).exists()
    }
    assert len(by_district.rows) >= 2  # G0001 and G0003 lie in two districts
    for row in by_district.rows:
        assert row.members == in_jx.filter(org_path__startswith=row.unit.path).count(), row.label
    assert by_district.total.members == sum(r.members for r in by_district.all_rows) == in_jx.count()


def test_an_industrial_unions_districts_from_kept_figures_are_its_members_there(acting):
    """The page's table (kept figures of the linked units, summed by district) counts what the
    register counts, also when a unit under a linked unit is linked to another industrial union
    (its members are that union's, not this one's) and when a card is issued."""

    register("G0001", 3)
    register("G0003", 2)
    joint = new_unit("TJ001", kind="joint", name="演示联合工会", industrial_union=unit("I01"))
    mine = new_unit("TJ002", parent=joint, name="演示联合工会成员一")
    inner = new_unit(
        "TJ003", parent=joint, name="演示联合工会成员二（另属产业工会）", industrial_union=unit("I02")
    )
    register(mine.code, 2)
    register(inner.code, 4)
    actions.issue_cards(None, unit("G0003"))
    jx = demo_user("jx_admin")
    table = queries.kept_figures(jx, jx.org)
    in_jx = Member.objects.restrict(jx)
    assert in_jx.filter(org_path=mine.path).count() == 2
    assert not in_jx.filter(org_path__startswith=inner.path).exists()
    assert len(table.rows) >= 2
    for row in table.rows:
        here = in_jx.filter(org_path__startswith=row.unit.path)
        assert row.members == here.filter(status="active").count(), row.label
        assert row.carded == here.filter(status="active", card_status__in=["issued", "active"]).count(), (
            row.label
        )
    assert (
        table.total.members == sum(r.members for r in table.all_rows) == in_jx.filter(status="active").count()
    )


def test_a_district_sees_none_of_another_districts_members(acting):
    mine = register("G0001", 2)
    theirs = register("G0003", 2)
    gjz = demo_user("gjz_admin")
    visible = set(Member.objects.restrict(gjz).values_list("pk", flat=True))
    assert {m.pk for m in mine} <= visible
    assert not visible & {m.pk for m in theirs}
    # the industrial union 机械冶金 sees its linked units in both districts (G0001 and G0003)
    jx = demo_user("jx_admin")
    seen = set(Member.objects.restrict(jx).values_list("pk", flat=True))
    assert {m.pk for m in mine + theirs} <= seen
    assert (
        queries.search_members(Member.objects.restrict(gjz), theirs[0].name).filter(pk=theirs[0].pk).count()
        == 0
    )


def test_search_by_name_pinyin_and_exact_id(acting):
    number = new_id()
    member = actions.register_member(
        None, unit("G0001"), name="单田芳", id_number=number, employment_form="contract"
    )
    qs = Member.objects.all()
    for q in ("单田芳", "单田", "shantianfang", "shantian", "stf", number, number.lower()):
        assert member in queries.search_members(qs, q), q
    assert not queries.search_members(qs, number[:17] + ("0" if number[17] != "0" else "1")).exists()


def test_tree_moves_carry_the_denormalised_paths(acting):
    from unionwork.orgs import actions as org_actions

    member = register("G0002")[0]
    g2 = unit("G0002")
    target = unit("210211001001")
    org_actions.move_unit(None, g2, target)
    member.refresh_from_db()
    g2.refresh_from_db()
    assert member.org_path == g2.path
    assert Membership.objects.get(member=member, status="active").org_path == g2.path
