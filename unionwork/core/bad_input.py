"""Bad input gets a 4xx with a Chinese message, never a traceback or a 500.

- A body larger than the limits is refused with 413 before it is read: ``DATA_UPLOAD_MAX_MEMORY_SIZE``
  for form and JSON bodies, ``UNIONWORK_MAX_REQUEST_BYTES`` for uploads (multipart, files included).
- Django's own refusals while reading a body (too big, too many fields or files) become 413 too,
  whether they happen in the view or in the CSRF check (``handler400`` below).
- What a view still lets through from malformed input (a number beyond the database's integers,
  a JSON nested too deep, bytes that are not UTF-8) is a 400, not a 500.

API paths answer in the API's shape (``{"detail": "…"}``), pages with a short Chinese page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger("unionwork.security")

TOO_BIG = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def _answer(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        title = _("请求内容过大") if status == 413 else _("请求有误")
        html = render_to_string("4xx.html", {"status": status, "title": title, "message": message})
        response = HttpResponse(html, status=status)
    return response


def too_big_message(exc: Exception | None = None) -> str:
    if isinstance(exc, TooManyFieldsSent):
        return _("提交的字段过多（上限 %(n)s 个），未做任何修改。请分批提交。") % {
            "n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    if isinstance(exc, TooManyFilesSent):
        return _("一次提交的文件过多（上限 %(n)s 个），未做任何修改。请分批上传。") % {
            "n": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    return _(
        "请求内容过大，未做任何修改：表单或 JSON 数据不能超过 %(d)s MB，上传文件不能超过 %(u)s MB。"
        "请缩小文件或分批提交。"
    ) % {
        "d": _mb(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "u": _mb(max_request_bytes()),
    }


def max_request_bytes() -> int:
    return int(getattr(settings, "UNIONWORK_MAX_REQUEST_BYTES", 110 * 1024 * 1024))


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class BadInputMiddleware:
    """413 before reading a body over the limit; 400 for malformed input a view did not catch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = max_request_bytes() if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            log.warning(
                "request body too large: %s bytes to %s from %s", length, request.path, _client(request)
            )
            return _answer(request, 413, too_big_message())
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            # Refusals made outside the API's handlers (django-ninja's bare "Method not allowed",
            # Django's CSRF page) answer in the API's shape and in Chinese too.
            return self._api_refusal(request, response)
        return response

    @staticmethod
    def _api_refusal(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        status = response.status_code
        allowed = response.get("Allow", "")
        messages = {
            401: _("需要有效的接口令牌：请在请求头中携带 Authorization: Bearer <令牌>。"),
            403: _(
                "请求被拒绝：接口请求请只用 Authorization: Bearer <令牌> 认证，不要携带网页登录的 Cookie。"
            ),
            404: _("接口不存在：%(p)s。") % {"p": request.path},
            405: _("此接口不支持 %(m)s 请求。") % {"m": request.method},
        }
        message = messages.get(status, _("请求有误，无法处理（状态 %(s)s）。") % {"s": status})
        if status == 405 and allowed:
            message += _("可用：%(a)s。") % {"a": allowed}
        new = _answer(request, status, message + _("接口文档见 /api/v1/docs"))
        if allowed:
            new["Allow"] = allowed
        return new

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, TOO_BIG):
            log.warning(
                "request refused (%s) to %s from %s", type(exc).__name__, request.path, _client(request)
            )
            return _answer(request, 413, too_big_message(exc))
        if isinstance(exc, OverflowError) or (isinstance(exc, DataError) and _is_out_of_range(exc)):
            return _answer(
                request,
                400,
                _(
                    "提交的数字超出允许范围（超过了能保存的最大整数），未做任何修改。请检查填写的数字后返回重试。"
                ),
            )
        if isinstance(exc, RecursionError):
            return _answer(request, 400, _("请求数据嵌套过深，无法处理，未做任何修改。"))
        if isinstance(exc, UnicodeDecodeError):
            return _answer(request, 400, _("请求数据不是有效的 UTF-8 文本，未做任何修改。"))
        return None


def _is_out_of_range(exc: DataError) -> bool:
    text = str(exc).lower()
    return "out of range" in text or "too large" in text or "overflow" in text


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: Django's refusals outside the view (the CSRF check reading a body too big)."""
    if isinstance(exception, TOO_BIG):
        log.warning(
            "request refused (%s) to %s from %s", type(exception).__name__, request.path, _client(request)
        )
        return _answer(request, 413, too_big_message(exception))
    return _answer(request, 400, _("请求有误，无法处理，未做任何修改。请返回重试。"))
