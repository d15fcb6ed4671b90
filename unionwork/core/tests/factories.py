"""Shared test helpers: users at a node with roles, units by code."""

from django.contrib.auth import get_user_model

from unionwork.demo.foundation import DEMO_PASSWORD
from unionwork.orgs.models import OrgUnit


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def demo_user(username: str):
    return get_user_model().objects.get(username=username)


def make_user(username: str, org_code: str, roles: list[str], password: str = DEMO_PASSWORD):
    user = get_user_model()(username=username, org=unit(org_code), roles=roles)
    user.set_password(password)
    user.save()
    return user
