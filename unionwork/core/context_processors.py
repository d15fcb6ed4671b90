from unionwork.core import navigation, notifications


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": []}
    entries = navigation.menu(user, request.path)
    own, admin = navigation.split(entries)
    return {
        # (url, navigation.Item, active) of the modules the user may open, as the modules declare them
        "nav_entries": entries,
        "nav_own": own,  # the bar's entries of their own
        "nav_admin": admin,  # under "管理"
        "nav_admin_active": any(active for _url, _item, active in admin),
        "account_links": navigation.account_links(),
        "scope_unit": getattr(user, "org", None),
        # The 待办 count while the session's is fresh (the top bar shows it at once); None: the
        # bar asks for it after the page loads (core:notification-badge counts it).
        "badge_now": notifications.fresh_badge(request),
    }
