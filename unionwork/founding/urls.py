from django.urls import path

from unionwork.founding import views

app_name = "founding"
urlpatterns = [
    path("", views.home, name="home"),
    path("unit/<int:pk>/", views.home, name="unit"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprises"),
    path("enterprises/new/", views.EnterpriseCreateView.as_view(), name="enterprise-new"),
    path("enterprises/import/", views.enterprise_import, name="enterprise-import"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise-edit"),
    path("enterprises/<int:pk>/close/", views.EnterpriseCloseView.as_view(), name="enterprise-close"),
    path("enterprises/<int:pk>/reopen/", views.EnterpriseReopenView.as_view(), name="enterprise-reopen"),
    path("unions/", views.UnionListView.as_view(), name="unions"),
    path("unions/new/", views.UnionFoundView.as_view(), name="union-new"),
    path("unions/<int:pk>/", views.union_detail, name="union-detail"),
    path("unions/<int:pk>/edit/", views.UnionEditView.as_view(), name="union-edit"),
    path("unions/<int:pk>/cover/", views.UnionCoverView.as_view(), name="union-cover"),
    path("unions/<int:pk>/merge/", views.UnionMergeView.as_view(), name="union-merge"),
    path("unions/<int:pk>/dissolve/", views.UnionDissolveView.as_view(), name="union-dissolve"),
    path("submissions/", views.SubmissionListView.as_view(), name="submissions"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("submissions/<int:pk>/confirm/", views.submission_confirm, name="submission-confirm"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission-return"),
    path("targets/", views.targets, name="targets"),
    path("targets/unit/<int:pk>/", views.targets, name="targets-unit"),
    path("targets/<int:pk>/letter/", views.LetterView.as_view(), name="target-letter"),
    path("targets/<int:pk>/letter/file/", views.letter_file, name="target-letter-file"),
    path("rule/", views.rule, name="rule"),
]
