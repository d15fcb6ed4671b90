from django.urls import path

from unionwork.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("schemes/new/", views.SchemeCreateView.as_view(), name="scheme-create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme-detail"),
    path("schemes/<int:pk>/edit/", views.SchemeEditView.as_view(), name="scheme-edit"),
    path("schemes/<int:pk>/sections/new/", views.SectionCreateView.as_view(), name="section-create"),
    path("schemes/<int:pk>/items/new/", views.ItemFormView.as_view(), name="item-create"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item-edit"),
    *[
        path(f"schemes/<int:pk>/{move}/", views.SchemeMoveView.as_view(move=move), name=f"scheme-{move}")
        for move in views.SCHEME_MOVES
    ],
    path("schemes/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("schemes/<int:pk>/reviews/", views.ReviewView.as_view(), name="reviews"),
    path("schemes/<int:pk>/claim/", views.ClaimCreateView.as_view(), name="claim-create"),
    path("results/<int:pk>/", views.result_detail, name="result-detail"),
    path("results/<int:pk>/appeal/", views.AppealCreateView.as_view(), name="appeal-create"),
    path("claims/", views.ClaimListView.as_view(), name="claim-list"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("files/<int:pk>/", views.claim_file, name="claim-file"),
    path("appeals/", views.AppealListView.as_view(), name="appeal-list"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal-detail"),
    path("appeals/<int:pk>/decide/", views.DecideView.as_view(), name="appeal-decide"),
]
