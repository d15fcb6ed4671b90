"""Writes that touch full ID numbers go through actions: the export with full IDs, key rotation."""

import pytest
from django.core.management import call_command

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent, SecurityEvent
from unionwork.core.tests.factories import demo_user
from unionwork.members import actions, pii
from unionwork.members.models import Member, Membership

from .helpers import register

pytestmark = pytest.mark.django_db


def test_export_with_ids_is_for_administrators_in_scope_and_audited_once():
    mine = register("G0001", 2)
    theirs = register("G0003")[0]
    admin = demo_user("gjz_admin")
    with audit.acting_as(admin, "test"):
        with pytest.raises(ActionError):
            actions.export_with_ids(demo_user("gjz_viewer"), mine)
        with pytest.raises(ActionError):
            actions.export_with_ids(admin, [*mine, theirs])  # another district's member
        before = AuditEvent.objects.filter(verb="view_pii").count()
        shown = actions.export_with_ids(admin, Member.objects.filter(pk__in=[m.pk for m in mine]), "q=x")
    assert {m.pk for m in shown} == {m.pk for m in mine}
    events = AuditEvent.objects.filter(verb="view_pii").order_by("-id")
    assert events.count() == before + 1
    assert sorted(events[0].after["members"].split()) == sorted(str(m.pk) for m in mine)
    assert SecurityEvent.objects.filter(kind="unmask").exists()


def test_key_rotation_is_an_action_one_transaction_and_one_event_per_batch(settings):
    members = register("G0001", 3)
    numbers = {m.pk: m.id_number for m in members}
    old = pii.current_key().key_id
    settings.UNIONWORK_PII_KEY = "a-new-key-for-the-rotation-test-0123456789," + (
        settings.UNIONWORK_PII_KEY or "dev-derived:" + settings.SECRET_KEY
    )
    new = pii.current_key().key_id
    assert new != old
    with pytest.raises(ActionError):
        actions.rotate_id_keys_batch(demo_user("gjz_admin"))  # a district's administrator
    with audit.acting_as(None, "test"):
        assert actions.rotate_id_keys_batch(None, batch=2)[0] == 2
    assert AuditEvent.objects.filter(verb="rotate_key").count() == 1
    call_command("members_rotate_keys", stdout=open("/dev/null", "w"))  # the rest
    for m in Member.objects.filter(pk__in=numbers):
        assert m.pii_key == new and m.id_number == numbers[m.pk]
        assert Membership.objects.filter(member_id=m.pk, id_hash=m.id_hash).exists()
    assert not Member.objects.exclude(pii_key=new).exists()
