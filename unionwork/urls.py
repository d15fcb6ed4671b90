from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _

from unionwork.api import api


def api_not_found(request, rest=""):
    """Unknown API paths answer in the API's own shape, not with the HTML 404 page."""
    return JsonResponse(
        {"detail": _("接口不存在：%(p)s。接口文档见 /api/v1/docs") % {"p": request.path}}, status=404
    )


handler400 = "unionwork.core.bad_input.bad_request"  # 413 for bodies over the limit, Chinese text

urlpatterns = [
    path("", include("unionwork.core.urls")),
    path("accounts/", include("unionwork.accounts.urls")),
    path("imports/", include("unionwork.core.imports.urls")),
    path("orgs/", include("unionwork.orgs.urls")),
    path("founding/", include("unionwork.founding.urls")),
    path("members/", include("unionwork.members.urls")),
    path("stability/", include("unionwork.stability.urls")),
    path("bargaining/", include("unionwork.bargaining.urls")),
    path("stations/", include("unionwork.stations.urls")),
    path("documents/", include("unionwork.documents.urls")),
    path("visits/", include("unionwork.visits.urls")),
    path("building/", include("unionwork.building.urls")),
    path("assessment/", include("unionwork.assessment.urls")),
    path("culture/", include("unionwork.culture.urls")),
    path("dashboard/", include("unionwork.dashboard.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
]
