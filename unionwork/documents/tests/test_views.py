"""The pages over the demo data: the seed notice laid out, who sees which receipts, the forms."""

import io
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from unionwork.core.tests.factories import demo_user, make_user
from unionwork.documents.models import Dispatch, Document, SupervisionItem, SupervisionTarget

pytestmark = pytest.mark.django_db
SEED_NUMBER = "大工发〔2012〕57号"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def _seed():
    return Document.objects.get(number=SEED_NUMBER)


def _login(client, username):
    client.force_login(demo_user(username))
    return client


def test_the_pdf_opens_and_has_the_number_title_recipients_and_footer(client, module_demos):
    doc = _seed()
    resp = _login(client, "city_admin").get(f"/documents/document/{doc.pk}/pdf/")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "documents-57.pdf"
    pdf.write_bytes(resp.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "大连市总工会文件" in flat
    assert SEED_NUMBER in flat
    assert "关于印发汪集刚同志在大连市工会领导机关工作会议上的讲话（摘要）的通知" in flat
    assert "各区市县总工会、开放先导区总工会、产业工会，市总各部门：" in flat
    assert "2012年8月13日" in flat and "大连市总工会办公室2012年8月13日印发" in flat
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert "595.276 x 841.89 pts (A4)" in info
    # The first page as a picture, to be looked at beside the original.
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "documents-57-p1"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "documents-57-p1.png").stat().st_size > 10_000


def test_the_docx_opens_and_holds_the_number_and_title(client, module_demos):
    from docx import Document as Docx

    doc = _seed()
    resp = _login(client, "gjz_admin").get(f"/documents/document/{doc.pk}/docx/")
    assert resp.status_code == 200
    text = "".join(p.text for p in Docx(io.BytesIO(resp.content)).paragraphs)
    assert SEED_NUMBER in text and doc.title in text and "印发" in text


def test_a_unit_not_among_the_recipients_gets_404(client, module_demos):
    doc = _seed()
    street = make_user("xg_street", "210203001", ["administrator"])
    client.force_login(street)
    for url in (f"/documents/document/{doc.pk}/", f"/documents/document/{doc.pk}/pdf/"):
        assert client.get(url).status_code == 404
    zs_forward = Document.objects.get(issuer__code="210202", forwarded_from=doc)
    _login(client, "gjz_admin")
    assert client.get(f"/documents/document/{zs_forward.pk}/").status_code == 404
    zs_row = Dispatch.objects.get(document=doc, recipient__code="210202")
    assert client.get(f"/documents/dispatch/{zs_row.pk}/acknowledge/").status_code == 404


def test_the_issuer_sees_every_recipient_and_a_district_its_own_and_its_subtree(client, module_demos):
    doc = _seed()
    city_page = _login(client, "city_admin").get(f"/documents/document/{doc.pk}/").content.decode()
    assert "中山区总工会" in city_page and "甘井子区总工会" in city_page
    assert "催办未签收" in city_page
    gjz_page = _login(client, "gjz_admin").get(f"/documents/document/{doc.pk}/").content.decode()
    assert "甘井子区总工会" in gjz_page and "中山区总工会" not in gjz_page
    assert "催办未签收" not in gjz_page and "转发" in gjz_page
    # The forward's receipts by 甘井子区's streets are 甘井子区's to see, and the city's.
    fwd = Document.objects.get(issuer__code="210211", forwarded_from=doc)
    street_row = Dispatch.objects.filter(document=fwd).select_related("recipient").first()
    assert (
        street_row.recipient.name
        in _login(client, "city_admin").get(f"/documents/document/{fwd.pk}/").content.decode()
    )


def test_opening_marks_the_own_copy_read_and_acknowledging_signs_it(client, module_demos):
    doc = Document.objects.filter(title__startswith="关于报送会员服务卡推行情况的通知").get()
    row = Dispatch.objects.get(document=doc, recipient__code="210211")
    assert row.read_at is None
    _login(client, "gjz_editor").get(f"/documents/document/{doc.pk}/")
    row.refresh_from_db()
    assert row.read_at is not None and row.acknowledged_at is None
    resp = client.post(f"/documents/dispatch/{row.pk}/acknowledge/", {})
    assert resp.status_code == 302
    row.refresh_from_db()
    assert row.acknowledged_by == demo_user("gjz_editor")
    # The city's opening of its own document marks nothing.
    _login(client, "city_admin").get(f"/documents/document/{doc.pk}/")
    assert not Dispatch.objects.filter(document=doc, read_by=demo_user("city_admin")).exists()


def test_a_classified_draft_is_refused_on_the_form(client, module_demos):
    _login(client, "city_admin")
    series = demo_user("city_admin").org.document_series.first()
    resp = client.post(
        "/documents/new/",
        {
            "series": series.pk,
            "title": "测试",
            "kind": "notice",
            "secrecy": "secret",
            "body": "正文",
            "ack_days": 3,
        },
    )
    assert resp.status_code == 400 and "只处理非涉密公文" in resp.content.decode()


def test_the_item_shows_each_recipients_live_figure_next_to_its_progress(client, module_demos):
    item = SupervisionItem.objects.get(document=_seed(), title="推行会员服务卡做法")
    assert item.indicator_key == "members.card_coverage"
    page = _login(client, "city_admin").get(f"/documents/item/{item.pk}/").content.decode()
    assert 'data-testid="live"' in page and "会员服务卡" in page
    gjz_target = SupervisionTarget.objects.get(item=item, recipient__code="210211")
    gjz_page = _login(client, "gjz_admin").get(f"/documents/item/{item.pk}/").content.decode()
    assert f"/documents/target/{gjz_target.pk}/" in gjz_page and "中山区总工会" not in gjz_page


@pytest.mark.parametrize(
    "url",
    [
        "/documents/",
        "/documents/inbox/",
        "/documents/all/",
        "/documents/items/",
        "/documents/figures/",
        "/documents/series/",
    ],
)
def test_the_pages_open_for_the_city_and_a_district(client, module_demos, url):
    for user in ("city_admin", "gjz_admin", "gjz_viewer"):
        assert _login(client, user).get(url).status_code == 200, (url, user)
