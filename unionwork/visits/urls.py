from django.urls import path

from unionwork.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/pair/", views.CampaignPairView.as_view(), name="campaign-pair"),
    path("campaigns/<int:pk>/close/", views.CampaignCloseView.as_view(), name="campaign-close"),
    path("pairings/<int:pk>/end/", views.PairingEndView.as_view(), name="pairing-end"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/new/", views.ChecklistNewView.as_view(), name="checklist-new"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist-detail"),
    path("list/", views.VisitListView.as_view(), name="visit-list"),
    path("new/", views.VisitCreateView.as_view(), name="visit-create"),
    path("<int:pk>/", views.visit_detail, name="visit-detail"),
    path("<int:pk>/withdraw/", views.VisitWithdrawView.as_view(), name="visit-withdraw"),
    path("<int:pk>/finding/", views.FindingCreateView.as_view(), name="finding-create"),
    path("<int:pk>/photo/", views.PhotoAddView.as_view(), name="visit-photo"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("findings/<int:pk>/case/", views.FindingCaseView.as_view(), name="finding-case"),
    path("findings/<int:pk>/deed/", views.DeedCreateView.as_view(), name="deed-create"),
    path("deeds/", views.DeedListView.as_view(), name="deed-list"),
    path("deeds/<int:pk>/", views.deed_detail, name="deed-detail"),
    path("deeds/<int:pk>/progress/", views.DeedProgressView.as_view(), name="deed-progress"),
    path("deeds/<int:pk>/done/", views.DeedDoneView.as_view(), name="deed-done"),
    path("deeds/<int:pk>/verify/", views.DeedVerifyView.as_view(), name="deed-verify"),
    path("deeds/<int:pk>/reopen/", views.DeedReopenView.as_view(), name="deed-reopen"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report-create"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report-edit"),
    path("reports/<int:pk>/recommend/", views.RecommendationCreateView.as_view(), name="report-recommend"),
    path("reports/<int:pk>/docx/", views.report_docx, name="report-docx"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report-pdf"),
]
