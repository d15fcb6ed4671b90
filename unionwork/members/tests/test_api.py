"""The member register over /api/v1/members/: scope, roles, audit, masked IDs, exact-ID search."""

import json
import re

import pytest

from unionwork.core import audit
from unionwork.core.tests.apiclient import clients, events_since, last_event_id
from unionwork.core.tests.factories import demo_user, unit
from unionwork.members import pii
from unionwork.members.models import Member, MemberCard
from unionwork.orgs.models import OrgUnit

from .helpers import new_id, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    return clients(client)


URL = "/api/v1/members/"
# An 18-character ID number anywhere in a body (a masked one has ten asterisks in the middle).
FULL_ID = re.compile(r"\d{17}[\dX]")


def number_of(member: Member) -> str:
    return pii.decrypt(member.id_cipher, member.pii_key)


def assert_masked(response, *numbers: str) -> None:
    """No full ID number in the body; every ID shown is the masked form the pages show."""
    text = response.content.decode()
    assert not FULL_ID.search(text), text[:500]
    for number in numbers:
        assert number not in text
    for masked in re.findall(r'"(?:member_)?id_masked": "([^"]*)"', text):
        assert re.fullmatch(r"\d{2}\*{15}[\dX]", masked), masked


@pytest.fixture
def people():
    """Two members of 甘井子区 (G0001) and one of 中山区 (G0003)."""
    mine = register("G0001", 2)
    theirs = register("G0003", 1)[0]
    return mine, theirs


# --- reads ---------------------------------------------------------------------------------------


def test_list_shows_the_scope_masked_and_pages_by_key(as_user, people):
    mine, theirs = people
    api = as_user("gjz_viewer")
    response = api.get(URL, under="G0001", limit=1)
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"]) == 1 and body["next_after"] == body["items"][0]["id"]
    assert_masked(response, *(number_of(m) for m in mine))
    seen, after = [], None
    while True:
        page = api.get(URL, under="G0001", limit=1, **({"after": after} if after else {})).json()
        seen += [i["id"] for i in page["items"]]
        after = page["next_after"]
        if after is None:
            break
    assert sorted(seen) == sorted(m.pk for m in mine) and len(seen) == len(set(seen))
    everything = api.get(URL, limit=200).json()["items"]
    assert theirs.pk not in {i["id"] for i in everything}
    paths = OrgUnit.objects.filter(pk__in={i["union_id"] for i in everything}).values_list("path", flat=True)
    assert all(p.startswith(unit("210211").path) for p in paths)


def test_a_member_of_another_district_is_404(as_user, people):
    mine, theirs = people
    api = as_user("gjz_admin")
    assert api.get(f"{URL}{theirs.pk}").status_code == 404
    response = api.get(f"{URL}{mine[0].pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id_masked"] == mine[0].id_masked and body["stints"][0]["union_name"] == mine[0].union.name
    assert_masked(response, number_of(mine[0]))


def test_search_by_exact_id_number_through_the_keyed_hash(as_user, people):
    mine, theirs = people
    api = as_user("gjz_viewer")
    response = api.get(URL, id_number=number_of(mine[1]))
    assert [i["id"] for i in response.json()["items"]] == [mine[1].pk]
    assert_masked(response, number_of(mine[1]))
    # the list's search box (q) finds the same member by the full number
    assert [i["id"] for i in api.get(URL, q=number_of(mine[1])).json()["items"]] == [mine[1].pk]
    # the other district's member is not found, not even confirmed
    assert api.get(URL, id_number=number_of(theirs)).json()["items"] == []
    # a malformed number is a clear refusal, not an empty list
    number = number_of(mine[1])
    response = api.get(URL, id_number=number[:17] + ("0" if number[17] != "0" else "1"))
    assert response.status_code == 400 and "校验位" in response.json()["detail"]


# --- writes --------------------------------------------------------------------------------------


def test_register_update_and_transfer_are_audited_with_masked_output(as_user):
    api = as_user("gjz_editor")
    number = new_id()
    since = last_event_id()
    response = api.post(
        URL,
        {
            "union_id": unit("G0001").pk,
            "name": "接口登记",
            "id_number": number,
            "employment_form": "contract",
            "phone": "13904110001",
        },
    )
    assert response.status_code == 201, response.content
    assert_masked(response, number)
    member = Member.objects.get(pk=response.json()["id"])
    assert member.union.code == "G0001" and member.id_masked == response.json()["id_masked"]
    created = events_since(since, "members.member")
    assert [e.verb for e in created] == ["create"] and created[0].source == "api"
    assert created[0].actor_id == demo_user("gjz_editor").pk

    # PATCH changes only what it names
    since = last_event_id()
    response = api.patch(f"{URL}{member.pk}", {"phone": "13904110002"})
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.phone, member.name, member.employment_form, member.id_hash) == (
        "13904110002",
        "接口登记",
        "contract",
        pii.id_hash(number),
    )
    (event,) = events_since(since, "members.member")
    assert event.verb == "update" and event.source == "api" and set(event.changes()) == {"phone"}

    # transfer to another union of the district; to one outside it is refused like an unknown one
    response = api.post(f"{URL}{member.pk}/transfer", {"to_union_id": unit("G0003").pk})
    assert response.status_code == 400 and "管辖范围" in response.json()["detail"]
    since = last_event_id()
    response = api.post(f"{URL}{member.pk}/transfer", {"to_union_id": unit("G0002").pk, "note": "调动"})
    assert response.status_code == 200, response.content
    assert response.json()["union_id"] == unit("G0002").pk
    assert [e.verb for e in events_since(since, "members.member")] == ["transfer"]
    assert_masked(response, number)


def test_a_person_active_elsewhere_is_named_masked(as_user, people):
    mine, theirs = people
    response = as_user("gjz_editor").post(
        URL,
        {
            "union_id": unit("G0001").pk,
            "name": "重复",
            "id_number": number_of(theirs),
            "employment_form": "contract",
        },
    )
    assert response.status_code == 400
    assert theirs.id_masked in response.json()["detail"] and theirs.name not in response.json()["detail"]
    assert_masked(response, number_of(theirs))


def test_a_viewer_token_cannot_write(as_user, people):
    mine, _theirs = people
    api = as_user("gjz_viewer")
    body = {
        "union_id": unit("G0001").pk,
        "name": "查看员",
        "id_number": new_id(),
        "employment_form": "contract",
    }
    before = last_event_id()
    for response in (
        api.post(URL, body),
        api.patch(f"{URL}{mine[0].pk}", {"phone": "13904119999"}),
        api.post(f"{URL}{mine[0].pk}/transfer", {"to_union_id": unit("G0002").pk}),
        api.post(f"{URL}{mine[0].pk}/leave", {"status": "left"}),
        api.post(f"{URL}{mine[0].pk}/cards"),
        api.post(f"{URL}cards/issue", {"unit_id": unit("G0001").pk}),
    ):
        assert response.status_code == 403, response.content
        assert "无权" in response.json()["detail"]
    assert last_event_id() == before
    assert not Member.objects.filter(name="查看员").exists()


def test_writes_to_another_districts_member_are_404(as_user, people):
    _mine, theirs = people
    api = as_user("gjz_admin")
    assert api.patch(f"{URL}{theirs.pk}", {"phone": "13904119999"}).status_code == 404
    assert api.post(f"{URL}{theirs.pk}/transfer", {"to_union_id": unit("G0001").pk}).status_code == 404
    assert api.post(f"{URL}{theirs.pk}/cards").status_code == 404
    theirs.refresh_from_db()
    assert theirs.union.code == "G0003" and theirs.card_status == "none"


# --- cards ---------------------------------------------------------------------------------------


def test_cards_issued_replaced_and_cancelled_one_by_one(as_user, people):
    mine, theirs = people
    api = as_user("gjz_editor")
    since = last_event_id()
    response = api.post(f"{URL}{mine[0].pk}/cards")
    assert response.status_code == 201, response.content
    card = response.json()
    assert card["member_id"] == mine[0].pk and card["status"] == "issued"
    assert card["member_id_masked"] == mine[0].id_masked
    assert_masked(response, number_of(mine[0]))
    assert [e.verb for e in events_since(since, "members.membercard")] == ["issue_card"]
    # a second card while the first is held: refused, nothing issued
    again = api.post(f"{URL}{mine[0].pk}/cards")
    assert again.status_code == 400 and "已持有" in again.json()["detail"]

    response = api.post(f"{URL}cards/{card['id']}/replace", {"note": "磨损"})
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["replaces_id"] == card["id"] and new["number"] != card["number"]
    assert MemberCard.objects.get(pk=card["id"]).status == "replaced"

    since = last_event_id()
    response = api.post(f"{URL}cards/{new['id']}/cancel", {"note": "本人申请"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    (event,) = events_since(since, "members.membercard")
    assert event.verb == "card" and event.source == "api"

    # the list shows this district's cards only, masked
    theirs_card = register("G0003", 1)[0]
    with audit.acting_as(None, "test"):
        from unionwork.members import actions

        actions.issue_cards(None, unit("G0003"), member_ids=[theirs.pk, theirs_card.pk])
    listed = api.get(f"{URL}cards/", limit=200)
    assert listed.status_code == 200
    ids = {c["id"] for c in listed.json()["items"]}
    assert {card["id"], new["id"]} <= ids
    other = MemberCard.objects.filter(member=theirs).get()
    assert other.pk not in ids
    assert_masked(listed, number_of(mine[0]), number_of(theirs))
    assert api.get(f"{URL}cards/{other.pk}").status_code == 404
    assert api.post(f"{URL}cards/{other.pk}/cancel").status_code == 404
    assert api.post(f"{URL}cards/{other.pk}/replace").status_code == 404


def test_a_viewer_cannot_replace_or_cancel_a_card(as_user, people):
    mine, _theirs = people
    with audit.acting_as(None, "test"):
        from unionwork.members import actions

        batch = actions.issue_cards(None, unit("G0001"), member_ids=[mine[0].pk])
    card = MemberCard.objects.get(batch=batch)
    api = as_user("gjz_viewer")
    assert api.get(f"{URL}cards/{card.pk}").status_code == 200
    for response in (api.post(f"{URL}cards/{card.pk}/replace"), api.post(f"{URL}cards/{card.pk}/cancel")):
        assert response.status_code == 403
    card.refresh_from_db()
    assert card.status == "issued"


def test_bulk_issue_for_a_union(as_user, people):
    mine, _theirs = people
    response = as_user("gjz_admin").post(f"{URL}cards/issue", {"unit_id": unit("G0001").pk})
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["count"] == Member.objects.filter(union__code="G0001", card_status="issued").count() >= 2
    refused = as_user("gjz_admin").post(f"{URL}cards/issue", {"unit_id": unit("G0003").pk})
    assert refused.status_code == 400
    assert json.loads(refused.content)["detail"]


def test_lists_do_not_query_per_row(as_user, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = as_user("gjz_viewer")
    api.get(URL)  # the token's first use writes last_used_at

    def count(path, **params):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(path, **params).status_code == 200
        return len(ctx.captured_queries)

    assert count(URL, limit=1) == count(URL, limit=200)
    with audit.acting_as(None, "test"):
        from unionwork.members import actions

        actions.issue_cards(None, unit("G0001"))
    assert count(f"{URL}cards/", limit=1) == count(f"{URL}cards/", limit=200)


def test_correcting_the_id_number_and_leaving_are_audited_and_never_echo_the_number(as_user, people):
    mine, _theirs = people
    api = as_user("gjz_admin")
    corrected = new_id()
    since = last_event_id()
    response = api.patch(f"{URL}{mine[0].pk}", {"id_number": corrected})
    assert response.status_code == 200, response.content
    assert_masked(response, corrected)
    mine[0].refresh_from_db()
    assert number_of(mine[0]) == corrected and response.json()["id_masked"] == mine[0].id_masked
    assert [i["id"] for i in api.get(URL, id_number=corrected).json()["items"]] == [mine[0].pk]
    (event,) = events_since(since, "members.member")
    assert corrected not in str(event.before) + str(event.after)

    response = api.post(f"{URL}{mine[0].pk}/leave", {"status": "retired", "note": "到龄"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "retired" and response.json()["stints"][0]["status"] == "retired"
    assert events_since(since, "members.member")[-1].verb == "leave"
    again = api.post(f"{URL}{mine[0].pk}/leave", {"status": "left"})
    assert again.status_code == 400 and "不是在会会员" in again.json()["detail"]
