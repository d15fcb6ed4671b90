import pytest

from unionwork.core import scope
from unionwork.core.errors import ActionError
from unionwork.core.tests.factories import demo_user, unit

pytestmark = pytest.mark.django_db


def test_the_shared_write_check():
    editor, viewer = demo_user("gjz_editor"), demo_user("gjz_viewer")
    inside, outside = unit("210211001"), unit("210202001")
    scope.check(editor, inside.path)  # allowed: no exception
    scope.check(None, outside.path)  # the system acts anywhere; the audit context names it
    with pytest.raises(ActionError) as exc:
        scope.check(viewer, inside.path)
    assert exc.value.code == "forbidden" and "角色" in exc.value.messages[0]
    with pytest.raises(ActionError) as exc:
        scope.check(editor, outside.path, what="该单位")
    assert exc.value.code == "out_of_scope" and exc.value.messages[0] == "该单位不在您的管辖范围内。"
    with pytest.raises(ActionError):
        scope.check(editor, inside.path, action="manage")  # editors do not manage


def test_an_industrial_union_may_change_its_linked_units():
    jx = demo_user("jx_admin")
    g = unit("G0003")  # in 中山区, linked to 机械冶金产业工会
    scope.check(jx, g.path, g.ipath, action="manage")
    with pytest.raises(ActionError):
        scope.check(jx, g.path, "", action="manage")
