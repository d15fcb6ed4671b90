"""The large demo scales: their volumes, and the generator making what it is asked for."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from unionwork.core.models import AuditEvent
from unionwork.demo.management.commands.demo import SCALES, Command
from unionwork.founding.models import Enterprise, GrassrootsUnion
from unionwork.members.bulk import RosterWriter
from unionwork.members.models import Member


def test_a_province_is_ten_cities_and_each_volume_can_be_set():
    def opts(**given):
        return {"scale": "province", "members": None, "enterprises": None, "unions": None} | given

    assert Command.volumes(opts()) == {"enterprises": 1_000_000, "unions": 300_000, "members": 20_000_000}
    assert {k: v * 10 for k, v in SCALES["city"].items()} == SCALES["province"]
    assert Command.volumes(opts(members=5_000_000))["members"] == 5_000_000
    with pytest.raises(CommandError):
        Command.volumes(opts(unions=2_000_000))  # more unions than enterprises
    with pytest.raises(CommandError):
        Command.volumes(opts(members=0))


@pytest.mark.django_db(transaction=True)
def test_the_large_generator_makes_the_volumes_it_is_asked_for(seeded, monkeypatch):
    """The city's generator at a few thousand rows (the province runs the same code ten times
    larger): the enterprises, unions and members it is asked for, every one marked demo."""
    monkeypatch.setattr(RosterWriter, "batch_size", 100)  # twelve batches of the register's load
    out = io.StringIO()
    call_command("demo", scale="city", members=1200, enterprises=1500, unions=300, stdout=out)
    made = Enterprise.objects.filter(uscc__contains="MA")
    assert made.count() == 1500 and not made.filter(is_demo=False).exists()
    unions = set(made.exclude(union=None).values_list("union", flat=True))
    assert 0.8 * 300 <= len(unions) <= 300
    assert GrassrootsUnion.objects.filter(unit__in=unions).count() == len(unions)
    # The register's bulk load (other modules' demos add a few members of their own).
    assert "会员：已写入 1,200" in out.getvalue()
    assert 1200 <= Member.objects.filter(is_demo=True).count() <= 1200 + 20
    assert not Member.objects.filter(is_demo=False).exists()
    # Registered roster by roster: one audit event per union that got members (one more where a
    # roster spans two batches), each naming every member it added; sizes vary.
    loaded = list(AuditEvent.objects.filter(model="members.member", verb="import", note="演示数据"))
    unions = [e.object_id for e in loaded]
    counts = [e.after["count"] for e in loaded]
    assert len(set(unions)) > 100 and len(unions) - len(set(unions)) <= 11 and sum(counts) == 1200
    assert len(set(counts)) > 3
