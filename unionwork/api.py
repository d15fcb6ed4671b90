"""The API: /api/v1/, token authentication, the same scope and audit as the pages."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="unionwork API",
    version="1",
    description="工会工作平台接口。所有请求需在请求头中携带 `Authorization: Bearer <令牌>`；数据范围与网页相同。",
    urls_namespace="api",
)
