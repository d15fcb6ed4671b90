"""The one router of the stability API and what its sub-domains share: schemas, helpers."""

import datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from unionwork.core.api import READ_ERRORS, ErrorOut

router = Router(tags=["维稳"])

PAGE_SIZE = 50
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, **READ_ERRORS}
REPORT_RELATED = ("org", "filed_by")
INCIDENT_RELATED = ("org", "recorder_org", "case")
CASE_RELATED = ("org", "handling_org", "owner", "incident")


def _choices_help(label: str, choices) -> str:
    return f"{label}：" + "，".join(f"{value} {name}" for value, name in choices)


def _user_name(user) -> str | None:
    return (user.full_name or user.username) if user is not None else None


# --- schemas: what the API shows -----------------------------------------------------------------


class AmendmentOut(Schema):
    """One correction of a record: what changed and why (never removed)."""

    id: int
    at: datetime.datetime
    actor_label: str
    reason: str
    changes: dict[str, list[Any]] = Field(description="字段名 → [更正前, 更正后]")


# --- schemas: what the API takes ------------------------------------------------------------------


class WriteIn(Schema):
    """A write body: fields it does not declare are refused (422), times above all."""

    model_config = ConfigDict(extra="forbid")


# --- query parameters and the filter sets they feed -----------------------------------------------

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def _changes(payload: Schema) -> dict[str, Any]:
    """The fields of an amendment body that were sent (null counts as not sent), as plain values."""
    sent = payload.model_dump(exclude_unset=True, exclude_none=True, exclude={"reason"})
    return {k: getattr(v, "value", v) for k, v in sent.items()}


def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value
