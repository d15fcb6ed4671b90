from django.urls import path

from unionwork.stations import views

app_name = "stations"
urlpatterns = [
    path("", views.home, name="home"),
    path("list/", views.StationListView.as_view(), name="station-list"),
    path("new/", views.StationCreateView.as_view(), name="station-create"),
    path("missing/", views.MissingListView.as_view(), name="missing"),
    path("<int:pk>/", views.station_detail, name="station-detail"),
    path("<int:pk>/edit/", views.StationEditView.as_view(), name="station-edit"),
    path("<int:pk>/status/", views.StationStatusView.as_view(), name="station-status"),
    path("<int:pk>/photo/", views.PhotoView.as_view(), name="station-photo"),
    path("<int:pk>/log/", views.ServiceLogView.as_view(), name="service-log"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("services/", views.ServiceRecordListView.as_view(), name="service-list"),
    path("enterprise/<int:pk>/", views.enterprise, name="enterprise"),
    path("rules/", views.rules, name="rules"),
    path("rules/eligibility/", views.RuleCreateView.as_view(), name="rule-create"),
    path("rules/services/", views.ServiceKindCreateView.as_view(), name="service-kind-create"),
    path("rules/relief/", views.ReliefPolicyView.as_view(), name="relief-policy"),
    path("rights/", views.ConsultationListView.as_view(), name="consultation-list"),
    path("rights/new/", views.ConsultationCreateView.as_view(), name="consultation-create"),
    path("rights/<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("rights/<int:pk>/close/", views.ConsultationCloseView.as_view(), name="consultation-close"),
    path("rights/<int:pk>/case/", views.ConsultationCaseView.as_view(), name="consultation-case"),
    path("hardship/", views.HardshipListView.as_view(), name="hardship-list"),
    path("hardship/new/", views.HardshipCreateView.as_view(), name="hardship-create"),
    path("hardship/<int:pk>/", views.hardship_detail, name="hardship-detail"),
    path("hardship/<int:pk>/unmask/", views.hardship_unmask, name="hardship-unmask"),
    path("hardship/<int:pk>/review/", views.ReviewView.as_view(), name="hardship-review"),
    path("hardship/<int:pk>/relief/", views.ReliefView.as_view(), name="relief-create"),
    path("relief/pending/", views.PendingReliefListView.as_view(), name="relief-pending"),
    path("relief/<int:pk>/decide/", views.DecideView.as_view(), name="relief-decide"),
]
