"""The API: /api/v1/, token authentication, the same scope and audit as the pages.

Every operation needs ``Authorization: Bearer <key>`` (an :class:`ApiToken`); the OpenAPI
schema and the Swagger page do not. A request acts as the token's user: ``request.user`` is that
user, so handlers restrict exactly as the pages do, and every change the request makes is audited
with that user and the source ``api``. Errors are one shape, ``{"detail": "<中文说明>"}``:

- 400 an action refused the change (``ActionError``, a Django ``ValidationError``) or the data
  conflicts with what is stored;
- 401 no token, or an unknown, revoked, expired or deactivated one;
- 403 the user's role may not do this (``ActionError`` with code ``forbidden``, ``PermissionDenied``);
- 404 not found, or outside the user's scope (the two are never told apart);
- 422 the request does not match the schema (``errors`` holds the details).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from unionwork.accounts.api import router as accounts_router
from unionwork.accounts.models import ApiToken
from unionwork.assessment.api import router as assessment_router
from unionwork.bargaining.api import router as bargaining_router
from unionwork.building.api import router as building_router
from unionwork.core import audit, security
from unionwork.core.api import validation_message
from unionwork.core.imports.api import router as imports_router
from unionwork.culture.api import router as culture_router
from unionwork.dashboard.api import router as indicators_router
from unionwork.documents.api import router as documents_router
from unionwork.founding.api import router as founding_router
from unionwork.members.api import router as members_router
from unionwork.orgs.api import router as orgs_router
from unionwork.stability.api import router as stability_router
from unionwork.stations.api import router as stations_router
from unionwork.visits.api import router as visits_router

# last_used_at is bookkeeping, not a change of record: it is written at most this often and
# without an audit event, so that reading does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
security_log = logging.getLogger("unionwork.security")


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer uw_…``: a token that is not revoked nor expired, of an active account.

    A read-only token is refused (403) on any method but GET, HEAD and OPTIONS."""

    def authenticate(self, request: HttpRequest, token: str):
        if not token:
            return None
        found = (
            ApiToken.objects.select_related("user", "user__org")
            .filter(key_hash=ApiToken.hash_key(token.strip()), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            security.record("token_invalid", request)
            return None
        now = timezone.now()
        if found.expires_at is not None and found.expires_at <= now:
            security_log.info("api token expired prefix=%s user=%r", found.prefix, found.user.username)
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            security_log.warning(
                "api write refused (read-only token) prefix=%s user=%r %s %s",
                found.prefix,
                found.user.username,
                request.method,
                request.path,
            )
            raise PermissionDenied(_("此令牌为只读令牌，不能修改数据。"))
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            # Token use is a security event at the same resolution: not one insert per request.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            security.record("token_use", request, user=found.user, token=found.pk)
        user = found.user
        request.user = user
        audit.set_actor(user, "api")
        return user


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese as is, not as \\u escapes: readable in curl and in logs."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="unionwork API",
    version="1",
    description=(
        "工会工作平台接口。所有请求需在请求头中携带 `Authorization: Bearer <令牌>`"
        "（在“我的账号”页面或用 `manage.py create_api_token` 创建）；数据范围与网页相同，"
        '每次修改都记入审计日志。出错时返回 `{"detail": "中文说明"}`：400 操作被拒绝，'
        "401 令牌无效或已过期，403 角色无权或只读令牌写入，404 不存在或不在管辖范围内，422 请求格式不符。"
    ),
    urls_namespace="api",
    auth=ApiTokenAuth(),
    renderer=ReadableJSONRenderer(),
)


def _detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """An action refused the change: 403 if the role may not, else 400. ActionError is one of these."""
    status = 403 if getattr(exc, "code", None) == "forbidden" else 400
    return _detail(request, " ".join(str(m) for m in exc.messages), status)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, str(exc) or _("您的角色无权执行此操作。"), 403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, _("未找到，或不在您的管辖范围内。"), 404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _detail(
        request,
        _(
            "需要有效的接口令牌：请在请求头中携带 Authorization: Bearer <令牌>；令牌可能已吊销、已过期或账号已停用。"
        ),
        401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja raises 400 only when the body cannot be parsed; its message is English.
    if exc.status_code == 400:
        return _detail(
            request, _("请求体无法解析：请发送 JSON，并设置 Content-Type: application/json。"), 400
        )
    return _detail(request, str(exc), exc.status_code)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors]
    return api.create_response(
        request, {"detail": validation_message(exc.errors), "errors": errors}, status=422
    )


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # The actions check what they can; a race (two requests taking the same code) ends here.
    return _detail(
        request, _("保存失败：数据与已有记录冲突（例如代码重复），未做任何修改，请检查后重试。"), 400
    )


@api.exception_handler(DataError)
def _bad_data(request: HttpRequest, exc: DataError) -> HttpResponse:
    return _detail(request, _("保存失败：某项内容过长或格式不符，未做任何修改，请检查后重试。"), 400)


api.add_router("/orgs/", orgs_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/indicators/", indicators_router)
api.add_router("/stability/", stability_router)
api.add_router("/stations/", stations_router)
api.add_router("/visits/", visits_router)
api.add_router("/members/", members_router)
api.add_router("/founding/", founding_router)
api.add_router("/imports/", imports_router)
api.add_router("/bargaining/", bargaining_router)
api.add_router("/documents/", documents_router)
api.add_router("/building/", building_router)
api.add_router("/culture/", culture_router)
api.add_router("/assessment/", assessment_router)
