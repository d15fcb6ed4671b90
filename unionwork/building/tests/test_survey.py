"""会员评家: one answer per member, no ID fragment stored, wrong proofs locked, results and flags."""

import datetime
import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from unionwork.building import actions, queries
from unionwork.building.indicators import SATISFACTION
from unionwork.building.models import SurveyBallot, SurveyResponse, SurveyThrottle
from unionwork.core import indicators

from .helpers import as_user, demo_user, member, unit

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _survey(union=None, questions=("服务", "维权")):
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        return actions.open_survey(
            gjz,
            union or unit("G0001"),
            year=TODAY.year,
            opens_on=TODAY - datetime.timedelta(days=1),
            closes_on=TODAY + datetime.timedelta(days=30),
            questions=list(questions),
        )


def _answer(survey, name, number, ratings=None, client="10.0.0.1"):
    return actions.answer_survey(
        survey, name=name, id_tail=number[-6:], ratings=ratings or {"1": 5, "2": 4}, client=client
    )


def test_one_answer_per_member_and_only_members_of_the_union():
    survey = _survey()
    _m, number = member(unit("G0001"), "王评家", 401)
    _o, other = member(unit("G0002"), "赵别家", 402)
    _answer(survey, "王评家", number)
    with pytest.raises(actions.SurveyRefusal) as exc:
        _answer(survey, "王评家", number)
    assert exc.value.code == "duplicate"
    with pytest.raises(actions.SurveyRefusal) as exc:
        _answer(survey, "赵别家", other)  # a member of another union
    assert exc.value.code == "not_member"
    with pytest.raises(actions.SurveyRefusal):
        _answer(survey, "王评家", "000000" + "000000000000")  # right name, wrong tail
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyBallot.objects.filter(survey=survey).count() == 1


def test_a_lowercase_x_tail_is_accepted():
    survey = _survey()
    from unionwork.core.identifiers import make_id

    seq = next(
        s for s in range(500, 600) if make_id("210211", datetime.date(1985, 1, 1 + s % 28), s).endswith("X")
    )
    m, number = member(unit("G0001"), "孙晓", seq)
    assert number.endswith("X")
    _answer(survey, m.name, number[:-1] + "x")


def test_no_id_fragment_is_stored_in_clear_in_any_table():
    from unionwork.core.models import AuditEvent

    # The audit trail is read from here on: the demo's own events hold real divisions' data, where
    # the same six digits turn up by chance (a coordinate, a code).
    first_event = (AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    survey = _survey()
    _m, number = member(unit("G0001"), "钱隐私", 411)
    tail = number[-6:]
    _answer(survey, "钱隐私", number)
    with pytest.raises(actions.SurveyRefusal):
        _answer(survey, "钱隐私", "123456789012X7Y8Z9")  # a failure writes a throttle row
    # Scan every row of every table of this module, and the audit trail, for the tail: as a
    # token of its own (inside a hex digest or a key the same six digits turn up by chance).
    clear_tail = re.compile(rf"(?<![0-9A-Za-z]){re.escape(tail)}(?![0-9A-Za-z])")
    tables = [m._meta.db_table for m in apps.get_app_config("building").get_models()] + ["core_auditevent"]
    with connection.cursor() as cur:
        for table in tables:
            since = f" WHERE id >= {int(first_event)}" if table == "core_auditevent" else ""
            cur.execute(f'SELECT * FROM "{table}"{since}')  # noqa: S608 - table names from the models
            for row in cur.fetchall():
                text = " ".join(str(v) for v in row)
                assert not clear_tail.search(text), f"{table} holds the ID tail in clear"
                assert number not in text
    # The answer holds no member link.
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not fields & {"member", "member_id", "name", "token", "ballot"}


def test_wrong_guesses_lock_the_address_and_the_name():
    survey = _survey()
    _m, number = member(unit("G0001"), "周锁定", 421)
    # Many names tried from one address: the address is locked, even for a right answer.
    for i in range(actions.SURVEY_MAX_FAILURES):
        with pytest.raises(actions.SurveyRefusal) as exc:
            _answer(survey, f"猜{i}", "99999999999999999", client="10.9.9.9")
        assert exc.value.code == "not_member"
    with pytest.raises(actions.SurveyRefusal) as exc:
        _answer(survey, "周锁定", number, client="10.9.9.9")
    assert exc.value.code == "locked"
    _answer(survey, "周锁定", number, client="10.1.1.1")  # another address is not locked
    # One name tried from many addresses: the name is locked wherever it comes from.
    _o, other = member(unit("G0001"), "吴名锁", 422)
    for i in range(actions.SURVEY_NAME_MAX_FAILURES):
        with pytest.raises(actions.SurveyRefusal):
            _answer(survey, "吴名锁", f"{i:06d}", client=f"10.2.2.{i}")
    with pytest.raises(actions.SurveyRefusal) as exc:
        _answer(survey, "吴名锁", other, client="10.3.3.3")
    assert exc.value.code == "locked"
    assert SurveyThrottle.objects.filter(locked_until__isnull=False).count() == 2


def test_results_roll_up_and_a_low_union_is_flagged():
    survey = _survey()
    for i in range(6):
        _m, number = member(unit("G0001"), "吴" + "一二三四五六"[i], 430 + i)
        low = i < 3
        _answer(
            survey,
            "吴" + "一二三四五六"[i],
            number,
            ratings={"1": 2 if low else 5, "2": 3 if low else 5},
            client=f"10.0.1.{i}",
        )
    result = queries.survey_result(survey)
    assert (result.responses, result.satisfied, result.rate) == (6, 3, 50.0) and result.flagged
    gjz = demo_user("gjz_admin")
    assert survey in queries.flagged_surveys(gjz)
    district = unit("210211")
    fig = indicators.value(SATISFACTION, district)
    assert (fig.numerator, fig.denominator) == indicators.get(SATISFACTION).live_subtree(district.path)
    assert (fig.numerator, fig.denominator) >= (3, 6)
    # Next year's survey takes this one's answers out of the figure.
    with as_user(gjz):
        actions.open_survey(
            gjz,
            unit("G0001"),
            year=TODAY.year + 1,
            opens_on=TODAY,
            closes_on=TODAY + datetime.timedelta(days=9),
        )
    after = indicators.value(SATISFACTION, district)
    assert (after.numerator, after.denominator) == (fig.numerator - 3, fig.denominator - 6)


def test_the_public_page_needs_no_account(client):
    survey = _survey()
    _m, number = member(unit("G0001"), "郑公开", 441)
    url = reverse("building:survey-answer", args=[survey.slug])
    resp = client.get(url)
    assert resp.status_code == 200 and "身份证号后 6 位" in resp.content.decode()
    data = {"name": "郑公开", "id_tail": number[-6:], "q1": "5", "q2": "4"}
    resp = client.post(url, data)
    assert resp.status_code == 200 and "提交成功" in resp.content.decode()
    resp = client.post(url, data)
    assert resp.status_code == 400 and "只能答一次" in resp.content.decode()
    # Nothing else of the module opens without an account.
    assert client.get(reverse("building:survey-detail", args=[survey.pk])).status_code == 302


def test_a_closed_survey_takes_no_answer():
    survey = _survey()
    _m, number = member(unit("G0001"), "冯结束", 451)
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        actions.close_survey(gjz, survey, reason="提前结束")
    with pytest.raises(actions.SurveyRefusal) as exc:
        _answer(survey, "冯结束", number)
    assert exc.value.code == "closed"
