import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unionwork.accounts.models import Role, User
from unionwork.core.filters import StyledFilterSet, SubtreeFilter


class UserFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("用户名/姓名"), method="search")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, method="by_role")
    under = SubtreeFilter(path_field="org__path")
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = User
        fields = ["q", "role", "under", "is_active"]

    def search(self, qs, name, value):
        return qs.filter(Q(username__icontains=value) | Q(full_name__icontains=value))

    def by_role(self, qs, name, value):
        # Roles are a short JSON list; match the quoted role name, which works on SQLite and PostgreSQL.
        return qs.filter(roles__icontains=f'"{value}"')
