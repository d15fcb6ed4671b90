from django.urls import path

from unionwork.core import pickers, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/badge/", views.notification_badge, name="notification-badge"),
    path("notifications/<int:pk>/read/", views.notice_read, name="notice-read"),
    path("notifications/read/", views.notices_read_all, name="notices-read-all"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<int:pk>/", views.export_job, name="export-job"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export-progress"),
    path("exports/<int:pk>/file/", views.export_file, name="export-file"),
    path("audit/", views.AuditListView.as_view(), name="audit"),
    path("audit/<int:pk>/", views.audit_detail, name="audit-detail"),
    path("security/", views.SecurityEventListView.as_view(), name="security-events"),
    path("pick/<slug:name>/", pickers.pick, name="pick"),
]
