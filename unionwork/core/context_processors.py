from unionwork.core import navigation


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": []}
    return {
        # (url, navigation.Item, active) of the modules the user may open, as the modules declare them
        "nav_entries": navigation.menu(user, request.path),
        "account_links": navigation.account_links(),
        "scope_unit": getattr(user, "org", None),
    }
