"""Scope is sacred: the one scope test, which every module subclasses.

A district user (甘井子区's administrator) requests every route of a module, pages and API, with
the ids of another district's (中山区's) records: nothing of the other district may appear (pages,
searches, exports, API) and nothing of it may change. The routes come from the URL resolver, so a
page or endpoint is walked the day it is added; one test per route, so one failure hides no other.

A module declares, in ``<module>/tests/test_scope_urls.py``::

    class TestStabilityScope(ScopeTest):
        app = "stability"                      # walks every route this app owns
        markers = ["中山某某"]                  # strings only the other district's records carry
        sample_args = {"what": ["activate"]}   # URL arguments that are not ids
        @classmethod
        def other_records(cls): ...            # records of the other district made for the walk

and, where the module needs them, ``extra_probes`` (query strings its pages take), ``post_data``
(what is posted to every page) and ``guarded`` (city-wide state the walker may not change).

Every module's declaration is collected (``declarations()``): the crawl takes its samples from
them, and ``core/tests/test_scope_all_urls.py`` fails on a route whose app declares nothing.
"""

from __future__ import annotations

import importlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import transaction

from .db import settle_constraint_checks
from .routes import Route, api_routes, is_id, models_for, page_routes

ACTING = "gjz_admin"  # the district user who walks
OTHER = "zs_admin"  # the administrator of the district whose records must stay out of sight
OTHER_UNITS = ("210202", "210202001", "G0003")  # 中山区, one of its streets, a union linked to I01
# Strings that only the other district (中山区) and its units carry.
OTHER_MARKERS = [
    "中山区总工会",
    "海军广场街道工会",
    "春海社区工会",
    "大连中山演示重工有限公司工会",
    "中山区管理员",
]
# Query strings every list is also requested with: searches and exports (a detail page: the last two).
LIST_PROBES = ("", "?q=中山", "?q=zs", "?q=2102", "?under=210202", "?q=中山&export=xlsx", "?export=xlsx")
DETAIL_PROBES = ("", "?export=xlsx")
API_PROBES = ("", "?q=中山", "?q=zs", "?under={unit}")
# What is posted to every page: names, reasons and targets that would move things into this district.
POST = {"name": "篡改", "reason": "越权测试", "note": "越权", "assessment": "越权", "severity": "grave"}
POST.update({"text": "越权", "password": "Xx#12345678", "on": "2026-03-02"})
TEST_FILE = "test_scope_urls"
# What a published table may show of the other district: its name (see ``ScopeTest.published``).
PUBLISHED_NAMES = ("中山区总工会",)


def scoped_models() -> list:
    return [m for m in apps.get_models() if hasattr(m._default_manager, "restrict")]


def _text(resp) -> str:
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    if "spreadsheetml" in resp.get("Content-Type", ""):
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(body))
        sheets = [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]
        return json.dumps(sheets, ensure_ascii=False, default=str)
    return body.decode("utf-8", errors="replace")


def assert_clean(resp, url: str, markers: Iterable[str]) -> None:
    """A refusal, or a page that shows none of the markers."""
    if resp.status_code in (301, 302, 400, 403, 404, 405):
        return
    assert resp.status_code in (200, 201), f"{url}: status {resp.status_code}"
    text = _text(resp)
    for marker in markers:
        assert marker not in text, f"{url}: shows {marker} of another district"


@dataclass
class World:
    """The other district as the walk finds it: its ids by model, its markers, its state."""

    ids: dict[type, list[int]]
    markers: list[str]
    units: dict[str, int]
    token: str
    made: list
    # What each route's test starts from, by watched models: the same for every test of the class
    # (each runs in a savepoint of the world), so read once (``ScopeTest._start``).
    starts: dict = field(default_factory=dict)

    def ids_for(self, route: Route, key: str) -> list[int]:
        models = models_for(route, key, list(self.ids))
        found = [pk for m in models for pk in self.ids.get(m, [])]
        return sorted(set(found) | set(self.units.values()))


def other_state(models) -> dict:
    from unionwork.core.tests.factories import demo_user

    zs = demo_user(OTHER)
    return {m._meta.label: list(m._default_manager.restrict(zs).order_by("pk").values()) for m in models}


class ScopeTest:
    """Subclass it in ``<module>/tests/test_scope_urls.py``; see the module docstring."""

    pytestmark = [pytest.mark.django_db]
    app: str = ""
    markers: list[str] = []
    sample_args: dict[str, list[str] | Callable[[], list[str]]] = {}
    # Query strings this module's pages also take (besides LIST_PROBES / DETAIL_PROBES).
    extra_probes: tuple[str, ...] = ()
    # Routes that show no records (a schema, a help page): requested once, without the probes.
    plain: tuple[str, ...] = ()
    # Routes that show a table published to every unit of a level (an assessment's ranking names
    # each assessed district and its total): the other district's name may appear there, nothing
    # else of it (its records' own strings stay markers). Matched by the end of the route.
    published: tuple[str, ...] = ()

    def markers_for(self, world: World, route: Route) -> list[str]:
        if any(route.route.endswith(p) for p in self.published):
            return [m for m in world.markers if m not in PUBLISHED_NAMES]
        return world.markers

    @classmethod
    def other_records(cls) -> list:
        """Records of the other district this module makes for the walk, beyond the demo data
        (kinds the demo does not hold); they are in the walk's ids and their names are markers."""
        return []

    @classmethod
    def post_data(cls, world: World) -> dict:
        """What is posted to every page of the module: names, reasons and targets that would move
        things into the walker's district or change the other's."""
        return dict(POST, new_parent=world.units["210202"], target=world.units["210202"])

    @classmethod
    def guarded(cls):
        """State beyond the other district's records that the walker may not change either (a
        city-wide rule); compared before and after each route."""
        return None

    @classmethod
    def samples(cls, key: str, route: Route) -> list[str]:
        values = cls.sample_args.get(key)
        if values is None:
            raise AssertionError(
                f"declare sample values for URL argument {key!r} of {route.route} in "
                f"unionwork/{route.app}/tests/{TEST_FILE}.py (sample_args)"
            )
        return list(values() if callable(values) else values)

    # -- parametrised per route --------------------------------------------------------------------
    def pytest_generate_tests(self, metafunc):
        if not self.app:
            return
        if metafunc.function.__name__ == "test_page":
            routes = page_routes(self.app)
        elif metafunc.function.__name__ == "test_api":
            routes = api_routes(self.app)
        else:
            return
        metafunc.parametrize("route", routes, ids=[r.route for r in routes])

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, module_demos, django_db_blocker):
        """The other district's records (the demo data and the module's own), in one transaction
        for the class, rolled back after it; each route's test runs in a savepoint of it."""
        from unionwork.accounts.tokens import issue_token
        from unionwork.core import audit
        from unionwork.core.tests.factories import demo_user, unit

        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                made = cls.other_records()
                zs = demo_user(OTHER)
                ids: dict[type, list[int]] = {}
                markers = set(OTHER_MARKERS) | set(cls.markers)
                for m in scoped_models():
                    recent = list(m._default_manager.restrict(zs).order_by("-pk")[:50])
                    ids[m] = [o.pk for o in recent[:3]]
                    markers |= {str(o) for o in recent if "中山" in str(o) and len(str(o)) >= 6}
                for obj in made:
                    ids.setdefault(type(obj), []).append(obj.pk)
                    if "中山" in str(obj) and len(str(obj)) >= 6:
                        markers.add(str(obj))
                walker = demo_user(ACTING)
                with audit.acting_as(walker, "test"):
                    _token, key = issue_token(walker, "scope test")
                settle_constraint_checks()  # the records made here, once for the class
                yield World(ids, sorted(markers), {c: unit(c).pk for c in OTHER_UNITS}, key, made)
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    def _values(self, world: World, route: Route):
        def values(key: str, conv: str):
            return world.ids_for(route, key) if is_id(key, conv) else self.samples(key, route)

        return values

    def _watched(self, route: Route) -> list:
        own = [m for m in scoped_models() if m._meta.app_label == route.app]
        from unionwork.core.models import AuditEvent
        from unionwork.orgs.models import OrgUnit

        return [m for m in own if m is not AuditEvent] + [OrgUnit]

    def _start(self, world: World, route: Route) -> tuple:
        """The other district's state, the audit mark and the guarded state a route's test starts
        from (compared with the same after the route)."""
        watched = self._watched(route)
        held = tuple(m._meta.label for m in watched)
        if held not in world.starts:
            world.starts[held] = (other_state(watched), self._audit_mark(), self.guarded())
        return world.starts[held]

    def _audit_mark(self) -> int:
        from unionwork.core.models import AuditEvent

        return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def _assert_unchanged(self, route: Route, before: dict, mark: int) -> None:
        from unionwork.core.models import AuditEvent

        assert other_state(self._watched(route)) == before, (
            f"{route.route}: a change reached another district"
        )
        zs_unit = apps.get_model("orgs", "OrgUnit").objects.get(code=OTHER_UNITS[0])
        written = AuditEvent.objects.filter(pk__gt=mark, org_path__startswith=zs_unit.path)
        assert not written.exists(), f"{route.route}: audited a change in another district"

    def test_page(self, client, world, route):
        from unionwork.core.tests.factories import demo_user

        client.force_login(demo_user(ACTING))
        before, mark, guarded = self._start(world, route)
        probes = DETAIL_PROBES if route.params else LIST_PROBES
        probes = ("",) if route.route in self.plain else probes + self.extra_probes
        paths = route.fill(self._values(world, route))
        data = self.post_data(world)
        for path in paths:
            for probe in probes:
                assert_clean(client.get(path + probe), path + probe, self.markers_for(world, route))
            resp = client.post(path, data)
            assert resp.status_code < 500, f"POST {path}: {resp.status_code}"
        assert paths
        self._assert_unchanged(route, before, mark)
        assert self.guarded() == guarded, f"{route.route}: changed {guarded}"

    def test_api(self, client, world, route):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {world.token}"}
        before, mark, guarded = self._start(world, route)
        units = world.units
        body = {
            "name": "篡改",
            "reason": "越权测试",
            "parent_id": units["210202001"],
            "target_id": units["210202001"],
            "kind": "grassroots",
            "union_id": units["G0003"],
            "unit_id": units["210202"],
            "community_id": units["210202001"],
            "enterprise_ids": world.ids_for(route, "enterprise_id"),
            "id_number": "210202197506010017",
            "employment_form": "contract",
            "founded_on": "2026-01-01",
            "note": "越权测试",
            "to_union_id": units["G0003"],
        }
        paths = route.fill(self._values(world, route))
        for path in paths:
            if "get" in route.methods:
                for probe in API_PROBES:
                    url = path + probe.format(unit=units["210202"])
                    assert_clean(client.get(url, **headers), url, self.markers_for(world, route))
            for method in ("post", "patch", "put", "delete"):
                if method in route.methods:
                    resp = getattr(client, method)(
                        path, data=json.dumps(body), content_type="application/json", **headers
                    )
                    assert resp.status_code < 500, f"{method.upper()} {path}: {resp.status_code}"
        assert paths
        self._assert_unchanged(route, before, mark)
        assert self.guarded() == guarded, f"{route.route}: changed {guarded}"


def declarations() -> dict[str, type[ScopeTest]]:
    """Each app's ScopeTest subclass, from ``<app>/tests/test_scope_urls.py``."""
    found: dict[str, type[ScopeTest]] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.{TEST_FILE}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(config.name):
                continue
            raise
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, ScopeTest) and obj is not ScopeTest and obj.app:
                found[obj.app] = obj
    return found


def sample_values(route: Route, key: str) -> list[str]:
    """The sample values an app declares for a URL argument that is not an id."""
    declared = declarations().get(route.app)
    if declared is None:
        raise AssertionError(f"{route.route}: app {route.app!r} declares no ScopeTest ({TEST_FILE}.py)")
    return declared.samples(key, route)
