"""fnplan's cron expressions (fnplan.events.schedule: 5 fields, 6 with seconds first, @daily
...) as EventBridge Scheduler expressions, `cron(minutes hours day-of-month month
day-of-week year)` in UTC.

Scheduler's cron has no seconds, numbers weekdays 1-7 from Sunday, and needs `?` in one of
the two day fields, so it cannot say "on the 1st or on Mondays" as cron does when both are
set: such an expression, or one firing at a second other than 0, is refused at validate.
Each field is written from the set of values cronsim parses, so every cron form fnplan
accepts (lists, ranges, steps, names, `L`, `#`) means the same times on AWS.
"""

from __future__ import annotations

from collections.abc import Iterable

#: cron weekday (0 or 7 = Sunday) → Scheduler's name
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
#: what cronsim stores for `L` (last day of the month, last weekday of the month)
_LAST = -1000
_ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


class ScheduleExpressionError(ValueError):
    """A cron expression EventBridge Scheduler cannot express."""


def scheduler_expression(cron: str) -> str:
    """The Scheduler expression firing at the same UTC times as `cron`."""
    from datetime import UTC, datetime

    from cronsim import CronSim, CronSimError

    text = _ALIASES.get(cron.strip().lower(), cron)
    try:
        parsed = CronSim(text, datetime(2000, 1, 1, tzinfo=UTC))
    except CronSimError as error:
        raise ScheduleExpressionError(f"cron expression {cron!r} is not valid: {error}") from None
    if parsed.seconds != {0}:
        raise ScheduleExpressionError(
            f"EventBridge Scheduler fires on whole minutes; {cron!r} fires at other seconds"
        )
    day_of_month, weekday = parsed.parts[3], parsed.parts[5]
    if day_of_month != "*" and weekday != "*":
        raise ScheduleExpressionError(
            f"EventBridge Scheduler cannot fire on a day of the month or a weekday ({cron!r} "
            "sets both); split it into two triggers"
        )
    days = "?" if day_of_month == "*" and weekday != "*" else _days(parsed.days)
    weekdays = "?" if weekday == "*" else _weekdays(parsed.weekdays)
    fields = (
        _field(parsed.minutes, 0, 59),
        _field(parsed.hours, 0, 23),
        days,
        _field(parsed.months, 1, 12),
        weekdays,
        "*",
    )
    return f"cron({' '.join(fields)})"


def _field(values: Iterable[int], low: int, high: int) -> str:
    """`*`, `start/step` (every step from start to the end), or a list of values and runs."""
    chosen = sorted(set(values))
    if chosen == list(range(low, high + 1)):
        return "*"
    if len(chosen) > 2:
        step = chosen[1] - chosen[0]
        if chosen == list(range(chosen[0], high + 1, step)) and step > 1:
            return f"{chosen[0]}/{step}"
    return ",".join(_runs(chosen))


def _runs(values: list[int]) -> list[str]:
    """Consecutive values as `a-b` (three or more), the others alone."""
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    out: list[str] = []
    for run in runs:
        out += [f"{run[0]}-{run[-1]}"] if len(run) > 2 else [str(v) for v in run]
    return out


def _days(values: Iterable[int]) -> str:
    chosen = set(values)
    if _LAST in chosen:
        if chosen != {_LAST}:
            raise ScheduleExpressionError("EventBridge Scheduler cannot combine L with other days")
        return "L"
    return _field(chosen, 1, 31)


def _weekdays(values: Iterable[int | tuple[int, int]]) -> str:
    """Plain weekdays as names; `5L` and `5#2` as Scheduler's numbers (Sunday = 1)."""
    plain = sorted({v % 7 for v in values if isinstance(v, int)})
    special = [v for v in values if isinstance(v, tuple)]
    if (special and plain) or len(special) > 1:
        raise ScheduleExpressionError(
            "EventBridge Scheduler takes one `L` or `#` weekday, alone in its field"
        )
    if special:
        day, nth = special[0]
        return f"{day % 7 + 1}L" if nth == _LAST else f"{day % 7 + 1}#{nth}"
    if plain == list(range(7)):
        return "*"
    return ",".join(_WEEKDAYS[day] for day in plain)
