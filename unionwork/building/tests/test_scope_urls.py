"""The union-building pages and API hold the scope: see ``core.testing.scope``. 中山区 gets a
committee, a profile, a survey and an application of its own union (G0003)."""

from unionwork.core.testing.scope import ScopeTest

from .helpers import ZS_MARKERS, zs_records


def _slugs():
    """The public answer page is open to anyone holding its short link (the slug is the
    capability, shown as a QR code to the union's members): it is walked with a survey of the
    walker's own district, and an unknown slug is a 404."""
    from unionwork.building.models import Survey

    return [*Survey.objects.filter(org__code="G0001").values_list("slug", flat=True)[:1], "nosuch"]


class TestBuildingScope(ScopeTest):
    app = "building"
    markers = ZS_MARKERS
    sample_args = {"slug": _slugs, "move": ["award", "revoke", "nosuch"]}

    @classmethod
    def other_records(cls) -> list:
        import datetime

        from unionwork.building import actions

        from .helpers import as_user, demo_user, unit

        gjz = demo_user("gjz_admin")
        with as_user(gjz):
            own = actions.open_survey(
                gjz,
                unit("G0001"),
                year=2031,
                opens_on=datetime.date(2031, 1, 1),
                closes_on=datetime.date(2031, 2, 1),
            )
        return [*zs_records(), own]
