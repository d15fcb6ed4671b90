from django.urls import include, path

from unionwork.api import api

urlpatterns = [
    path("", include("unionwork.core.urls")),
    path("accounts/", include("unionwork.accounts.urls")),
    path("orgs/", include("unionwork.orgs.urls")),
    path("api/v1/", api.urls),
]
