"""Member cards one by one from the member's page (issue, replace, cancel), and in bulk with a
preview of what will happen before it is done."""

import pytest
from django.urls import reverse

from unionwork.core import audit
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.members import actions
from unionwork.members.models import CardStatus, Member, MemberCard

from .helpers import register

pytestmark = pytest.mark.django_db


def _messages(resp) -> str:
    return " ".join(str(m) for m in resp.wsgi_request._messages)


def test_issue_replace_and_cancel_one_card_from_the_members_page(client):
    member = register("G0001")[0]
    client.force_login(demo_user("gjz_admin"))
    page = client.get(member.get_absolute_url()).content.decode()
    assert 'data-testid="card-issue"' in page

    resp = client.post(reverse("members:card-issue-one", args=[member.pk]), follow=True)
    card = MemberCard.objects.get(member=member)
    assert card.status == CardStatus.ISSUED and card.number in _messages(resp)
    member.refresh_from_db()
    assert member.card_status == CardStatus.ISSUED
    assert AuditEvent.objects.filter(
        model="members.membercard", object_id=str(card.pk), verb="issue_card"
    ).exists()
    page = resp.content.decode()
    assert 'data-testid="card-issue"' not in page  # one card held at a time
    assert 'data-testid="card-replace"' in page and 'data-testid="card-cancel"' in page
    assert 'data-testid="card-found"' not in page  # only the steps the card's status allows

    # A second card while one is held is refused with a message naming the card.
    resp = client.post(reverse("members:card-issue-one", args=[member.pk]), follow=True)
    assert MemberCard.objects.filter(member=member).count() == 1 and card.number in _messages(resp)

    client.post(reverse("members:card-action", args=[card.pk]), {"move": "replace", "note": "损坏"})
    card.refresh_from_db()
    new = MemberCard.objects.get(member=member, status=CardStatus.ISSUED)
    assert card.status == CardStatus.REPLACED and new.replaces_id == card.pk

    client.post(reverse("members:card-action", args=[new.pk]), {"move": "cancel"})
    new.refresh_from_db()
    member.refresh_from_db()
    assert new.status == CardStatus.CANCELLED and member.card_status == CardStatus.CANCELLED
    # After a cancellation a new card can be issued again, one by one.
    client.post(reverse("members:card-issue-one", args=[member.pk]))
    assert MemberCard.objects.filter(member=member, status=CardStatus.ISSUED).count() == 1


def test_one_card_is_scoped_and_role_checked(client):
    member = register("G0001")[0]
    client.force_login(demo_user("gjz_viewer"))
    page = client.get(member.get_absolute_url()).content.decode()
    assert 'data-testid="card-issue"' not in page
    assert client.post(reverse("members:card-issue-one", args=[member.pk])).status_code == 403
    client.force_login(demo_user("zs_admin"))
    assert client.post(reverse("members:card-issue-one", args=[member.pk])).status_code == 404
    assert not MemberCard.objects.filter(member=member).exists()


def test_a_member_who_left_gets_no_card():
    member = register("G0001")[0]
    user = demo_user("gjz_admin")
    with audit.acting_as(user, "test"):
        actions.end_membership(user, member, "left")
        member.refresh_from_db()
        with pytest.raises(actions.ActionError) as exc:
            actions.issue_card(user, member)
    assert "不是在会会员" in exc.value.messages[0]


def test_bulk_issue_shows_a_preview_first_then_issues_what_it_said(client):
    members = register("G0002", 4)
    user = demo_user("gjz_admin")
    with audit.acting_as(user, "test"):
        actions.issue_card(user, members[0])
        actions.end_membership(user, members[1], "retired")
    union = unit("G0002")
    expected = (
        Member.objects.under(union)
        .filter(status="active")
        .exclude(card_status__in=("issued", "active", "lost"))
    )
    to_issue = expected.count()
    assert to_issue >= 2
    cards_before = MemberCard.objects.count()

    client.force_login(user)
    resp = client.post(reverse("members:cards-issue"), {"unit": union.pk})
    page = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="issue-preview"' in page
    assert f'data-testid="to-issue">{to_issue}<' in page
    assert "已持卡（已发放）：1 人" in page and "已不在会（退休、退会、转出）：1 人" in page
    assert MemberCard.objects.count() == cards_before, "a preview issues nothing"

    resp = client.post(reverse("members:cards-issue"), {"unit": union.pk, "confirm": "1"})
    assert resp.status_code == 302
    assert MemberCard.objects.count() == cards_before + to_issue
    assert not expected.exists()


def test_bulk_issue_refuses_a_unit_outside_the_scope(client):
    client.force_login(demo_user("gjz_admin"))
    resp = client.post(reverse("members:cards-issue"), {"unit": unit("210202").pk, "confirm": "1"})
    assert resp.status_code == 400 and "管辖范围" in resp.content.decode()
