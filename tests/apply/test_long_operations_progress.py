"""The apply display of long calls: "still creating..." lines while a call runs without
progress, the provider's own text with the elapsed time, progress in JSON and on a terminal."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from fnplan.apply.progress import ApplyProgress
from fnplan.apply.walk import ApplyEvent, ApplyResult, apply_plan
from fnplan.plan.planner import make_plan
from fnplan.provider import ProviderContext
from fnplan.state.model import State
from tests.apply.longops_provider import BEHAVIOUR_ENV, LongOpsProvider
from tests.plan.helpers import ListJournal, desired, res


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def _apply_in_background(
    tmp_path: Path, progress: ApplyProgress
) -> tuple[threading.Thread, list[ApplyResult]]:
    """function.slow (and function.fast) on the longops provider, applied by a thread."""
    provider = LongOpsProvider(ProviderContext(tmp_path, tmp_path / ".fnplan"))
    resources = [
        res(f"function.{n}", name=n).model_copy(update={"provider": "longops"})
        for n in ("fast", "slow")
    ]
    plan = make_plan(desired(*resources), State())
    results: list[ApplyResult] = []

    def run() -> None:
        with progress:
            result = apply_plan(
                plan, State(), {"longops": provider}, ListJournal(), on_event=progress.on_event
            )
            progress.finish(result)
            results.append(result)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, results


def _release(tmp_path: Path, thread: threading.Thread) -> None:
    (tmp_path / ".fnplan" / "longops" / "release").touch()
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_a_call_without_progress_gets_still_creating_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BEHAVIOUR_ENV, "create:function.slow=hang")
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=False)
    thread, results = _apply_in_background(tmp_path, ApplyProgress(console, total=2, interval=0.05))
    _wait_for(lambda: out.getvalue().count("function.slow: still creating... (") >= 2, "ticks")
    _release(tmp_path, thread)
    lines = out.getvalue().splitlines()
    ticks = [line for line in lines if line.startswith("function.slow: still creating... (")]
    assert all(line.endswith(" s elapsed)") for line in ticks), ticks
    assert not any(line.startswith("function.fast: still") for line in lines), "it finished"
    assert results[0].ok and lines[-1].startswith("Apply complete! Resources: 2 added")


def test_a_providers_progress_text_is_shown_with_the_elapsed_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BEHAVIOUR_ENV, "create:function.slow=progress")
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=False)
    thread, _ = _apply_in_background(tmp_path, ApplyProgress(console, total=2, interval=0.05))
    _wait_for(
        lambda: out.getvalue().count("function.slow: waiting for function Active") >= 2, "ticks"
    )
    _release(tmp_path, thread)
    shown = [line for line in out.getvalue().splitlines() if "waiting for" in line]
    assert shown[0] == "function.slow: waiting for function Active, 0 s"
    assert all(line.endswith(" s") for line in shown) and "still creating" not in out.getvalue()


def test_progress_is_a_json_event_and_part_of_the_live_display(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BEHAVIOUR_ENV, "create:function.slow=progress")
    stream = io.StringIO()
    console = Console(file=io.StringIO(), width=120, force_terminal=False)
    progress = ApplyProgress(console, total=2, json_lines=True, stream=stream)
    thread, _ = _apply_in_background(tmp_path, progress)
    _wait_for(lambda: '"phase": "progress"' in stream.getvalue(), "the progress event")
    _release(tmp_path, thread)
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    said = [e for e in events if e.get("phase") == "progress"]
    assert said[0]["address"] == "function.slow"
    assert said[0]["message"] == "waiting for function Active"
    assert events[-1]["type"] == "summary" and events[-1]["interrupted"] is False


def test_the_live_description_names_what_a_call_waits_for() -> None:
    console = Console(file=io.StringIO(), width=160, force_terminal=True)
    with ApplyProgress(console, total=1) as progress:
        progress.on_event(ApplyEvent("function.slow", "create", "start"))
        progress.on_event(
            ApplyEvent("function.slow", "create", "progress", 1.0, "waiting for function Active")
        )
        assert progress._progress is not None
        task = progress._progress.tasks[0]
        assert task.description == "function.slow: waiting for function Active, 0 s"
        assert task.completed == 0, "progress does not finish the call"
        progress.on_event(ApplyEvent("function.slow", "create", "done", 2.0))
        assert progress._progress.tasks[0].completed == 1


def test_a_quickly_changing_progress_text_is_printed_at_most_once_a_second() -> None:
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=False)
    with ApplyProgress(console, total=1, interval=60) as progress:
        progress.on_event(ApplyEvent("function.x", "create", "start"))
        for step in (1, 2, 3):
            progress.on_event(ApplyEvent("function.x", "create", "progress", 0.1, f"step {step}"))
        assert out.getvalue() == "function.x: step 1, 0 s\n"
        progress.on_event(ApplyEvent("function.x", "create", "done", 0.2))
    assert out.getvalue().splitlines()[-1].startswith("function.x: created (")
