from django.urls import path

from unionwork.culture import views
from unionwork.culture.models import Base, NominationMove, Position, Team

app_name = "culture"
urlpatterns = [
    path("", views.home, name="home"),
    path("positions/", views.PositionListView.as_view(), name="position-list"),
    path("positions/new/", views.PositionCreateView.as_view(), name="position-create"),
    path("positions/<int:pk>/", views.position_detail, name="position-detail"),
    path("positions/<int:pk>/close/", views.CloseView.as_view(model=Position), name="position-close"),
    path("teams/", views.TeamListView.as_view(), name="team-list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team-create"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("teams/<int:pk>/close/", views.CloseView.as_view(model=Team), name="team-close"),
    path("teams/<int:pk>/performance/", views.PerformanceCreateView.as_view(), name="performance-create"),
    path("bases/", views.BaseListView.as_view(), name="base-list"),
    path("bases/new/", views.BaseCreateView.as_view(), name="base-create"),
    path("bases/<int:pk>/", views.base_detail, name="base-detail"),
    path("bases/<int:pk>/close/", views.CloseView.as_view(model=Base), name="base-close"),
    path("award/", views.RoundListView.as_view(), name="round-list"),
    path("award/new/", views.RoundCreateView.as_view(), name="round-create"),
    path("award/<int:pk>/", views.round_detail, name="round-detail"),
    path("award/<int:round_id>/nominate/", views.NominationCreateView.as_view(), name="nomination-create"),
    path("nominations/", views.NominationListView.as_view(), name="nomination-list"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination-detail"),
    *[
        path(f"nominations/<int:pk>/{m}/", views.NominationMoveView.as_view(move=m), name=f"nomination-{m}")
        for m in NominationMove.values
    ],
    path("talents/", views.TalentListView.as_view(), name="talent-list"),
    path("talents/new/", views.TalentCreateView.as_view(), name="talent-create"),
    path("talents/<int:pk>/", views.talent_detail, name="talent-detail"),
    path("experiences/", views.ExperienceListView.as_view(), name="experience-list"),
    path("experiences/new/", views.ExperienceCreateView.as_view(), name="experience-create"),
    path("experiences/<int:pk>/", views.experience_detail, name="experience-detail"),
    path("experiences/<int:pk>/adopt/", views.ExperienceAdoptView.as_view(), name="experience-adopt"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
]
