from django.urls import path

from unionwork.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("<int:pk>/", views.dashboard, name="node"),
    path("table/", views.stat_table, name="table"),
    path("<int:pk>/table/", views.stat_table, name="node-table"),
]
