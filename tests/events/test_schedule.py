"""Schedule triggers: cron next-time computation, the cron loop, and `fnplan serve --once`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fnplan.errors import ErrorList
from fnplan.events.schedule import Scheduled, ScheduleError, next_fire, run_schedule, scheduled
from tests.cli.conftest import assert_clean_error, run_fnplan


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 2 * * *", "2025-01-01T01:59:59", "2025-01-01T02:00:00"),
        ("0 2 * * *", "2025-01-01T02:00:00", "2025-01-02T02:00:00"),
        ("*/15 * * * *", "2025-03-04T10:16:00", "2025-03-04T10:30:00"),
        ("0 9 * * 1-5", "2025-01-03T10:00:00", "2025-01-06T09:00:00"),  # Friday -> Monday
        ("30 * * * * *", "2025-01-01T00:00:00", "2025-01-01T00:00:30"),  # seconds first
        ("@daily", "2025-01-01T12:00:00", "2025-01-02T00:00:00"),
        ("@HOURLY", "2025-01-01T12:00:00", "2025-01-01T13:00:00"),
        ("@monthly", "2025-01-15T00:00:00", "2025-02-01T00:00:00"),
    ],
)
def test_next_fire(expression: str, after: str, expected: str) -> None:
    assert next_fire(expression, at(after)) == at(expected)


def test_next_fire_is_in_utc() -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2025, 1, 1, 3, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # 02:00 UTC
    assert next_fire("0 3 * * *", local) == at("2025-01-01T03:00:00")


@pytest.mark.parametrize("expression", ["61 * * * *", "* * *", "", "every day", "0 0 31 2 *"])
def test_bad_expressions_say_what_is_allowed(expression: str) -> None:
    with pytest.raises(ScheduleError) as raised:
        next_fire(expression, at("2025-01-01T00:00:00"))
    assert repr(expression) in raised.value.message
    assert "@daily" in (raised.value.allowed or [])


def test_scheduled_sorts_and_reports_every_bad_trigger() -> None:
    now = at("2025-01-01T00:00:00")
    triggers = [
        {"address": "trigger.late", "schedule": "0 5 * * *"},
        {"address": "trigger.early", "schedule": "0 1 * * *"},
    ]
    assert [e.address for e in scheduled(triggers, now)] == ["trigger.early", "trigger.late"]
    bad = [{"address": "trigger.a", "schedule": "x"}, {"address": "trigger.b", "schedule": "y"}]
    with pytest.raises(ErrorList) as raised:
        scheduled(bad, now)
    assert [e.message.split(":")[0] for e in raised.value.errors] == ["trigger.a", "trigger.b"]


def test_loop_fires_on_time_and_missed_times_once() -> None:
    (entry,) = scheduled([{"address": "trigger.t", "schedule": "*/5 * * * *"}], at("2025-01-01"))
    clock: Iterator[datetime] = iter(
        at(t)
        for t in ("2025-01-01T00:05", "2025-01-01T00:31", "2025-01-01T00:35", "2025-01-01T00:36")
    )
    stop = threading.Event()
    fired: list[datetime] = []

    def fire(due: Scheduled) -> None:
        fired.append(due.next_at)
        if len(fired) == 2:
            stop.set()

    run_schedule([entry], fire, stop, clock=lambda: next(clock))
    assert fired == [at("2025-01-01T00:05"), at("2025-01-01T00:35")]


def test_serve_once_runs_the_quickstart_nightly_trigger(quickstart: Path) -> None:
    run_fnplan("apply", "--auto-approve", cwd=quickstart)
    result = run_fnplan("serve", "--once", cwd=quickstart)
    assert "schedule trigger.nightly '0 2 * * *' -> workflow.thumbnail, next at " in result.stdout
    assert "trigger.nightly -> workflow.thumbnail: succeeded" in result.stdout
    assert '"bytes": ' in result.stdout
    assert list((quickstart / ".fnplan" / "runs" / "thumbnail").glob("*.jsonl"))


def test_serve_once_hands_the_time_to_the_trigger_input(project: Path) -> None:
    result = run_fnplan("serve", "--once", cwd=project)
    line = next(x for x in result.stdout.splitlines() if x.startswith("trigger.tick"))
    assert "trigger.tick -> function.echo: succeeded" in line
    assert '{"echo": {"tick": "20' in line and 'Z"}}' in line


def test_bad_cron_expression_fails_apply_at_its_position(tmp_path: Path) -> None:
    """Checked at validate time (tests/hostile/test_limits.py), so serve never sees one."""
    (tmp_path / "main.hcl").write_text(
        'provider "local" {}\n'
        'runtime "python" {\n  language = "python3.12"\n}\n'
        'function "f" {\n  runtime = runtime.python\n  source = "./f"\n'
        '  handler = "main.handler"\n}\n'
        'trigger "bad" {\n  schedule = "61 * * * *"\n  target = function.f\n}\n'
    )
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "main.py").write_text("def handler(event, context):\n    return 1\n")
    result = run_fnplan("apply", "--auto-approve", cwd=tmp_path, check=None)
    assert_clean_error(
        result, "main.hcl:11:14: error: trigger.bad: cron expression '61 * * * *' is not valid"
    )
