"""The seed's city figure (8,620 of 8,865 eligible have a station, 97.2%) is reproduced by
``stations.demo.seed_city`` on the city demo (``manage.py demo --scale city``, measured in the
README). Here the same function runs on a smaller set in the same proportion, with ties at the
threshold: the city's kept figure comes out exactly at the asked numbers."""

import pytest

from unionwork.core import indicators
from unionwork.orgs.models import OrgUnit
from unionwork.stations import demo, queries
from unionwork.stations import indicators as ind

from .helpers import as_user, eligible_enterprise, kind

pytestmark = pytest.mark.django_db


def test_seed_city_reproduces_the_ratio_exactly():
    kind()
    for employees in (400, 300, 300, 300, 250, 200, 200, 150, 150, 150, 120, 110):
        eligible_enterprise(employees=employees)
    n_communities = queries.communities().count()
    eligible = n_communities + 8  # the threshold lands on the tie at 150: two of the three are left out
    covered = round(eligible * 8620 / 8865)
    with as_user(None):
        got = demo.seed_city(eligible=eligible, covered=covered)
    city = OrgUnit.objects.get(parent=None)
    fig = indicators.value(ind.COVERAGE, city)
    assert (fig.numerator, fig.denominator) == (covered, eligible) == (got["covered"], got["eligible"])
    assert fig.rate == round(8620 * 100 / 8865, 1) == 97.2
    live = indicators.live_totals(ind.COVERAGE, city.path)
    assert (live.numerator, live.denominator) == (covered, eligible)
