from django.urls import include, path

from unionwork.api import api

urlpatterns = [
    path("", include("unionwork.core.urls")),
    path("accounts/", include("unionwork.accounts.urls")),
    path("imports/", include("unionwork.core.import_urls")),
    path("orgs/", include("unionwork.orgs.urls")),
    path("founding/", include("unionwork.founding.urls")),
    path("members/", include("unionwork.members.urls")),
    path("stability/", include("unionwork.stability.urls")),
    path("dashboard/", include("unionwork.dashboard.urls")),
    path("api/v1/", api.urls),
]
