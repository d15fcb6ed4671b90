from django.utils.translation import gettext_lazy as _

# The navigation by module: (url name, label). Modules add themselves here as they land.
NAVIGATION = [
    ("core:home", _("首页")),
    ("orgs:list", _("组织")),
    ("accounts:list", _("账号")),
    ("core:audit", _("审计")),
    ("core:imports", _("导入记录")),
]


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": NAVIGATION, "scope_unit": getattr(user, "org", None)}
