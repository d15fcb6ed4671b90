"""Account pages: login, the account list of an administrator's scope, one's own profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from unionwork.accounts import actions, queries, tokens, twofactor
from unionwork.accounts.filters import UserFilter
from unionwork.accounts.forms import AccountForm, LoginForm, OwnPasswordForm, PasswordResetForm, TokenForm
from unionwork.accounts.models import User
from unionwork.core.errors import ActionError
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class AccountListView(ScopedListView):
    model = User
    action = "manage"
    filterset_class = UserFilter
    title = gettext_lazy("账号")
    select_related = ("org",)
    default_sort = "username"
    importer_name = "accounts.users"
    columns = [
        Column("username", sort="username"),
        Column("full_name", sort="full_name"),
        Column("org.name", sort="org__path"),
        Column("role_labels", gettext_lazy("角色")),
        Column("phone"),
        Column("is_active", gettext_lazy("启用"), sort="is_active"),
        Column("last_login", gettext_lazy("最近登录"), sort="last_login"),
    ]

    def extra_context(self):
        from django.urls import reverse

        return {"create_url": reverse("accounts:create")}


def account_detail(request, pk):
    account = User.objects.get_in_scope(request.user, "manage", pk=pk)
    context = {
        "account": account,
        "history": history_of(account),
        "has_2fa": twofactor.has_second_factor(account),
    }
    return render(request, "accounts/detail.html", context)


class AccountCreateView(ActionFormView):
    form_class = AccountForm
    action = "manage"
    title = gettext_lazy("新建账号")

    def form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.create_account(
            self.request.user,
            username=d["username"],
            full_name=d["full_name"],
            org=d["org"],
            roles=d["roles"],
            phone=d["phone"],
            password=d["password"],
        )


class AccountEditView(ActionFormView):
    form_class = AccountForm
    action = "manage"
    title = gettext_lazy("修改账号")

    model = User
    object_action = "manage"

    def form_kwargs(self):
        return {"user": self.request.user, "account": self.object}

    def perform(self, form):
        d = form.cleaned_data
        return actions.update_account(
            self.request.user,
            self.object,
            full_name=d["full_name"],
            org=d["org"],
            roles=d["roles"],
            phone=d["phone"],
        )


class AccountPasswordView(AccountEditView):
    form_class = PasswordResetForm
    title = gettext_lazy("重置密码")

    def form_kwargs(self):
        return {}

    def perform(self, form):
        return actions.set_account_password(self.request.user, self.object, form.cleaned_data["password"])


@require_POST
def account_toggle(request, pk, what):
    """Activate, deactivate or unlock an account (POST from its page)."""
    account = User.objects.get_in_scope(request.user, "manage", pk=pk)
    try:
        if what == "unlock":
            actions.unlock_account(request.user, account)
        elif what == "reset2fa":
            twofactor.reset_totp(request.user, account)
        else:
            actions.update_account(request.user, account, is_active=(what == "activate"))
    except ActionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已保存。"))
    return redirect("accounts:detail", pk=pk)


def profile(request):
    """One's own account: who one is, the password (the current one asked first) and API tokens.

    A new token's key is shown in the response to the POST that creates it and never again: only
    its hash is stored.
    """
    user = request.user
    pw_form = OwnPasswordForm(user, prefix="pw")
    token_form = TokenForm(prefix="tk")
    new_key = None
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if "pw-old_password" in request.POST:
                pw_form = OwnPasswordForm(user, request.POST, prefix="pw")
                if pw_form.is_valid():
                    actions.change_own_password(
                        user, pw_form.cleaned_data["old_password"], pw_form.cleaned_data["new_password1"]
                    )
                    user.refresh_from_db(fields=["password"])
                    update_session_auth_hash(request, user)
                    messages.success(request, _("密码已修改。"))
                    return redirect("accounts:profile")
            elif "tk-name" in request.POST:
                token_form = TokenForm(request.POST, prefix="tk")
                if token_form.is_valid():
                    d = token_form.cleaned_data
                    _token, new_key = tokens.issue_token(
                        user, d["name"], days=d["days"], read_only=d["read_only"]
                    )
                    token_form = TokenForm(prefix="tk")
                    status = 200
            elif "tf-code" in request.POST:
                twofactor.disable_totp(request, request.POST["tf-code"])
                messages.success(request, _("已关闭两步验证。"))
                return redirect("accounts:profile")
            elif "revoke" in request.POST:
                token = queries.own_token(user, request.POST["revoke"])
                if token is not None:
                    tokens.revoke_token(user, token)
                    messages.success(request, _("令牌“%(n)s”已吊销。") % {"n": token.name})
                return redirect("accounts:profile")
        except ActionError as exc:
            messages.error(request, " ".join(exc.messages))
    context = {
        "account": user,
        "pw_form": pw_form,
        "token_form": token_form,
        "new_key": new_key,
        "token_days": settings.UNIONWORK_API_TOKEN_DAYS,
        "has_2fa": twofactor.has_second_factor(user),
        "must_2fa": settings.UNIONWORK_REQUIRE_ADMIN_2FA and twofactor.is_administrator(user),
        "tokens": queries.own_tokens(user),
        "history": history_of(user)[:20],
    }
    return render(request, "accounts/profile.html", context, status=status)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def second_factor_setup(request):
    """Set up TOTP: a QR code (or the secret typed in) for the app, then a code to confirm it."""
    user = request.user
    if twofactor.has_second_factor(user) and not user.is_verified():
        return redirect("accounts:2fa-verify")
    if twofactor.has_second_factor(user):
        messages.info(request, _("两步验证已启用。"))
        return redirect("accounts:profile")
    status = 200
    if request.method == "POST":
        try:
            twofactor.confirm_totp(request, request.POST.get("code", ""))
        except ActionError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        else:
            messages.success(request, _("两步验证已启用：以后每次登录都要输入验证器中的验证码。"))
            return redirect(_next_url(request))
    device = twofactor.pending_device(user)
    context = {
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device),
        "required": twofactor.second_factor_required(user),
        "next": request.GET.get("next") or request.POST.get("next", ""),
    }
    return render(request, "accounts/2fa_setup.html", context, status=status)


def second_factor_verify(request):
    """After the password: the code from the authenticator app."""
    user = request.user
    if not twofactor.has_second_factor(user):
        return redirect("accounts:2fa-setup")
    if user.is_verified():
        return redirect(_next_url(request))
    status = 200
    if request.method == "POST":
        if twofactor.verify_login(request, request.POST.get("code", "")):
            return redirect(_next_url(request))
        messages.error(request, _("验证码不正确或已过期，请输入验证器应用中当前显示的 6 位数字。"))
        status = 400
    context = {"next": request.GET.get("next") or request.POST.get("next", "")}
    return render(request, "accounts/2fa_verify.html", context, status=status)
