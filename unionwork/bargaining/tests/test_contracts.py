"""Contracts: status from dates at the boundaries, the renewal chain, withdrawal, the document."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from unionwork.bargaining import actions
from unionwork.bargaining.models import (
    Contract,
    ContractStatus,
    contract_status,
    expiring_days,
    status_expression,
)
from unionwork.core.errors import ActionError

from .helpers import as_user, bare_enterprise, contract_for, demo_user, today

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def both(contract, day):
    """The status by the Python rule and by the database expression, which must agree."""
    python = contract_status(contract, day)
    sql = Contract.objects.annotate(s=status_expression(day)).get(pk=contract.pk).s
    assert python == sql, (day, python, sql)
    return python


def test_status_at_the_boundaries(module_demos):
    e = bare_enterprise()
    start, end = today() - 200 * DAY, today() + 400 * DAY
    c = contract_for(e, start=start, end=end)
    window = expiring_days()
    assert both(c, start - DAY) == ContractStatus.DRAFT
    assert both(c, start) == ContractStatus.IN_FORCE
    assert both(c, end - window * DAY - DAY) == ContractStatus.IN_FORCE
    assert both(c, end - window * DAY) == ContractStatus.EXPIRING
    assert both(c, end) == ContractStatus.EXPIRING  # the day of expiry: still in force
    assert both(c, end + DAY) == ContractStatus.EXPIRED  # the first day expired


def test_unsigned_is_a_draft_and_withdrawn_is_kept(module_demos):
    e = bare_enterprise()
    c = contract_for(e, signed_on=None)
    assert both(c, today()) == ContractStatus.DRAFT
    with as_user(demo_user("gjz_admin")) as u:
        actions.withdraw_contract(u, c, reason="录入错误")
    c.refresh_from_db()
    assert both(c, today()) == ContractStatus.WITHDRAWN
    assert c.withdraw_reason == "录入错误" and Contract.objects.filter(pk=c.pk).exists()
    with pytest.raises(ActionError):
        actions.withdraw_contract(demo_user("gjz_admin"), c, reason="again")


def test_renewal_chain(module_demos):
    e = bare_enterprise()
    first = contract_for(e, start=today() - 1200 * DAY, end=today() - 10 * DAY)
    assert both(first, today()) == ContractStatus.EXPIRED
    second = contract_for(
        e, start=today() - 9 * DAY, end=today() + 60 * DAY, renews=first, signed_on=today() - 12 * DAY
    )
    assert both(first, today()) == ContractStatus.RENEWED
    assert both(second, today()) == ContractStatus.EXPIRING
    third = contract_for(
        e, start=today() + 61 * DAY, end=today() + 1000 * DAY, renews=second, signed_on=today()
    )
    # A successor signed: no longer "expiring" (nothing to remind), still in force until its end.
    assert both(second, today()) == ContractStatus.IN_FORCE
    assert both(third, today()) == ContractStatus.DRAFT
    assert both(second, today() + 61 * DAY) == ContractStatus.RENEWED
    assert both(third, today() + 61 * DAY) == ContractStatus.IN_FORCE
    with pytest.raises(ActionError, match="已有续签"):
        contract_for(e, start=today() + 100 * DAY, end=today() + 900 * DAY, renews=second)


def test_terms_are_checked(module_demos):
    e = bare_enterprise()
    with pytest.raises(ActionError):
        contract_for(e, start=today(), end=today() - DAY)
    with pytest.raises(ActionError, match="工资增长幅度"):
        contract_for(e, kind="wage", wage_increase=None)
    with pytest.raises(ActionError, match="备案部门"):
        contract_for(e, filed_on=today())


def test_document_type_and_size(module_demos):
    e = bare_enterprise()
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ActionError, match="不符"):
        contract_for(e, document=fake)
    with pytest.raises(ActionError, match="PDF"):
        contract_for(e, document=SimpleUploadedFile("合同.exe", b"%PDF-1.4"))
    c = contract_for(e, document=SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF"))
    assert c.document.name.endswith(".pdf")


def test_enterprise_contract_covers_one(module_demos):
    e1 = bare_enterprise()
    e2 = bare_enterprise(exclude=[e1.pk])
    with as_user(None), pytest.raises(ActionError, match="只覆盖一家"):
        actions.record_contract(
            None,
            e1.union,
            level="enterprise",
            enterprises=[e1, e2],
            title="两家",
            kind="comprehensive",
            employer_party="某",
            term_start=today(),
            term_end=today() + 300 * DAY,
        )
