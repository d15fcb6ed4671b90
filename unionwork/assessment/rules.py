"""Scoring rules: from a figure to points, with the sentence that says why (pure functions).

Every rule returns a :class:`Scored`: the points and the basis a reader can check (“建会率 92.3%
≥ 90%：得分档 80%，8 × 80% = 6.4 分”). Points are ``Decimal`` rounded to two places; shares
and thresholds come from the item's ``params`` (see :class:`~unionwork.assessment.models.Item`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from unionwork.core.errors import ActionError

CENT = Decimal("0.01")


def q(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value) -> str:
    """A number without useless zeros: 8 -> "8", 6.40 -> "6.4"."""
    d = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP).normalize()
    return format(d, "f")


@dataclass(frozen=True)
class Scored:
    points: Decimal
    basis: str
    triggered: bool = False
    pending: bool = False  # a deadline not reached yet


def threshold(value: float | None, points: Decimal, steps: list) -> Scored:
    if value is None:
        return Scored(q(0), _("无可计算的数据（分母为 0），不得分"))
    for floor, share in sorted(steps, key=lambda s: -float(s[0])):
        if value >= float(floor):
            got = q(points * Decimal(str(share)))
            return Scored(
                got,
                _("%(v)s ≥ %(f)s：得分档 %(s)s%%，%(p)s × %(s)s%% = %(g)s 分")
                % {
                    "v": fmt(value),
                    "f": fmt(floor),
                    "s": fmt(float(share) * 100),
                    "p": fmt(points),
                    "g": fmt(got),
                },
            )
    lowest = min(float(s[0]) for s in steps) if steps else 0
    return Scored(q(0), _("%(v)s 低于最低档 %(f)s：0 分") % {"v": fmt(value), "f": fmt(lowest)})


def linear(value: float | None, points: Decimal, low: float, high: float) -> Scored:
    if value is None:
        return Scored(q(0), _("无可计算的数据（分母为 0），不得分"))
    low, high = float(low), float(high)
    if low == high:
        share = 1.0 if value >= high else 0.0
    elif low < high:
        share = min(max((value - low) / (high - low), 0.0), 1.0)
    else:  # lower is better
        share = min(max((low - value) / (low - high), 0.0), 1.0)
    got = q(points * Decimal(str(round(share, 6))))
    return Scored(
        got,
        _("%(v)s 在 %(l)s（0 分）与 %(h)s（满分）之间按比例：%(p)s × %(s)s%% = %(g)s 分")
        % {
            "v": fmt(value),
            "l": fmt(low),
            "h": fmt(high),
            "p": fmt(points),
            "s": fmt(share * 100),
            "g": fmt(got),
        },
    )


def ranks(values: dict[int, float | None], higher_is_better: bool = True) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) of the units with a value; ties share the better rank."""
    have = {k: v for k, v in values.items() if v is not None}
    ordered = sorted(have.values(), reverse=higher_is_better)
    out = {}
    for k, v in have.items():
        out[k] = ordered.index(v) + 1
    return out


def rank(position: int | None, n: int, points: Decimal) -> Scored:
    if position is None or n == 0:
        return Scored(q(0), _("无可比较的数据，不得分"))
    share = Decimal(1) if n == 1 else Decimal(n - position) / Decimal(n - 1)
    got = q(points * share)
    return Scored(
        got,
        _("同组 %(n)d 个单位中第 %(r)d 名：%(p)s × (%(n)d − %(r)d) ÷ (%(n)d − 1) = %(g)s 分")
        % {"n": n, "r": position, "p": fmt(points), "g": fmt(got)},
    )


def deadline(
    at_deadline: float | None,
    at_late: float | None,
    now_value: float | None,
    points: Decimal,
    params: dict,
    day: datetime.date,
) -> Scored:
    """Met by the deadline (the figure of the deadline's month): full points; by the late date: the
    late share; otherwise zero. Before the deadline the figure of today decides provisionally."""
    target = float(params["target"])
    due = datetime.date.fromisoformat(params["deadline"])
    late_until = datetime.date.fromisoformat(params["late_until"]) if params.get("late_until") else None
    late_share = Decimal(str(params.get("late_share", 0)))
    if day < due:
        if now_value is not None and now_value >= target:
            return Scored(
                q(points),
                _("截止 %(d)s 前已达到 %(t)s（现为 %(v)s）：%(p)s 分")
                % {"d": due, "t": fmt(target), "v": fmt(now_value), "p": fmt(points)},
                pending=True,
            )
        return Scored(
            q(0),
            _("截止 %(d)s，尚未达到 %(t)s（现为 %(v)s）：暂计 0 分")
            % {"d": due, "t": fmt(target), "v": "—" if now_value is None else fmt(now_value)},
            pending=True,
        )
    if at_deadline is not None and at_deadline >= target:
        return Scored(
            q(points),
            _("截止 %(d)s 达到 %(t)s（当月为 %(v)s）：满分 %(p)s 分")
            % {"d": due, "t": fmt(target), "v": fmt(at_deadline), "p": fmt(points)},
        )
    shown = "—" if at_deadline is None else fmt(at_deadline)
    if late_until is not None and day >= late_until and at_late is not None and at_late >= target:
        got = q(points * late_share)
        return Scored(
            got,
            _("截止 %(d)s 未达到 %(t)s（当月为 %(v)s），%(l)s 前达到（%(lv)s）：逾期得 %(s)s%%，%(g)s 分")
            % {
                "d": due,
                "t": fmt(target),
                "v": shown,
                "l": late_until,
                "lv": fmt(at_late),
                "s": fmt(late_share * 100),
                "g": fmt(got),
            },
        )
    if late_until is not None and day < late_until:
        if at_late is not None and at_late >= target:
            got = q(points * late_share)
            return Scored(
                got,
                _("截止 %(d)s 未达到 %(t)s（当月为 %(v)s），现已达到：逾期得 %(s)s%%，%(g)s 分")
                % {"d": due, "t": fmt(target), "v": shown, "s": fmt(late_share * 100), "g": fmt(got)},
            )
        return Scored(
            q(0),
            _("截止 %(d)s 未达到 %(t)s（当月为 %(v)s）；%(l)s 前达到可得 %(s)s%%：暂计 0 分")
            % {"d": due, "t": fmt(target), "v": shown, "l": late_until, "s": fmt(late_share * 100)},
            pending=True,
        )
    return Scored(
        q(0), _("截止 %(d)s 未达到 %(t)s（当月为 %(v)s）：0 分") % {"d": due, "t": fmt(target), "v": shown}
    )


def per_count(count: int | None, points: Decimal, each) -> Scored:
    count = count or 0
    got = min(q(Decimal(str(each)) * count), q(points))
    return Scored(
        got,
        _("%(n)d 项 × 每项 %(e)s 分 = %(r)s 分，上限 %(p)s 分：计 %(g)s 分")
        % {"n": count, "e": fmt(each), "r": fmt(Decimal(str(each)) * count), "p": fmt(points), "g": fmt(got)},
    )


def over(count: int | None, points: Decimal, limit) -> Scored:
    count = count or 0
    if count > float(limit):
        return Scored(
            q(points), _("%(n)d 起，超过 %(l)s：触发") % {"n": count, "l": fmt(limit)}, triggered=True
        )
    return Scored(q(0), _("%(n)d 起，未超过 %(l)s：未触发") % {"n": count, "l": fmt(limit)})


# -- validation of an item's params ------------------------------------------------------------------


def _number(params: dict, key: str, label: str) -> float:
    try:
        return float(params[key])
    except (KeyError, TypeError, ValueError):
        raise ActionError(_("规则参数缺少或不是数字：%(k)s（%(l)s）。") % {"k": key, "l": label}) from None


def check_params(rule: str, params: dict) -> dict:
    """The params cleaned for ``rule``, or a refusal that names the missing or wrong value."""
    if not isinstance(params, dict):
        raise ActionError(_("规则参数须为键值对。"))
    if rule == "threshold":
        steps = params.get("steps")
        if not isinstance(steps, list) or not steps:
            raise ActionError(
                _("分档规则须设置至少一档，例如 [[95, 1.0], [90, 0.8]]（指标值 ≥ 95 得满分……）。")
            )
        clean = []
        for i, step in enumerate(steps, 1):
            try:
                floor, share = float(step[0]), float(step[1])
            except (TypeError, ValueError, IndexError):
                raise ActionError(_("第 %(i)d 档须为 [下限, 得分比例]。") % {"i": i}) from None
            if not 0 <= share <= 1:
                raise ActionError(_("第 %(i)d 档的得分比例须在 0 与 1 之间。") % {"i": i})
            clean.append([floor, share])
        return {"steps": sorted(clean, key=lambda s: -s[0])}
    if rule == "linear":
        return {"low": _number(params, "low", _("0 分处")), "high": _number(params, "high", _("满分处"))}
    if rule == "deadline":
        out = {"target": _number(params, "target", _("目标值"))}
        for key in ("deadline", "late_until"):
            raw = params.get(key)
            if not raw and key == "late_until":
                continue
            try:
                out[key] = datetime.date.fromisoformat(str(raw)).isoformat()
            except ValueError:
                raise ActionError(_("日期格式应为 YYYY-MM-DD：%(k)s。") % {"k": key}) from None
        share = float(params.get("late_share", 0) or 0)
        if not 0 <= share <= 1:
            raise ActionError(_("逾期得分比例须在 0 与 1 之间。"))
        out["late_share"] = share
        if out.get("late_until") and out["late_until"] < out["deadline"]:
            raise ActionError(_("逾期截止日期不能早于截止日期。"))
        return out
    if rule == "per_count":
        return {"each": _number(params, "each", _("每项分值"))}
    if rule == "over":
        return {"over": _number(params, "over", _("触发界限"))}
    return {}


def describe(rule: str, params: dict) -> str:
    """The rule in words, for the scheme page and the printed sheet."""
    p = params or {}
    if rule == "threshold":
        return "；".join(
            _("≥ %(f)s 得 %(s)s%%") % {"f": fmt(f), "s": fmt(float(s) * 100)} for f, s in p.get("steps", [])
        )
    if rule == "linear":
        return _("%(l)s 为 0 分，%(h)s 为满分，其间按比例") % {
            "l": fmt(p.get("low", 0)),
            "h": fmt(p.get("high", 0)),
        }
    if rule == "rank":
        return _("同组排名：第 r 名得 分值 ×（n − r）÷（n − 1）")
    if rule == "deadline":
        text = _("%(d)s 前达到 %(t)s 得满分") % {"d": p.get("deadline"), "t": fmt(p.get("target", 0))}
        if p.get("late_until"):
            text += _("；%(l)s 前达到得 %(s)s%%") % {
                "l": p["late_until"],
                "s": fmt(float(p.get("late_share", 0)) * 100),
            }
        return text + _("；否则 0 分")
    if rule == "per_count":
        return _("每项 %(e)s 分，至多为分值") % {"e": fmt(p.get("each", 0))}
    if rule == "over":
        return _("超过 %(o)s 即触发") % {"o": fmt(p.get("over", 0))}
    return _("评审打分")
