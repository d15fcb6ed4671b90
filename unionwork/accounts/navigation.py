from django.utils.translation import gettext_lazy as _

from unionwork.core.navigation import ADMIN, Item

ITEMS = [
    Item("accounts:list", _("账号"), "manage", order=70, description=_("账号、角色与接口令牌"), group=ADMIN)
]
# The shell's user menu: the name links to the profile (tokens, second factor), the button logs out.
ACCOUNT_LINKS = {"profile": "accounts:profile", "logout": "accounts:logout"}
