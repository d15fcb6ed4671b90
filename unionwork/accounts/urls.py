from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from unionwork.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("2fa/setup/", views.second_factor_setup, name="2fa-setup"),
    path("2fa/verify/", views.second_factor_verify, name="2fa-verify"),
    path("", views.AccountListView.as_view(), name="list"),
    path("new/", views.AccountCreateView.as_view(), name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.AccountEditView.as_view(), name="edit"),
    path("<int:pk>/password/", views.AccountPasswordView.as_view(), name="password"),
    re_path(
        r"^(?P<pk>\d+)/(?P<what>activate|deactivate|unlock|reset2fa)/$", views.account_toggle, name="toggle"
    ),
]
