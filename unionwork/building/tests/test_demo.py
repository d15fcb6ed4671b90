"""The building demo on a register that already holds millions of demo numbers."""

import datetime

import pytest
from django.utils import timezone

from unionwork.building import demo
from unionwork.core import audit
from unionwork.core.identifiers import make_id
from unionwork.core.tests.factories import unit
from unionwork.members import actions as members_actions

pytestmark = pytest.mark.django_db


def test_the_survey_demo_registers_its_voters_under_numbers_no_member_holds():
    """A large demo (a province's 20,000,000 members) drew the first voter's number for a member
    of another union: the survey demo failed, stopping ``manage.py demo`` after the members."""
    taken = make_id("210211", datetime.date(1980, 3, 1), 700)
    with audit.acting_as(None, "command:demo"):
        members_actions.register_member(
            None, unit("G0002"), name="先到者", id_number=taken, employment_form="contract", is_demo=True
        )
        assert demo._survey(timezone.localdate()) == len(demo.VOTERS)
