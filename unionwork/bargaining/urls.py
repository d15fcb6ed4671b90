from django.urls import path

from unionwork.bargaining import views

app_name = "bargaining"
urlpatterns = [
    path("", views.home, name="home"),
    path("contracts/", views.ContractListView.as_view(), name="contract-list"),
    path("contracts/new/", views.ContractCreateView.as_view(), name="contract-create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/edit/", views.ContractEditView.as_view(), name="contract-edit"),
    path("contracts/<int:pk>/renew/", views.ContractRenewView.as_view(), name="contract-renew"),
    path("contracts/<int:pk>/withdraw/", views.ContractWithdrawView.as_view(), name="contract-withdraw"),
    path("contracts/<int:pk>/cover/", views.ContractCoverView.as_view(), name="contract-cover"),
    path("congresses/", views.CongressListView.as_view(), name="congress-list"),
    path("congresses/new/", views.CongressCreateView.as_view(), name="congress-create"),
    path("congresses/<int:pk>/", views.congress_detail, name="congress-detail"),
    path("congresses/<int:pk>/session/", views.SessionCreateView.as_view(), name="congress-session"),
    path("three/", views.ThreeAtOnceListView.as_view(), name="three-list"),
    path("instructors/", views.InstructorListView.as_view(), name="instructor-list"),
    path("instructors/new/", views.InstructorCreateView.as_view(), name="instructor-create"),
    path("instructors/<int:pk>/", views.instructor_detail, name="instructor-detail"),
    path("instructors/<int:pk>/end/", views.InstructorEndView.as_view(), name="instructor-end"),
    path("rounds/", views.RoundListView.as_view(), name="round-list"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/session/", views.RoundSessionView.as_view(), name="round-session"),
    path("rounds/<int:pk>/conclude/", views.RoundConcludeView.as_view(), name="round-conclude"),
    path("tripartite/", views.TripartiteListView.as_view(), name="tripartite-list"),
    path("tripartite/new/", views.TripartiteCreateView.as_view(), name="tripartite-create"),
    path("tripartite/<int:pk>/", views.tripartite_detail, name="tripartite-detail"),
    path("standard/", views.StandardListView.as_view(), name="standard-list"),
    path("standard/items/new/", views.StandardItemCreateView.as_view(), name="standard-item-create"),
    path("standard/<int:pk>/", views.standard_detail, name="standard-detail"),
    path("standard/<int:pk>/check/", views.StandardCheckView.as_view(), name="standard-check"),
]
