from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from unionwork.accounts.models import Role
from unionwork.core.forms import BootstrapMixin, PickerField
from unionwork.orgs.models import OrgStatus, OrgUnit


class LoginForm(BootstrapMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续失败多次将暂时锁定登录。"),
        "inactive": _("该账号已停用。"),
        # The same words whether or not the account exists (unknown names are locked alike).
        "locked": _("登录失败次数过多，已暂时锁定，请稍后再试或联系管理员解锁。"),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "login_locked", False):
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            raise


# Accounts sit at the territorial levels and at zones and industrial unions, not at unions.
ACCOUNT_KINDS = ["city", "district", "zone", "industrial", "township", "community"]


class AccountForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@+-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 _ . @ + -。")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    org = PickerField(label=_("所属组织"), source="units", params={"kind": ACCOUNT_KINDS, "max_depth": 3})
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    phone = forms.RegexField(
        label=_("手机号"),
        regex=r"^1[3-9]\d{9}$",
        required=False,
        error_messages={"invalid": _("请填写 11 位手机号，例如 13800000000。")},
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput,
        required=False,
        help_text=password_validation.password_validators_help_text_html(),
    )

    def __init__(self, *args, user=None, account=None, **kwargs):
        if account is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "username": account.username,
                "full_name": account.full_name,
                "org": account.org_id,
                "roles": account.roles,
                "phone": account.phone,
            }
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = OrgUnit.objects.restrict(user).filter(
            status=OrgStatus.ACTIVE, depth__lte=3, kind__in=ACCOUNT_KINDS
        )
        self.fields["roles"].widget.attrs["class"] = ""
        if account is not None:
            self.fields["username"].disabled = True
            del self.fields["password"]
        else:
            self.fields["password"].required = True


class PasswordResetForm(BootstrapMixin, forms.Form):
    password = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=100,
        help_text=_("例如：统计系统对接"),
        widget=forms.TextInput(
            attrs={"placeholder": _("令牌名称，例如：统计系统对接"), "aria-label": _("令牌名称")}
        ),
    )
    days = forms.TypedChoiceField(
        label=_("有效期"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[(30, _("30 天")), (90, _("90 天")), (180, _("180 天")), (365, _("365 天"))],
    )
    read_only = forms.BooleanField(label=_("只读（不能修改数据）"), required=False)

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        default = settings.UNIONWORK_API_TOKEN_DAYS
        allowed = [c for c in days.choices if c[0] <= settings.UNIONWORK_API_TOKEN_MAX_DAYS]
        if default not in [c[0] for c in allowed]:
            allowed.append((default, _("%(d)d 天") % {"d": default}))
        days.choices = sorted(allowed)
        days.initial = default
        days.widget.attrs["aria-label"] = _("有效期")
        self.fields["read_only"].widget.attrs["class"] = "form-check-input"


class OwnPasswordForm(BootstrapMixin, PasswordChangeForm):
    """Django's password change (current password, new twice, the validators); the view saves it
    through ``actions.change_own_password`` so that the change is audited."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("当前密码不正确，请重新输入。"),
        "password_mismatch": _("两次输入的新密码不一致。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("当前密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再次输入新密码")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
