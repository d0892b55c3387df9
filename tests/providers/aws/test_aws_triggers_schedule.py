"""fnplan's cron expressions as EventBridge Scheduler expressions: the same UTC times, or a
clear refusal for what Scheduler cannot say."""

from __future__ import annotations

import pytest
from fnplan.providers.aws.schedules import ScheduleExpressionError, scheduler_expression


@pytest.mark.parametrize(
    ("cron", "expected"),
    [
        ("0 2 * * *", "cron(0 2 * * ? *)"),
        ("*/15 * * * *", "cron(0/15 * * * ? *)"),
        ("5-7 8,20 1 */3 *", "cron(5-7 8,20 1 1/3 ? *)"),
        ("0 2 * * 1-5", "cron(0 2 ? * MON,TUE,WED,THU,FRI *)"),
        ("0 2 * * 7", "cron(0 2 ? * SUN *)"),
        ("0 2 * * sat,sun", "cron(0 2 ? * SUN,SAT *)"),
        ("0 0 L * *", "cron(0 0 L * ? *)"),
        ("0 0 * * 5L", "cron(0 0 ? * 6L *)"),
        ("0 0 * * 1#2", "cron(0 0 ? * 2#2 *)"),
        ("@daily", "cron(0 0 * * ? *)"),
        ("@weekly", "cron(0 0 ? * SUN *)"),
        ("0 30 6 * * *", "cron(30 6 * * ? *)"),  # seconds first, at second 0
    ],
)
def test_cron_becomes_the_same_times_on_scheduler(cron: str, expected: str) -> None:
    assert scheduler_expression(cron) == expected


@pytest.mark.parametrize(
    ("cron", "message"),
    [
        ("0 2 1 * 1", "cannot fire on a day of the month or a weekday"),
        ("30 * * * * *", "fires on whole minutes"),
        ("0 25 * * *", "is not valid"),
    ],
)
def test_what_scheduler_cannot_say_is_refused(cron: str, message: str) -> None:
    with pytest.raises(ScheduleExpressionError, match=message):
        scheduler_expression(cron)
