"""What every module's API router uses: error bodies, the error responses to declare, messages.

Kept apart from ``unionwork/api.py`` (which builds the NinjaAPI and imports every router) so that
routers can import these without an import cycle. Every error body has the same shape, a Chinese
``detail`` string; a 422 adds the raw ``errors`` for programs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from unionwork.core.errors import ActionError


class ErrorOut(Schema):
    """Any refused request: 400, 401, 403, 404."""

    detail: str


class ValidationErrorOut(Schema):
    """A request whose parameters or body do not match the schema (422)."""

    detail: str
    errors: list[dict[str, Any]]


# The error responses an operation declares, so the OpenAPI schema lists every outcome.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 422: ValidationErrorOut}
ONE_READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}

# A page number beyond this is refused (422) before it reaches the database: an OFFSET past
# PostgreSQL's bigint is a database error, and no list has a billion pages.
MAX_PAGE = 1_000_000


class Pagination(PageNumberPagination):
    """The page-number pagination every list operation uses, with bounded parameters."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)


_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "payload", "filters"}


def _problem(err: dict[str, Any]) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    messages = {
        "missing": _("缺少此项"),
        "int_parsing": _("应为整数"),
        "int_type": _("应为整数"),
        "int_from_float": _("应为整数"),
        "bool_parsing": _("应为 true 或 false"),
        "bool_type": _("应为 true 或 false"),
        "string_type": _("应为文本"),
        "string_too_long": _("过长，最多 %(n)s 个字符") % {"n": ctx.get("max_length")},
        "string_too_short": _("过短，至少 %(n)s 个字符") % {"n": ctx.get("min_length")},
        "greater_than_equal": _("不能小于 %(n)s") % {"n": ctx.get("ge")},
        "less_than_equal": _("不能大于 %(n)s") % {"n": ctx.get("le")},
        "enum": _("取值无效，可选：%(v)s") % {"v": ctx.get("expected")},
        "literal_error": _("取值无效，可选：%(v)s") % {"v": ctx.get("expected")},
        "json_invalid": _("不是有效的 JSON"),
        "model_attributes_type": _("应为 JSON 对象"),
        "dict_type": _("应为 JSON 对象"),
        "model_type": _("应为 JSON 对象"),
        "extra_forbidden": _("不接受此项（例如时间由服务器记录，不能提交）"),
    }
    return messages.get(kind, _("取值无效"))


def validation_message(errors: list[dict[str, Any]]) -> str:
    """One Chinese sentence for pydantic's errors, naming each field (``name：过长，最多 100 个字符``)."""
    parts = []
    for err in errors:
        loc = [str(x) for x in err.get("loc", ()) if str(x) not in _LOCATIONS]
        field = ".".join(loc) or _("请求体")
        parts.append(f"{field}：{_problem(err)}")
    return _("请求数据有误：%(p)s。") % {"p": "；".join(parts) or _("格式不符")}


def filtered(filterset_class, filters: Schema, queryset: QuerySet, request: HttpRequest) -> QuerySet:
    """Apply a module's filter set (the one its list page uses) to the API's typed query parameters.

    The schema documents and validates the parameters (422 if malformed); the filter set, shared
    with the page, does the filtering. A value the filter set still refuses is a 400.
    """
    data = {k: getattr(v, "value", v) for k, v in filters.model_dump(exclude_none=True).items()}
    filterset = filterset_class(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ActionError(_("筛选条件有误：%(e)s") % {"e": filterset.errors.as_text()})
    return filterset.qs
