"""Schedule triggers: cron evaluation (cronsim) and the loop that fires them on time.

Expressions are standard 5-field cron (minute hour day-of-month month day-of-week), a 6-field
form whose first field is seconds, or one of @yearly/@annually/@monthly/@weekly/@daily/
@midnight/@hourly. Times are UTC, as on EventBridge Scheduler and Knative PingSource.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fnplan.errors import ErrorList, FnplanError

ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
#: Longest sleep between clock checks, so that a changed wall clock is noticed.
_MAX_SLEEP = 30.0


class ScheduleError(FnplanError):
    """A schedule trigger's cron expression cannot be evaluated."""


def next_fire(expression: str, after: datetime) -> datetime:
    """The first time strictly after `after` (UTC) at which the cron `expression` fires."""
    from cronsim import CronSim, CronSimError

    cron = ALIASES.get(expression.strip().lower(), expression)
    try:
        return next(CronSim(cron, after.astimezone(UTC)))
    except (CronSimError, StopIteration) as error:
        raise ScheduleError(
            f"cron expression {expression!r} is not valid: {error or 'it never fires'}",
            allowed=["minute hour day-of-month month day-of-week", "second + those 5", *ALIASES],
        ) from None


@dataclass(order=True, slots=True)
class Scheduled:
    """A schedule trigger and the next time it fires (ordered by that time)."""

    next_at: datetime
    address: str
    expression: str = field(compare=False)
    trigger: dict[str, Any] = field(compare=False)


def scheduled(triggers: Iterable[dict[str, Any]], now: datetime) -> list[Scheduled]:
    """The next fire time of every schedule trigger; all bad expressions reported together."""
    entries: list[Scheduled] = []
    errors: list[FnplanError] = []
    for trigger in triggers:
        expression = str(trigger.get("schedule") or "")
        try:
            entries.append(
                Scheduled(next_fire(expression, now), trigger["address"], expression, trigger)
            )
        except ScheduleError as error:
            errors.append(
                ScheduleError(f"{trigger['address']}: {error.message}", allowed=error.allowed)
            )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)
    return sorted(entries)


def run_schedule(
    entries: list[Scheduled],
    fire: Callable[[Scheduled], None],
    stop: threading.Event,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Call `fire` for each entry at its times until `stop` is set; missed times fire once."""
    queue = list(entries)
    heapq.heapify(queue)
    while queue and not stop.is_set():
        wait = (queue[0].next_at - clock()).total_seconds()
        if wait > 0:
            stop.wait(min(wait, _MAX_SLEEP))
            continue
        entry = heapq.heappop(queue)
        fire(entry)
        following = next_fire(entry.expression, max(entry.next_at, clock()))
        heapq.heappush(queue, Scheduled(following, entry.address, entry.expression, entry.trigger))
