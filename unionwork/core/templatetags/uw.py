"""Template helpers every module uses.

``{% may "change" %}`` / ``{% may "manage" record as ok %}``: whether the current user may take
an action (on a record), by the rule ``core.scope.check_record`` enforces. Pages show a write button or
link only when this says yes; the 403 behind it stays as the safety net. Templates never test
role names themselves.
"""

from django import template

from unionwork.core import scope

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, obj=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return scope.allows_on(user, action, obj)


@register.simple_tag(takes_context=True)
def may_open(context, url) -> bool:
    """``{% may_open url as ok %}``: whether the page at ``url`` would let the user in."""
    from unionwork.core.views import may_open as view_allows

    request = context.get("request")
    return request is not None and view_allows(request, url)
