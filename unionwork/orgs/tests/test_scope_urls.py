"""The org tree's pages and API hold the scope: see ``core.testing.scope``."""

from unionwork.core.testing.scope import ScopeTest


class TestOrgsScope(ScopeTest):
    app = "orgs"
    extra_probes = ("?month=2026-01",)

    @classmethod
    def other_records(cls) -> list:
        """A re-zoning prepared in 中山区 (pending: the walker may neither see nor confirm it)."""
        from unionwork.core import audit
        from unionwork.core.tests.factories import demo_user, unit
        from unionwork.orgs import actions
        from unionwork.orgs.models import OrgUnit

        zs = demo_user("zs_admin")
        street = unit("210202001")
        other = OrgUnit.objects.filter(parent=street.parent, kind="township").exclude(pk=street.pk).first()
        with audit.acting_as(zs, "test"):
            return [actions.prepare_rezoning(zs, [street.children.first()], other, "中山区区划调整演示")]
