import pytest
from django.db import DatabaseError, connection, transaction

from unionwork.core import audit
from unionwork.core.audit.db import set_append_only
from unionwork.core.models import AuditEvent
from unionwork.orgs import actions
from unionwork.orgs.models import OrgKind

from .factories import unit

pytestmark = pytest.mark.django_db


def _new_unit(name="演示测试工会"):
    return actions.create_unit(None, parent=unit("210211001001"), name=name, kind=OrgKind.GRASSROOTS)


def test_a_change_without_an_actor_is_refused():
    with pytest.raises(audit.NoActorError):
        _new_unit()


def test_each_change_writes_one_event_with_before_and_after(acting):
    u = _new_unit()
    actions.update_unit(None, u, name="改名后的工会")
    events = list(AuditEvent.objects.filter(model="orgs.orgunit", object_id=str(u.pk)).order_by("id"))
    assert [e.verb for e in events] == ["create", "update"]
    assert events[1].before["name"] == "演示测试工会" and events[1].after["name"] == "改名后的工会"
    assert events[1].actor_label == "system:test"
    assert events[1].org_path == u.path


def test_verify_passes_on_an_untouched_chain(acting):
    _new_unit()
    assert audit.verify().ok


def _drop_triggers():
    set_append_only(connection, on=False)


def test_the_database_refuses_to_alter_or_delete_events(acting):
    _new_unit()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=AuditEvent.objects.latest("id").pk).update(verb="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=AuditEvent.objects.latest("id").pk).delete()


@pytest.mark.parametrize("tamper", ["alter", "remove_middle", "remove_last"])
def test_verify_detects_tampering(acting, tamper):
    a = _new_unit("甲工会")
    _new_unit("乙工会")
    _new_unit("丙工会")
    audit.link_pending()  # committed and linked, as after a real transaction
    ids = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:6])
    _drop_triggers()
    if tamper == "alter":
        AuditEvent.objects.filter(model="orgs.orgunit", object_id=str(a.pk)).update(after={"name": "伪造"})
    elif tamper == "remove_middle":
        AuditEvent.objects.filter(pk=ids[2]).delete()
    else:
        AuditEvent.objects.filter(pk=ids[0]).delete()
    result = audit.verify()
    assert not result.ok
    assert result.problems
