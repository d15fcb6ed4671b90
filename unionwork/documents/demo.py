"""Demo data of official documents: the seed notice 大工发〔2012〕57号 itself, sent to every district,
zone and industrial union, acknowledged (some late), forwarded by 甘井子区 and 中山区 to their streets,
and its hard requirements supervised (service cards by 31 August, the three-year founding task by
30 September, instructor teams, stations in every eligible enterprise); and one current notice of
the city's office. Everything goes through the actions; times in the past are passed as ``now``.
Running it again adds nothing.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from unionwork.core import audit
from unionwork.documents import actions
from unionwork.documents.models import (
    Dispatch,
    Document,
    DocumentSeries,
    RecipientGroup,
    Reporting,
    SupervisionTarget,
)
from unionwork.orgs.models import OrgUnit

MARK = "（演示）"
SEED_FILE = Path(__file__).with_name("seed_57.txt")
SEED_TITLE = "关于印发汪集刚同志在大连市工会领导机关工作会议上的讲话（摘要）的通知"
SEED_MAIN = "各区市县总工会、开放先导区总工会、产业工会，市总各部门"
# The seed's hard requirements (四 加强监督检查), with the indicator that measures each where kept.
SEED_ITEMS = [
    (
        "推行会员服务卡做法",
        "所有区市县工会和产业工会都要在今年8月底前推行会员服务卡做法。",
        (2012, 8, 31),
        "members.card_coverage",
    ),
    (
        "完成三年建会任务",
        "所有区市县和产业工会都要在今年9月底前完成三年建会任务。",
        (2012, 9, 30),
        "founding.rate",
    ),
    (
        "建立工资协商指导员队伍",
        "所有区市县和产业工会都要在近期建立起工资协商指导员队伍。",
        (2012, 10, 31),
        "bargaining.instructor_team",
    ),
    (
        "符合条件的企业建立职工服务中心（站）",
        "所有符合条件的企业都要建立职工服务中心（站）。",
        (2012, 12, 31),
        "stations.coverage",
    ),
]


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _at(y, m, d, h=9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, h, 0))


def seed_text() -> tuple[str, str]:
    """The notice's body and the speech it prints (印发件), from the seed document."""
    lines = SEED_FILE.read_text(encoding="utf-8").splitlines()
    body = lines[7].strip()
    annex = "\n".join(x.strip() for x in lines[13:] if x.strip() and "印发" not in x[-4:])
    return body, annex


def _series(issuer, prefix, department="", name=""):
    found = DocumentSeries.objects.filter(prefix=prefix).first()
    return found or actions.add_series(
        None, issuer, prefix=prefix, department=department, name=name + MARK, is_demo=True
    )


def _issue(doc, signer, when: datetime.datetime, issue_date=None):
    actions.submit(None, doc, now=when)
    actions.approve(signer, doc, now=when)
    actions.sign(signer, doc, issue_date=issue_date or when.date(), now=when)
    return actions.send(None, doc, now=when)


def _seed_notice(city, signer) -> Document:
    series = _series(city, "大工发", name="市总工会发文")
    _series(city, "大工办发", department="办公室", name="市总工会办公室发文")
    _series(city, "大工字", name="市总工会函件、通知")
    # 56 notices went out in 2012 before the platform: it goes on from 57.
    actions.set_serial_start(None, series, year=2012, last=56)
    body, annex = seed_text()
    doc = actions.draft_document(
        None,
        city,
        series=series,
        title=SEED_TITLE,
        body=body,
        annex=annex,
        main_groups=[RecipientGroup.DISTRICT, RecipientGroup.ZONE, RecipientGroup.INDUSTRIAL],
        main_text=SEED_MAIN,
        signing_body="大连市总工会",
        printer="大连市总工会办公室",
        printed_on=datetime.date(2012, 8, 13),
        is_demo=True,
    )
    return _issue(doc, signer, _at(2012, 8, 13), datetime.date(2012, 8, 13))


def _acknowledge(doc) -> None:
    rows = list(Dispatch.objects.filter(document=doc).select_related("recipient").order_by("recipient__path"))
    for i, d in enumerate(rows):
        if i % 5 == 4:
            continue  # not acknowledged: to be reminded
        late = i % 4 == 3 or d.recipient.code == "210202"
        when = d.ack_due + datetime.timedelta(days=2) if late else d.sent_at + datetime.timedelta(hours=5 + i)
        actions.mark_read(None, d, now=when - datetime.timedelta(hours=1))
        actions.acknowledge(None, d, now=when)


def _forward(doc, code, prefix, signer_name, when) -> Document | None:
    unit = OrgUnit.objects.filter(code=code).first()
    dispatch = Dispatch.objects.filter(document=doc, recipient=unit).first() if unit else None
    if dispatch is None:
        return None
    series = _series(unit, prefix, name=unit.name + "发文")
    fwd = actions.forward(None, dispatch, series=series)
    fwd = actions.edit_document(None, fwd, printer=unit.name + "办公室", printed_on=when.date())
    actions.attach(None, fwd, name="转发说明.txt", data=f"{unit.name}转发市总工会文件的说明{MARK}".encode())
    return _issue(fwd, _user(signer_name), when)


def _supervise(doc, signer) -> None:
    from unionwork.core import indicators

    for title, requirement, (y, m, d), key in SEED_ITEMS:
        deadline = datetime.date(y, m, d)
        item = actions.add_item(
            None,
            doc,
            title=title,
            requirement=requirement,
            deadline=deadline,
            reporting=Reporting.MONTHLY if m >= 10 else Reporting.ONCE,
            indicator_key=key if key in indicators.INDICATORS else "",
            is_demo=True,
        )
        for i, target in enumerate(
            SupervisionTarget.objects.filter(item=item)
            .select_related("recipient")
            .order_by("recipient__path")
        ):
            if i % 3 == 2:
                continue
            on_time = i % 2 == 0
            when = (
                _at(y, m, d) - datetime.timedelta(days=3)
                if on_time
                else _at(y, m, d) + datetime.timedelta(days=4)
            )
            report = actions.report_progress(
                None,
                target,
                text=f"{target.recipient.name}已部署落实，{title}进展顺利{MARK}",
                is_final=i % 4 != 1,
                now=when,
            )
            if i % 5 == 0:
                continue  # waiting for the issuer
            accept = i % 7 != 3
            actions.decide_report(
                signer,
                report,
                accept=accept,
                comment="" if accept else "请补充具体数字和完成单位名单" + MARK,
                now=when + datetime.timedelta(days=1),
            )


def _current_notice(city, signer) -> None:
    series = DocumentSeries.objects.get(prefix="大工办发")
    now = timezone.now()
    doc = actions.draft_document(
        None,
        city,
        series=series,
        title="关于报送会员服务卡推行情况的通知" + MARK,
        body="请各区市县总工会于十日内报送本单位会员服务卡推行情况，逐级汇总，按时上报。",
        main_groups=[RecipientGroup.DISTRICT],
        printer="大连市总工会办公室",
        ack_days=3,
        is_demo=True,
    )
    doc = _issue(doc, signer, now - datetime.timedelta(days=1))
    actions.add_item(
        None,
        doc,
        title="报送会员服务卡推行情况" + MARK,
        deadline=timezone.localdate(now) + datetime.timedelta(days=9),
        indicator_key="members.card_coverage",
        is_demo=True,
    )


def seed_small(stdout=None) -> dict:
    """The documents demo (idempotent): what it made, or nothing if it exists."""
    if Document.objects.filter(number="大工发〔2012〕57号").exists():
        return {}
    city = OrgUnit.objects.filter(parent__isnull=True).first()
    signer = _user("city_admin")
    if city is None or signer is None:
        return {}
    with audit.acting_as(None, "command:demo"), transaction.atomic():
        doc = _seed_notice(city, signer)
        _acknowledge(doc)
        _forward(doc, "210211", "甘工发", "gjz_admin", _at(2012, 8, 15))
        _forward(doc, "210202", "中工发", "zs_admin", _at(2012, 8, 17))
        _supervise(doc, signer)
        _current_notice(city, signer)
    result = {"documents": Document.objects.count(), "dispatches": Dispatch.objects.count()}
    if stdout is not None:
        stdout.write(f"documents demo: {result}\n")
    return result
