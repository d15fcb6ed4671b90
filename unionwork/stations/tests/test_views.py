"""The pages: the enterprise's eligibility in words, the missing list linked from the figure with
the figure's gap as its length, photos checked by their bytes and size."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.stations import actions
from unionwork.stations import indicators as ind

from .helpers import as_user, demo_user, eligible_enterprise, station, unit

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_enterprise_page_says_why_it_must_have_a_station(client):
    e = eligible_enterprise(employees=180)
    client.force_login(demo_user("gjz_viewer"))
    html = client.get(f"/stations/enterprise/{e.pk}/").content.decode()
    assert "应建站：因已建会且职工 ≥ 100 人（现有 180 人）" in html
    assert "尚未建站" in html


def test_the_missing_list_has_the_length_of_the_gap(client):
    covered, _missing = eligible_enterprise(), eligible_enterprise()
    with as_user(None):
        ind.rebuild_coverage()
    station(covered)
    street = unit("210211001")
    client.force_login(demo_user("gjz_admin"))
    home = client.get(f"/stations/?node={street.pk}").content.decode()
    fig = indicators.value(ind.COVERAGE, street)
    gap = fig.denominator - fig.numerator
    assert f"应建未建 {gap} 个" in home and f"/stations/missing/?under={street.pk}" in home
    resp = client.get(f"/stations/missing/?under={street.pk}")
    enterprises = resp.context["page"].paginator.count
    assert (
        enterprises + len([u for u in resp.context["missing_communities"] if u.path.startswith(street.path)])
        == gap
    )
    export = client.get(f"/stations/missing/?under={street.pk}&export=xlsx")
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]


def test_photos_are_checked_by_type_and_size(client):
    s = station(eligible_enterprise())
    admin = demo_user("gjz_admin")
    with as_user(admin):
        with pytest.raises(ActionError, match="JPEG、PNG 或 WebP"):
            actions.add_photo(admin, s, SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", "image/png"))
        big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "image/jpeg")
        with pytest.raises(ActionError, match="5 MB"):
            actions.add_photo(admin, s, big)
        photo = actions.add_photo(admin, s, SimpleUploadedFile("a.png", PNG))
    client.force_login(admin)
    resp = client.get(f"/stations/photos/{photo.pk}/")
    assert resp["Content-Type"] == "image/png" and resp["X-Content-Type-Options"] == "nosniff"
    client.force_login(demo_user("zs_admin"))
    assert client.get(f"/stations/photos/{photo.pk}/").status_code == 404


def test_the_forms_call_the_actions(client):
    """Station, service, hardship file, relief and a consultation turned into a case, from the pages."""
    from django.utils import timezone

    from unionwork.stations.models import Consultation, HardshipFile, ServiceRecord, Station

    from .helpers import community, id_number, kind

    today = f"{timezone.localdate():%Y-%m-%d}"
    k = kind()
    client.force_login(demo_user("gjz_admin"))
    resp = client.post(
        "/stations/new/",
        {
            "name": "页面测试社区站",
            "host_kind": "community",
            "mode": "comprehensive",
            "opened_on": today,
            "space_m2": 50,
            "staff": 2,
            "workers_covered": 120,
            "services": [k.pk],
            "org": community().pk,
        },
    )
    assert resp.status_code == 302, resp.content.decode()[-2000:]
    s = Station.objects.get(name="页面测试社区站")
    assert s.org == community() and list(s.services.all()) == [k]
    resp = client.post(f"/stations/{s.pk}/log/", {"kind": k.pk, "entry": "service", "on": today, "people": 4})
    assert resp.status_code == 302 and ServiceRecord.objects.filter(station=s, people=4).exists()
    resp = client.post(
        "/stations/hardship/new/",
        {
            "name": "页面困难",
            "id_number": id_number(),
            "household_size": 2,
            "monthly_income": "2000",
            "cause": "disability",
            "opened_on": today,
            "org": community().pk,
        },
    )
    assert resp.status_code == 302, resp.content.decode()[-2000:]
    f = HardshipFile.objects.get(name="页面困难")
    resp = client.post(
        f"/stations/hardship/{f.pk}/relief/",
        {"kind": "education", "on": today, "amount": 3000, "fund_source": "donation"},
    )
    assert resp.status_code == 302 and f.reliefs.get().status == "pending"
    resp = client.post(
        "/stations/rights/new/",
        {
            "kind": "legal_aid",
            "worker_name": "页面维权",
            "issue": "工伤认定",
            "received_on": today,
            "org": community().pk,
        },
    )
    c = Consultation.objects.get(worker_name="页面维权")
    resp = client.post(f"/stations/rights/{c.pk}/case/", {"title": "页面维权工伤诉求", "severity": "general"})
    c.refresh_from_db()
    assert resp.status_code == 302 and c.case is not None
    assert "页面维权工伤诉求" in client.get(f"/stations/rights/{c.pk}/").content.decode()


def test_a_rule_version_from_the_page_and_over_the_api(client):
    import datetime
    import json

    from django.utils import timezone

    from unionwork.accounts.tokens import issue_token
    from unionwork.stations import queries

    from .helpers import kind

    later = timezone.localdate() + datetime.timedelta(days=30)
    client.force_login(demo_user("gjz_admin"))
    assert client.get("/stations/rules/eligibility/").status_code == 403  # a district cannot
    client.force_login(demo_user("city_admin"))
    resp = client.post(
        "/stations/rules/eligibility/",
        {
            "min_employees": 60,
            "requires_union": "on",
            "effective_from": f"{later:%Y-%m-%d}",
            "note": "扩大范围",
        },
    )
    assert resp.status_code == 302
    assert queries.rule_for(later).min_employees == 60 and queries.rule_for().min_employees == 100
    assert "扩大范围" in client.get("/stations/rules/").content.decode()

    e = eligible_enterprise()
    s = station(e)
    k = kind()
    admin = demo_user("gjz_admin")
    with as_user(admin):
        _token, key = issue_token(admin, "测试")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = {"kind_id": k.pk, "on": f"{timezone.localdate():%Y-%m-%d}", "people": 5}
    resp = client.post(
        f"/api/v1/stations/stations/{s.pk}/services", json.dumps(body), "application/json", **headers
    )
    assert resp.status_code == 201, resp.content
    cov = client.get("/api/v1/stations/coverage", **headers).json()
    assert cov["unit_name"] == "甘井子区总工会" and "100" in cov["rule"]
    body["card_number"] = "21020000000000"
    resp = client.post(
        f"/api/v1/stations/stations/{s.pk}/services", json.dumps(body), "application/json", **headers
    )
    assert resp.status_code == 400


def test_the_rules_page_shows_a_version_set_by_the_system(client):
    """A version with no person behind it (the city demo's, a migration's) reads 系统 — it
    answered 500 for every user before (a filter argument looked up ``None.username``)."""
    import datetime

    from unionwork.stations.models import EligibilityRule

    EligibilityRule.objects.create(
        min_employees=80, effective_from=datetime.date(2020, 1, 1), created_by=None
    )
    client.force_login(demo_user("gjz_viewer"))
    resp = client.get("/stations/rules/")
    assert resp.status_code == 200
    row = next(r for r in resp.content.decode().split("<tr>") if "2020-01-01" in r)
    assert "系统" in row and ">80<" in row
