"""Shared helpers of the documents tests: a series, a document sent from the city or a district."""

from __future__ import annotations

import datetime

from django.utils import timezone

from unionwork.core.tests.factories import demo_user, unit
from unionwork.documents import actions
from unionwork.documents.models import DocumentSeries, RecipientGroup


def at(y, m, d, h=9):
    return timezone.make_aware(datetime.datetime(y, m, d, h, 0))


def series(issuer, prefix):
    return DocumentSeries.objects.filter(prefix=prefix).first() or actions.add_series(
        None, issuer, prefix=prefix
    )


def draft(issuer_code="2102", prefix="测工发", groups=(RecipientGroup.DISTRICT,), units=(), **fields):
    issuer = unit(issuer_code)
    fields.setdefault("title", "关于测试公文的通知")
    fields.setdefault("body", "请认真贯彻落实。")
    return actions.draft_document(
        None, issuer, series=series(issuer, prefix), main_groups=list(groups), main_units=units, **fields
    )


def issue(doc, signer="city_admin", when=None, issue_date=None):
    """审核 → 签发 → 分发 as the system and the named signer."""
    user = demo_user(signer)
    actions.submit(None, doc, now=when)
    actions.approve(user, doc, now=when)
    actions.sign(user, doc, issue_date=issue_date, now=when)
    return actions.send(None, doc, now=when)
