"""The generic views: list columns take their labels from the model; the action form view is
Django's FormView with the platform's order (object, role, form) and hooks."""

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from unionwork.core.errors import ActionError
from unionwork.core.forms import ActionModelForm
from unionwork.core.views import ActionFormView, Column, ScopedListView
from unionwork.orgs.models import OrgUnit

from .factories import demo_user


def test_columns_without_a_label_take_the_models_verbose_name():
    class Units(ScopedListView):
        model = OrgUnit
        columns = [Column("name"), Column("get_kind_display"), Column("parent.name"), Column("code", "代码")]

    labels = [str(c.label) for c in Units.columns]
    assert labels == [
        str(OrgUnit._meta.get_field("name").verbose_name),
        str(OrgUnit._meta.get_field("kind").verbose_name),
        str(OrgUnit._meta.get_field("parent").verbose_name),
        "代码",
    ]
    with pytest.raises(ImproperlyConfigured):

        class Broken(ScopedListView):
            model = OrgUnit
            columns = [Column("no_such_thing")]


class _NameForm(forms.Form):
    name = forms.CharField()

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class _View(ActionFormView):
    form_class = _NameForm
    title = "测试"
    intro = "说明"

    def form_kwargs(self):
        return {"user": self.request.user}

    def get_initial(self):
        return {"name": "初始"}

    def perform(self, form):
        if form.cleaned_data["name"] == "no":
            raise ActionError("不行。")
        return form.cleaned_data["name"]

    def success_url(self, result):
        return f"/done/{result}/"


@pytest.mark.django_db
def test_the_action_form_view_renders_refuses_and_redirects():
    from django.contrib.messages.storage.fallback import FallbackStorage

    user = demo_user("gjz_admin")
    rf = RequestFactory()

    def call(method, data=None):
        request = getattr(rf, method)("/x/", data or {})
        request.user = user
        request.session = {}
        request._messages = FallbackStorage(request)
        return _View.as_view()(request)

    page = call("get")
    assert page.status_code == 200
    ctx = page.context_data
    assert ctx["title"] == "测试" and ctx["intro"] == "说明" and ctx["object"] is None
    assert ctx["form"].user == user and ctx["form"].initial == {"name": "初始"}
    refused = call("post", {"name": "no"})
    assert refused.status_code == 400 and refused.context_data["form"].non_field_errors() == ["不行。"]
    assert call("post", {"name": ""}).status_code == 400
    done = call("post", {"name": "ok"})
    assert done.status_code == 302 and done.url == "/done/ok/"


def test_an_action_model_form_takes_the_models_labels_and_never_saves():
    class UnitForm(ActionModelForm):
        class Meta:
            model = OrgUnit
            fields = ("name",)

    form = UnitForm(data={"name": "某工会"})
    assert form.fields["name"].label == OrgUnit._meta.get_field("name").verbose_name
    assert form.is_valid() and form.instance.name == ""  # the instance is not touched
    with pytest.raises(TypeError):
        form.save()
