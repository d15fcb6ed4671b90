"""The documents pages and API hold the scope: see ``core.testing.scope``. Besides the demo data
(the city's notice, which 甘井子区 also received, and 中山区's forward of it to its streets),
中山区 gets a draft with an attachment and a supervised item on its forward."""

import datetime

from unionwork.core import audit
from unionwork.core.testing.scope import ScopeTest
from unionwork.core.tests.factories import demo_user, unit
from unionwork.documents import actions
from unionwork.documents.models import Document, SupervisionTarget

ZS_MARKERS = ["中工发", "中山范围测试草稿", "中山范围测试事项", "中山范围测试附件"]


def zs_records() -> list:
    zs = demo_user("zs_admin")
    zs_unit = unit("210202")
    with audit.acting_as(zs, "test"):
        series = zs_unit.document_series.first()
        doc = actions.draft_document(
            zs,
            zs_unit,
            series=series,
            title="中山范围测试草稿",
            body="中山范围测试",
            main_groups=["children"],
        )
        att = actions.attach(zs, doc, name="中山范围测试附件.txt", data="中山范围测试".encode())
        forward = Document.objects.filter(issuer=zs_unit, state="sent").first()
        made = [doc, att]
        if forward is not None:
            item = actions.add_item(
                zs, forward, title="中山范围测试事项", deadline=datetime.date(2026, 12, 31)
            )
            target = SupervisionTarget.objects.filter(item=item).first()
            report = actions.report_progress(None, target, text="中山范围测试进展", is_final=True)
            made += [item, target, report]
    return made


class TestDocumentsScope(ScopeTest):
    app = "documents"
    markers = ZS_MARKERS

    @classmethod
    def other_records(cls) -> list:
        return zs_records()
