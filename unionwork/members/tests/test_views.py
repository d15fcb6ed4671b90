"""Pages: figures, list and export (masked), detail with audited unmasking, forms, cards; scope 404."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.members import pii
from unionwork.members.models import Member

from .helpers import new_id, register

pytestmark = pytest.mark.django_db


def _xlsx_text(resp) -> str:
    body = b"".join(resp.streaming_content)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(body))
    return str([wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names])


def test_pages_render_for_a_district(client):
    member = register("G0001")[0]
    client.force_login(demo_user("gjz_admin"))
    for url in [
        reverse("members:home"),
        reverse("members:node", args=[unit("G0001").pk]),
        reverse("members:list"),
        reverse("members:list") + "?q=" + member.name[:1],
        reverse("members:detail", args=[member.pk]),
        reverse("members:add"),
        reverse("members:cards"),
        reverse("members:cards-issue"),
        reverse("members:transfer-in"),
        reverse("members:edit", args=[member.pk]),
        reverse("members:transfer", args=[member.pk]),
        reverse("members:leave", args=[member.pk]),
    ]:
        resp = client.get(url)
        assert resp.status_code == 200, url
    resp = client.get(reverse("members:node-export", args=[unit("210211").pk]))
    assert resp.status_code == 200 and "合计" in _xlsx_text(resp)


def test_list_and_export_mask_ids_unless_asked_by_an_administrator(client):
    member = register("G0001")[0]
    number = pii.decrypt(member.id_cipher, member.pii_key)
    client.force_login(demo_user("gjz_viewer"))
    page = client.get(reverse("members:list")).content.decode()
    assert member.id_masked in page and number not in page
    text = _xlsx_text(client.get(reverse("members:list") + "?export=xlsx"))
    assert member.id_masked in text and number not in text
    assert client.get(reverse("members:list") + "?export=xlsx&pii=1").status_code == 403
    client.force_login(demo_user("gjz_admin"))
    before = AuditEvent.objects.filter(verb="view_pii").count()
    text = _xlsx_text(client.get(reverse("members:list") + "?export=xlsx&pii=1"))
    assert number in text
    assert AuditEvent.objects.filter(verb="view_pii").count() == before + 1


def test_detail_reveals_the_id_on_post_and_audits_it(client):
    member = register("G0001")[0]
    number = pii.decrypt(member.id_cipher, member.pii_key)
    client.force_login(demo_user("gjz_viewer"))
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert member.id_masked in page and number not in page and 'data-testid="reveal"' not in page
    assert client.post(reverse("members:reveal", args=[member.pk])).status_code == 403
    client.force_login(demo_user("gjz_admin"))
    assert client.get(reverse("members:reveal", args=[member.pk])).status_code == 405
    resp = client.post(reverse("members:reveal", args=[member.pk]))
    assert number in resp.content.decode()
    assert AuditEvent.objects.filter(verb="view_pii", object_id=str(member.pk)).count() == 1


def test_another_districts_member_is_a_404(client):
    theirs = register("G0003")[0]
    client.force_login(demo_user("gjz_admin"))
    for name in ("detail", "edit", "transfer", "leave"):
        assert client.get(reverse(f"members:{name}", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("members:reveal", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("members:node", args=[unit("210202").pk])).status_code == 404
    page = client.get(reverse("members:list") + "?q=" + theirs.name).content.decode()
    assert theirs.id_masked not in page


def test_register_transfer_leave_and_cards_through_the_forms(client):
    client.force_login(demo_user("gjz_editor"))
    number = new_id()
    resp = client.post(
        reverse("members:add"),
        {
            "name": "孙七",
            "id_number": number,
            "phone": "13904111234",
            "employment_form": "dispatched",
            "union": unit("G0001").pk,
            "joined_on": "2024-03-01",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    member = Member.objects.get(name="孙七")
    resp = client.post(
        reverse("members:add"),
        {
            "name": "孙七",
            "id_number": number,
            "employment_form": "contract",
            "union": unit("G0002").pk,
            "joined_on": "2024-03-01",
        },
    )
    assert resp.status_code == 400 and "已是" in resp.content.decode()
    assert (
        client.post(
            reverse("members:transfer", args=[member.pk]), {"to_union": unit("G0002").pk, "on": "2025-01-02"}
        ).status_code
        == 302
    )
    assert (
        client.post(reverse("members:cards-issue"), {"unit": unit("G0002").pk, "confirm": "1"}).status_code
        == 302
    )
    member.refresh_from_db()
    assert member.union.code == "G0002" and member.card_status == "issued"
    card = member.cards.get()
    assert (
        client.post(reverse("members:card-action", args=[card.pk]), {"move": "activate"}).status_code == 302
    )
    card.refresh_from_db()
    assert card.status == "active"
    assert (
        client.post(
            reverse("members:leave", args=[member.pk]), {"status": "left", "on": "2025-06-01"}
        ).status_code
        == 302
    )
    member.refresh_from_db()
    card.refresh_from_db()
    assert member.status == "left" and card.status == "cancelled"


def test_the_list_sorts_by_a_column_no_index_orders_only_when_few_rows_match(client, monkeypatch):
    """Past the count limit (10,000 rows) the list does not sort by a column no index orders (a
    status of a few values over two million members: seconds): it keeps its default order and says
    so. A column an index orders (name, age, joining date) sorts however many rows match, both
    ways, ties in the same direction."""
    from unionwork.core.views import BoundedPaginator

    register("G0001", 6)
    user = demo_user("gjz_admin")
    client.force_login(user)
    url = reverse("members:list")
    mine = Member.objects.restrict(user)

    def shown(query):
        resp = client.get(url + query)
        assert resp.status_code == 200
        return [m.pk for m in resp.context["page"].object_list], resp.content.decode()

    by_form, page = shown("?sort=get_employment_form_display")
    assert by_form == list(mine.order_by("employment_form", "pk").values_list("pk", flat=True))
    assert 'data-testid="sort-refused"' not in page
    monkeypatch.setattr(BoundedPaginator, "limit", 3)
    refused, page = shown("?sort=get_employment_form_display")  # the page holds what was counted
    assert (
        len(refused) >= 3
        and refused == list(mine.order_by("-pk").values_list("pk", flat=True))[: len(refused)]
    )
    assert 'data-testid="sort-refused"' in page and "用工形式" in page.split('data-testid="sort-refused"')[1]
    # Its export writes the rows as the page shows them: in the default order too.
    exported = _xlsx_text(client.get(url + "?sort=get_employment_form_display&export=xlsx"))
    names = [name for name in mine.order_by("-pk").values_list("name", flat=True)]
    at = [exported.index(f"'{name}'") for name in names]
    assert at == sorted(at)
    for query, order in (("?sort=name", ("pinyin", "pk")), ("?sort=-name", ("-pinyin", "-pk"))):
        got, page = shown(query)
        assert len(got) >= 3 and got == list(mine.order_by(*order).values_list("pk", flat=True))[: len(got)]
        assert 'data-testid="sort-refused"' not in page
