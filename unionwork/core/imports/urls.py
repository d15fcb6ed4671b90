"""URLs of the import mechanism; the project includes them at ``/imports/``."""

from django.urls import path

from unionwork.core.imports import views

app_name = "imports"
urlpatterns = [
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="progress"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors, name="errors"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="confirm"),
    path("jobs/<int:pk>/mapping/", views.job_mapping, name="mapping"),
    path("<str:name>/", views.upload, name="upload"),
    path("<str:name>/template.xlsx", views.template, name="template"),
]
