import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from unionwork.core import scope
from unionwork.core.scope import ScopedQuerySet


class Role(models.TextChoices):
    ADMINISTRATOR = scope.ADMINISTRATOR, _("管理员")
    EDITOR = scope.EDITOR, _("填报员")
    REVIEWER = scope.REVIEWER, _("审核员")
    VIEWER = scope.VIEWER, _("查看员")


class UserQuerySet(ScopedQuerySet):
    scope_path_field = "org__path"


class UserManager(models.Manager.from_queryset(UserQuerySet)):
    """Django's user manager with the scope method."""

    use_in_migrations = True

    def _create(self, username, password, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, username, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(username, password, **extra)

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("roles", [scope.ADMINISTRATOR])
        return self._create(username, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: username})


class User(AbstractUser):
    """An account: it belongs to one org unit and has roles there."""

    org = models.ForeignKey(
        "orgs.OrgUnit", null=True, on_delete=models.PROTECT, related_name="users", verbose_name=_("所属组织")
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    roles = models.JSONField(_("角色"), default=list, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    objects = UserManager()
    audit_exclude = ("password", "last_login", "failed_logins", "locked_until")

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(org__isnull=False) | models.Q(is_superuser=True), name="user_has_org"
            )
        ]

    def __str__(self):
        return f"{self.full_name or self.username}（{self.username}）"

    def get_absolute_url(self) -> str:
        return reverse("accounts:detail", args=[self.pk])

    def role_names(self) -> list[str]:
        return [r for r in self.roles if r in scope.ROLES]

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels[r]) for r in self.role_names()]

    def has_role(self, role: str) -> bool:
        return role in self.role_names()

    @cached_property
    def org_path(self) -> str:
        return self.org.path if self.org_id else ""

    def may(self, action: str) -> bool:
        return scope.user_may(self, action)

    @classmethod
    def audit_display(cls, attname: str, value):
        """Roles read by their Chinese names in the audit trail (core.views.label_events)."""
        if attname == "roles" and isinstance(value, list):
            labels = dict(Role.choices)
            return "、".join(str(labels.get(r, r)) for r in value)
        return None

    def audit_org_path(self) -> str:
        return self.org.path if self.org_id else ""


class ApiToken(models.Model):
    """A token for the API. Only its hash is stored; the key is shown once at creation."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("账号")
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)
    # Tokens expire (UNIONWORK_API_TOKEN_DAYS by default); a token from before expiry existed has none.
    expires_at = models.DateTimeField(_("到期"), null=True, blank=True)
    # A read-only token gets 403 on any write (POST, PUT, PATCH, DELETE).
    read_only = models.BooleanField(_("只读"), default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= timezone.now()

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "uw_" + secrets.token_urlsafe(32)


class LoginThrottle(models.Model):
    """Failed-login counter for a client address ("addr:…") or an unknown user name ("name:…").

    Accounts count on their own row (User.failed_logins); see backends.LockoutModelBackend.
    """

    key = models.CharField(max_length=210, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录限制")
        verbose_name_plural = _("登录限制")

    def __str__(self):
        return self.key
