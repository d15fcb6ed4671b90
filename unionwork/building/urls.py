from django.urls import path

from unionwork.building import views

app_name = "building"
urlpatterns = [
    path("", views.home, name="home"),
    path("unit/<int:org_id>/", views.unit, name="unit"),
    path("committees/", views.CommitteeListView.as_view(), name="committee-list"),
    path("committees/new/", views.CommitteeCreateView.as_view(), name="committee-create"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
    path("profiles/", views.ProfileListView.as_view(), name="profile-list"),
    path("profiles/new/", views.ProfileCreateView.as_view(), name="profile-create"),
    path("profiles/<int:pk>/edit/", views.ProfileEditView.as_view(), name="profile-edit"),
    path("surveys/", views.SurveyListView.as_view(), name="survey-list"),
    path("surveys/new/", views.SurveyCreateView.as_view(), name="survey-create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/close/", views.SurveyCloseView.as_view(), name="survey-close"),
    path("s/<slug:slug>/", views.survey_answer, name="survey-answer"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", views.CampaignFormView.as_view(), name="campaign-create"),
    path("campaigns/<int:pk>/edit/", views.CampaignFormView.as_view(), name="campaign-edit"),
    path("applications/", views.ApplicationListView.as_view(), name="application-list"),
    path("applications/new/", views.ApplicationCreateView.as_view(), name="application-create"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    *[
        path(
            f"applications/<int:pk>/{move}/",
            views.ApplicationMoveView.as_view(move=move),
            name=f"application-{move}",
        )
        for move in views.USER_MOVES
    ],
]
