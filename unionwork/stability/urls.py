from django.urls import path

from unionwork.stability import views
from unionwork.stability.models import CaseMove

app_name = "stability"
urlpatterns = [
    path("", views.home, name="home"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/file/", views.ReportFileView.as_view(), name="report-file"),
    path("reports/nil/", views.NilReportView.as_view(), name="report-nil"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/amend/", views.ReportAmendView.as_view(), name="report-amend"),
    path("incidents/", views.IncidentListView.as_view(), name="incident-list"),
    path("incidents/new/", views.IncidentCreateView.as_view(), name="incident-create"),
    path("incidents/concealed/", views.ConcealedIncidentView.as_view(), name="incident-concealed"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/amend/", views.IncidentAmendView.as_view(), name="incident-amend"),
    path("incidents/<int:pk>/emergency/", views.EmergencyStartView.as_view(), name="emergency-start"),
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/grievance/", views.GrievanceCreateView.as_view(), name="grievance-create"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/amend/", views.CaseAmendView.as_view(), name="case-amend"),
    *[
        path(f"cases/<int:pk>/{move}/", views.CaseMoveView.as_view(move=move), name=f"case-{move}")
        for move in CaseMove.values
    ],
    path("petitions/", views.PetitionListView.as_view(), name="petition-list"),
    path("petitions/new/", views.PetitionCreateView.as_view(), name="petition-create"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition-detail"),
    path("petitions/<int:pk>/case/", views.petition_open_case, name="petition-open-case"),
    path("receptions/", views.ReceptionListView.as_view(), name="reception-list"),
    path("receptions/new/", views.ReceptionCreateView.as_view(), name="reception-create"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception-detail"),
    path("receptions/<int:pk>/visit/", views.ReceptionVisitView.as_view(), name="reception-visit"),
    path("emergency/", views.emergency, name="emergency"),
    path("emergency/plan/", views.PlanAdoptView.as_view(), name="plan-adopt"),
    path("emergency/<int:pk>/", views.emergency_detail, name="emergency-detail"),
    path("emergency/<int:pk>/log/", views.EmergencyLogView.as_view(), name="emergency-log"),
    path("emergency/<int:pk>/close/", views.EmergencyCloseView.as_view(), name="emergency-close"),
    path("accountability/", views.AccountabilityListView.as_view(), name="accountability-list"),
    path("accountability/new/", views.accountability_pick, name="accountability-pick"),
    path(
        "accountability/new/<int:org_id>/",
        views.AccountabilityCreateView.as_view(),
        name="accountability-create",
    ),
    path("accountability/<int:pk>/", views.accountability_detail, name="accountability-detail"),
    path("group/", views.group, name="group"),
    path("group/<int:org_id>/add/", views.GroupAddView.as_view(), name="group-add"),
    path("group/member/<int:pk>/end/", views.GroupEndView.as_view(), name="group-end"),
    path("rules/", views.rules, name="rules"),
    path("rules/policy/", views.PolicyEditView.as_view(), name="policy-edit"),
    path("rules/severity/", views.SeverityRulesView.as_view(), name="severity-rules"),
    path("heightened/", views.heightened, name="heightened"),
    path("heightened/new/", views.HeightenedCreateView.as_view(), name="heightened-create"),
    path("heightened/<int:pk>/cancel/", views.HeightenedCancelView.as_view(), name="heightened-cancel"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
]
