from django.urls import path

from unionwork.documents import views
from unionwork.documents.models import DocMove

app_name = "documents"
urlpatterns = [
    path("", views.home, name="home"),
    path("figures/", views.figures, name="figures"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("all/", views.DocumentListView.as_view(), name="list"),
    path("new/", views.DraftView.as_view(), name="draft"),
    path("document/<int:pk>/", views.document_detail, name="detail"),
    path("document/<int:pk>/edit/", views.EditView.as_view(), name="edit"),
    *[
        path(f"document/<int:pk>/{move}/", views.MoveView.as_view(move=move), name=f"move-{move}")
        for move in DocMove.values
    ],
    path("document/<int:pk>/remind/", views.RemindView.as_view(), name="remind"),
    path("document/<int:pk>/pdf/", views.document_pdf, name="pdf"),
    path("document/<int:pk>/docx/", views.document_docx, name="docx"),
    path("document/<int:pk>/attach/", views.AttachView.as_view(), name="attach"),
    path("document/<int:pk>/item/", views.ItemCreateView.as_view(), name="item-create"),
    path("dispatch/<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("dispatch/<int:pk>/forward/", views.ForwardView.as_view(), name="forward"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("items/", views.ItemListView.as_view(), name="items"),
    path("item/<int:pk>/", views.item_detail, name="item"),
    path("item/<int:pk>/close/", views.ItemCloseView.as_view(), name="item-close"),
    path("target/<int:pk>/", views.target_detail, name="target"),
    path("target/<int:pk>/report/", views.ProgressView.as_view(), name="progress"),
    path("report/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("series/", views.SeriesListView.as_view(), name="series"),
    path("series/new/", views.SeriesCreateView.as_view(), name="series-create"),
]
