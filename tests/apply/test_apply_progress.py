"""ApplyProgress: plain lines, JSON lines, a live bar on terminals, and the final line."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console

from fnplan.apply.progress import ApplyProgress
from fnplan.apply.walk import apply_plan
from fnplan.plan.planner import make_plan
from fnplan.state.model import State
from tests.plan.helpers import ListJournal, desired, res
from tests.plan.memory import MemoryProvider

RUNTIME = res("runtime.python", language="python3.12")
RESIZE = res("function.resize", ("runtime.python",), name="resize")
FETCH = res("function.fetch", name="fetch")


def _apply(console: Console, provider: MemoryProvider, **options: Any) -> None:
    plan = make_plan(desired(RUNTIME, RESIZE, FETCH), State())
    with ApplyProgress(console, total=plan.summary, **options) as progress:
        result = apply_plan(
            plan, State(), {"memory": provider}, ListJournal(), on_event=progress.on_event
        )
        progress.finish(result)


def test_plain_lines_and_complete_summary() -> None:
    console = Console(record=True, width=120, force_terminal=False)
    _apply(console, MemoryProvider())
    lines = console.export_text().splitlines()
    assert any(
        line.startswith("function.resize: created (") and line.endswith("s)") for line in lines
    )
    assert lines[-1] == "Apply complete! Resources: 3 added, 0 changed, 0 destroyed."


def test_failure_summary_names_address_and_message() -> None:
    provider = MemoryProvider()
    provider.fail_on.add(("create", "runtime.python"))
    console = Console(record=True, width=120, force_terminal=False)
    _apply(console, provider)
    text = console.export_text()
    assert "function.resize: skipped (runtime.python failed)" in text
    assert (
        "Apply failed: 1 error(s), 1 skipped. Resources: 1 added, 0 changed, 0 destroyed.\n"
        "  runtime.python: simulated create failure"
    ) in text


def test_json_lines() -> None:
    stream = io.StringIO()
    console = Console(record=True, width=120, force_terminal=False)
    _apply(console, MemoryProvider(), json_lines=True, stream=stream)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [r["phase"] for r in records if r["type"] == "event"].count("done") == 3
    assert records[-1]["type"] == "summary" and records[-1]["added"] == 3 and records[-1]["ok"]
    assert console.export_text() == ""


def test_live_bar_on_a_terminal() -> None:
    console = Console(record=True, width=120, force_terminal=True, file=io.StringIO())
    _apply(console, MemoryProvider())
    text = console.export_text()
    assert "runtime.python: created" in text
    assert "Apply complete! Resources: 3 added, 0 changed, 0 destroyed." in text
