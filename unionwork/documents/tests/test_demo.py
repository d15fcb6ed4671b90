"""The demo holds the seed notice itself, numbered, sent, acknowledged, forwarded and supervised."""

import pytest

from unionwork.documents.models import Dispatch, Document, SupervisionItem

pytestmark = pytest.mark.django_db


def test_the_seed_notice_is_in_the_demo_as_issued(module_demos):
    doc = Document.objects.get(number="大工发〔2012〕57号")
    assert doc.title == "关于印发汪集刚同志在大连市工会领导机关工作会议上的讲话（摘要）的通知"
    assert doc.main_text == "各区市县总工会、开放先导区总工会、产业工会，市总各部门"
    assert doc.signing_body == "大连市总工会" and doc.issue_date.isoformat() == "2012-08-13"
    assert doc.printer == "大连市总工会办公室" and doc.printed_on == doc.issue_date
    assert doc.body.startswith("现将市委常委、市总工会主席汪集刚同志")
    assert "认真贯彻落实" in doc.body
    assert doc.annex.startswith("在全市工会领导机关工作会议上的讲话（摘要）")
    kinds = set(Dispatch.objects.filter(document=doc).values_list("recipient__kind", flat=True))
    assert kinds == {"district", "zone", "industrial"}
    assert doc.forwards.filter(state="sent").count() == 2
    assert SupervisionItem.objects.filter(document=doc).count() == 4
