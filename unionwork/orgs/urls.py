from django.urls import path

from unionwork.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("list/", views.UnitListView.as_view(), name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/edit/", views.UnitEditView.as_view(), name="edit"),
    path("<int:pk>/add/", views.UnitCreateView.as_view(), name="add"),
    path("<int:pk>/move/", views.UnitMoveView.as_view(), name="move"),
    path("<int:pk>/merge/", views.UnitMergeView.as_view(), name="merge"),
    path("<int:pk>/deregister/", views.UnitDeregisterView.as_view(), name="deregister"),
    path("<int:pk>/reactivate/", views.UnitReactivateView.as_view(), name="reactivate"),
    path("<int:pk>/rezone/", views.UnitRezoneView.as_view(), name="rezone"),
    path("<int:pk>/correct/", views.UnitCorrectView.as_view(), name="correct"),
    path("rezonings/<int:pk>/", views.rezoning, name="rezoning"),
    path("rezonings/<int:pk>/confirm/", views.rezoning_confirm, name="rezoning-confirm"),
]
