from django.urls import path

from unionwork.members import views

app_name = "members"
urlpatterns = [
    path("", views.home, name="home"),
    path("node/<int:pk>/", views.node, name="node"),
    path("node/<int:pk>/figures.xlsx", views.node_export, name="node-export"),
    path("list/", views.MemberListView.as_view(), name="list"),
    path("add/", views.MemberCreateView.as_view(), name="add"),
    path("transfer-in/", views.TransferInView.as_view(), name="transfer-in"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("<int:pk>/transfer/", views.MemberTransferView.as_view(), name="transfer"),
    path("<int:pk>/leave/", views.MemberLeaveView.as_view(), name="leave"),
    path("<int:pk>/release/", views.MemberReleaseView.as_view(), name="release"),
    path("transits/", views.TransitListView.as_view(), name="transits"),
    path("transits/<int:pk>/", views.transit_detail, name="transit"),
    path("transits/<int:pk>/accept/", views.TransitAcceptView.as_view(), name="accept"),
    path("<int:pk>/card/issue/", views.card_issue_one, name="card-issue-one"),
    path("cards/", views.CardListView.as_view(), name="cards"),
    path("cards/issue/", views.CardIssueView.as_view(), name="cards-issue"),
    path("cards/<int:pk>/action/", views.card_action, name="card-action"),
]
