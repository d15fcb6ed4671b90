"""Reads of the accounts pages (an account's own API tokens)."""

from __future__ import annotations

from django.db.models import QuerySet

from unionwork.accounts.models import ApiToken
from unionwork.core.text import is_digits


def own_tokens(user) -> QuerySet[ApiToken]:
    """The user's API tokens, the valid ones first, newest first."""
    return user.api_tokens.order_by("revoked", "-id")


def own_token(user, pk: str) -> ApiToken | None:
    """One of the user's own tokens by the id a form posted (anything else: None)."""
    return user.api_tokens.filter(pk=pk).first() if is_digits(str(pk)) else None
