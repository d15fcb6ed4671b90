"""Pages of the service stations: thin views that parse, call an action or a query, and render."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.founding.models import Enterprise
from unionwork.stations import actions, forms, queries
from unionwork.stations.filters import (
    ConsultationFilter,
    HardshipFilter,
    MissingFilter,
    ServiceRecordFilter,
    StationFilter,
)
from unionwork.stations.models import (
    Consultation,
    ConsultationStatus,
    FileStatus,
    FundSource,
    HardshipCause,
    HardshipFile,
    Relief,
    ReliefPolicy,
    ReliefStatus,
    ServiceRecord,
    Station,
)

_lazy = gettext_lazy


# -- home and figures --------------------------------------------------------------------------


@require_safe
def home(request):
    user = request.user
    node = queries.node_for(user, request.GET.get("node"))
    month = indicators.month_from_request(request)
    figures = queries.node_figures(node, month)
    cov = figures["coverage"]
    context = {
        "node": node,
        "month": month,
        "figures": figures,
        "gap": cov.denominator - cov.numerator,
        "children": queries.children_coverage(user, node, month),
        "rule": queries.rule_for(),
        "is_city_admin": actions.is_city_admin(user) if user.may("manage") else False,
    }
    return render(request, "stations/home.html", context)


class StationsList(ScopedListView):
    template_name = "stations/list.html"


class StationListView(StationsList):
    model = Station
    filterset_class = StationFilter
    title = _lazy("服务站")
    select_related = ("org", "enterprise")
    default_sort = "name"
    create_url = reverse_lazy("stations:station-create")
    importer_name = "stations.stations"
    columns = [
        Column("name", sort="name", link=True),
        Column("get_host_kind_display", sort="host_kind"),
        Column("get_mode_display", sort="mode"),
        Column("org.name", sort="org__path"),
        Column("opened_on", sort="opened_on"),
        Column("workers_covered", sort="workers_covered"),
        Column("get_status_display", sort="status"),
    ]


class MissingListView(StationsList):
    """Eligible enterprises without a station: the work list for reaching 100%."""

    model = Enterprise
    filterset_class = MissingFilter
    title = _lazy("应建未建服务站的企业")
    default_sort = "community__path"
    columns = [
        Column("name", sort="name"),
        Column("uscc"),
        Column("community.parent.name", _lazy("街道（乡镇）")),
        Column("community.name", sort="community__path", sort_at_scale=False),
        Column("get_industry_display", sort="industry", sort_at_scale=False),
        Column("employees", sort="employees"),
        Column("union_name", _lazy("所在工会")),
    ]

    def base_queryset(self):
        return queries.missing(self.request.user)

    def extra_context(self):
        return {
            "missing_communities": list(
                queries.missing_communities(self.request.user, self.request.GET.get("under", ""))[:2000]
            ),
            "rule": queries.rule_for(),
        }


class StationFormBase(ActionFormView):
    template_name = "stations/form.html"

    def form_kwargs(self):
        return {"user": self.request.user}


class StationCreateView(StationFormBase):
    form_class = forms.StationForm
    title = _lazy("登记服务站")
    intro = _lazy(
        "企业服务站选择依托企业；社区服务站、街道或区级中心选择所属单位。辐射服务站可登记其辐射的企业。"
    )

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.open_station(self.request.user, **d)


@require_safe
def station_detail(request, pk):
    user = request.user
    station = Station.objects.select_related("org", "enterprise").get_in_scope(user, pk=pk)
    return render(
        request,
        "stations/station_detail.html",
        {
            "station": station,
            **queries.station_detail(station),
            "summary": queries.monthly_summary(user, station, months=6),
            "history_events": history_of(station),
        },
    )


class StationEditView(StationFormBase):
    form_class = forms.StationEditForm
    title = _lazy("修改服务站")
    model = Station
    select_related = ("org", "enterprise")

    def form_kwargs(self):
        return {"user": self.request.user, "station": self.object}

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.update_station(self.request.user, self.object, **d)


class StationStatusView(StationFormBase):
    form_class = forms.StationStatusForm
    title = _lazy("变更服务站状态")
    model = Station
    select_related = ("org",)

    def perform(self, form):
        return actions.change_station_status(self.request.user, self.object, **form.cleaned_data)


class PhotoView(StationFormBase):
    form_class = forms.PhotoForm
    title = _lazy("上传服务站照片")
    model = Station
    select_related = ("org",)
    template_name = "stations/form.html"

    def perform(self, form):
        actions.add_photo(
            self.request.user, self.object, form.cleaned_data["photo"], form.cleaned_data.get("caption", "")
        )
        return self.object


@require_safe
def photo(request, pk):
    p = queries.photo_in_scope(request.user, pk)
    resp = HttpResponse(bytes(p.data), content_type=p.content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Disposition"] = "inline"
    return resp


class ServiceLogView(StationFormBase):
    """The phone form of a station's staff: one entry in under a minute."""

    form_class = forms.ServiceLogForm
    title = _lazy("登记服务")
    model = Station
    select_related = ("org",)
    template_name = "stations/log_form.html"
    submit_label = _lazy("登记")
    success_message = ""  # the page itself says so, above the next entry

    def perform(self, form):
        return actions.log_service(self.request.user, self.object, **form.cleaned_data)

    def success_url(self, result):
        return reverse("stations:service-log", args=[self.object.pk]) + "?done=1"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"done": self.request.GET.get("done") == "1"}


class ServiceRecordListView(StationsList):
    model = ServiceRecord
    filterset_class = ServiceRecordFilter
    title = _lazy("服务记录")
    select_related = ("station", "kind", "card")
    default_sort = "-on"
    columns = [
        Column("on", sort="on"),
        Column("station.name", link=True),
        Column("get_entry_display"),
        Column("kind.name", _lazy("服务项目")),
        Column("people", sort="people"),
        Column("card_number", _lazy("会员卡号")),
    ]

    def extra_context(self):
        return {"summary": queries.monthly_summary(self.request.user)}


# -- rules ------------------------------------------------------------------------------------


@require_safe
def rules(request):
    user = request.user
    return render(
        request,
        "stations/rules.html",
        {
            "versions": queries.rule_versions(),
            "current": queries.rule_for(),
            "policy": ReliefPolicy.current(),
            "kinds": list(queries.service_kinds()),
            "is_city_admin": actions.is_city_admin(user) if user.may("manage") else False,
        },
    )


class CityAdminForm(StationFormBase):
    action = "manage"

    def check_role(self):
        if not actions.is_city_admin(self.request.user):
            raise PermissionDenied(_("只有市总工会管理员可以设置此项。"))

    def success_url(self, result):
        return reverse("stations:rules")


class RuleCreateView(CityAdminForm):
    form_class = forms.EligibilityRuleForm
    title = _lazy("设置建站条件（新版本）")
    intro = _lazy("建站条件按生效日期分版本保存；新版本自生效日起计算覆盖率，此前的数据不变。")

    def perform(self, form):
        return actions.set_eligibility_rule(self.request.user, **form.cleaned_data)


class ServiceKindCreateView(CityAdminForm):
    form_class = forms.ServiceKindForm
    title = _lazy("增加服务项目")

    def perform(self, form):
        return actions.add_service_kind(self.request.user, form.cleaned_data["name"])


class ReliefPolicyView(CityAdminForm):
    form_class = forms.ReliefPolicyForm
    title = _lazy("帮扶规则")

    def form_kwargs(self):
        return {"user": self.request.user, "policy": ReliefPolicy.current()}

    def perform(self, form):
        return actions.save_relief_policy(self.request.user, **form.cleaned_data)


# -- enterprise eligibility ---------------------------------------------------------------------


@require_safe
def enterprise(request, pk):
    user = request.user
    ent = Enterprise.objects.select_related("community", "union").get_in_scope(user, pk=pk)
    return render(
        request,
        "stations/enterprise.html",
        {
            "enterprise": ent,
            "eligibility": queries.eligibility_of(ent),
            "stations": queries.stations_of_enterprise(user, ent),
        },
    )


# -- rights -----------------------------------------------------------------------------------


class ConsultationListView(StationsList):
    model = Consultation
    filterset_class = ConsultationFilter
    title = _lazy("法律咨询与援助")
    select_related = ("org", "case")
    default_sort = "-received_on"
    create_url = reverse_lazy("stations:consultation-create")
    columns = [
        Column("received_on", sort="received_on"),
        Column("worker_name", link=True),
        Column("get_kind_display", sort="kind"),
        Column("enterprise_name"),
        Column("org.name", sort="org__path"),
        Column("get_status_display", sort="status"),
    ]


class ConsultationCreateView(StationFormBase):
    form_class = forms.ConsultationForm
    title = _lazy("登记法律咨询或援助申请")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.record_consultation(self.request.user, d.pop("org"), **d)


@require_safe
def consultation_detail(request, pk):
    c = Consultation.objects.select_related("org", "case").get_in_scope(request.user, pk=pk)
    return render(
        request,
        "stations/consultation_detail.html",
        {"c": c, "is_open": c.status == ConsultationStatus.OPEN, "history_events": history_of(c)},
    )


class ConsultationCloseView(StationFormBase):
    form_class = forms.OutcomeForm
    title = _lazy("办结")
    model = Consultation

    def perform(self, form):
        return actions.close_consultation(self.request.user, self.object, **form.cleaned_data)


class ConsultationCaseView(StationFormBase):
    form_class = forms.ToCaseForm
    title = _lazy("转为维稳案件（诉求代理）")
    intro = _lazy("发展为劳动争议的，在维稳工作中立案（诉求代理），本记录与案件相互链接。")
    model = Consultation
    select_related = ("org",)

    def get_initial(self):
        return {"title": _("%(n)s诉求") % {"n": self.object.worker_name}}

    def perform(self, form):
        return actions.consultation_to_case(self.request.user, self.object, **form.cleaned_data)


# -- relief -----------------------------------------------------------------------------------


class HardshipListView(StationsList):
    model = HardshipFile
    filterset_class = HardshipFilter
    title = _lazy("困难职工档案")
    select_related = ("org",)
    default_sort = "-opened_on"
    create_url = reverse_lazy("stations:hardship-create")
    importer_name = "stations.hardship"
    columns = [
        Column("name", sort="name", link=True),
        Column("id_masked", _lazy("身份证号")),
        Column("get_cause_display", sort="cause"),
        Column("get_level_display", sort="level"),
        Column("org.name", sort="org__path"),
        Column("opened_on", sort="opened_on"),
        Column("review_due", sort="review_due"),
        Column("get_status_display", sort="status"),
    ]

    def extra_context(self):
        totals = queries.hardship_totals(self.request.user)
        causes = dict(HardshipCause.choices)
        sources = dict(FundSource.choices)
        return {
            "by_cause": [
                (causes[k], totals["open_by_cause"].get(k, 0), *totals["by_cause"].get(k, (0, 0)))
                for k in causes
            ],
            "by_source": [(sources[k], *totals["by_source"].get(k, (0, 0))) for k in sources],
        }


class HardshipCreateView(StationFormBase):
    form_class = forms.HardshipForm
    title = _lazy("建立困难职工档案")
    intro = _lazy(
        "身份证号按会员实名制同样的方式加密保存，页面只显示遮蔽后的号码；困难程度按帮扶规则自动评定。"
    )

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.open_hardship_file(self.request.user, d.pop("org"), **d)


@require_safe
def hardship_detail(request, pk):
    user = request.user
    f = HardshipFile.objects.select_related("org").get_in_scope(user, pk=pk)
    return render(
        request,
        "stations/hardship_detail.html",
        {
            "f": f,
            "reliefs": queries.reliefs_of(f),
            "reviews": queries.reviews_of(f),
            "is_open": f.status == FileStatus.OPEN,
            "policy": ReliefPolicy.current(),
            "history_events": history_of(f),
            "may_unmask": user.may("manage"),
        },
    )


@require_POST
def hardship_unmask(request, pk):
    f = HardshipFile.objects.select_related("org").get_in_scope(request.user, pk=pk)
    try:
        number = actions.reveal_hardship_id(request.user, f)
    except ActionError as exc:
        raise PermissionDenied(exc.message) from None
    return render(request, "stations/unmasked.html", {"f": f, "number": number})


hardship_unmask.required_action = "manage"


class ReviewView(StationFormBase):
    form_class = forms.ReviewForm
    title = _lazy("档案年审")
    model = HardshipFile
    select_related = ("org",)

    def perform(self, form):
        return actions.review_hardship(self.request.user, self.object, **form.cleaned_data)


class ReliefView(StationFormBase):
    form_class = forms.ReliefForm
    title = _lazy("登记救助")
    model = HardshipFile
    select_related = ("org",)

    def get_context_data(self, **kwargs):
        policy = ReliefPolicy.current()
        return super().get_context_data(**kwargs) | {
            "intro": _("单笔超过 %(a)s 元的救助须经审核员批准后才计为已发放。") % {"a": policy.approval_above}
        }

    def perform(self, form):
        return actions.give_relief(self.request.user, self.object, **form.cleaned_data)


class DecideView(StationFormBase):
    form_class = forms.DecideForm
    title = _lazy("审批救助")
    action = "review"
    model = Relief
    object_action = "review"
    select_related = ("file", "file__org")

    def perform(self, form):
        return actions.decide_relief(self.request.user, self.object, **form.cleaned_data)


class PendingReliefListView(StationsList):
    model = Relief
    action = "review"
    title = _lazy("待审批的救助")
    select_related = ("file",)
    default_sort = "on"
    columns = [
        Column("file.name", _lazy("姓名"), link=True),
        Column("get_kind_display"),
        Column("on", sort="on"),
        Column("amount", sort="amount"),
        Column("get_fund_source_display"),
    ]

    def base_queryset(self):
        return super().base_queryset().filter(status=ReliefStatus.PENDING)
