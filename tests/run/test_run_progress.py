"""The progress view: plain lines off a terminal, a live table on one."""

from __future__ import annotations

import io

from rich.console import Console

from fnplan.run.progress import RunProgress
from fnplan.run.records import LogRecord
from fnplan.workflow.model import WorkflowDocument
from tests.run.runkit import ECHO, Deployment, document, expr

FAIL = "def handler(event, context):\n    raise ValueError('bad width')\n"


def _doc(deploy: Deployment) -> WorkflowDocument:
    echo = deploy.function("echo", ECHO)
    fail = deploy.function("fail", FAIL)
    return document(
        "progress",
        [
            {"name": "a", "type": "function", "function": echo, "input": 1},
            {
                "name": "b",
                "type": "function",
                "function": fail,
                "input": expr("step.a.output"),
                "retry": {"max_attempts": 2, "interval": 0.01},
            },
        ],
    )


def test_plain_lines_when_not_a_terminal(deploy: Deployment) -> None:
    out = io.StringIO()
    doc = _doc(deploy)
    with RunProgress(doc, Console(file=out, force_terminal=False, width=200)) as progress:
        result = deploy.run(doc, execution_id="e1", on_event=progress)
    lines = out.getvalue().splitlines()
    assert lines[0] == "progress: run e1 started"
    # the wait before the next attempt, not the failed attempt's duration, is the "in"
    assert lines[4].startswith("progress.b: attempt 1 failed after ")
    assert lines[4].endswith("- ValueError: bad width; attempt 2 in 0.01 s")
    assert "progress.b: failed (attempt 2) in " in lines[6]
    assert lines[-1].startswith("progress: failed in ")
    assert result.status == "failed"


def test_live_table_on_a_terminal(deploy: Deployment) -> None:
    out = io.StringIO()
    doc = _doc(deploy)
    with RunProgress(doc, Console(file=out, force_terminal=True, width=120)) as progress:
        deploy.run(doc, on_event=progress)
        table = progress.render()
    rendered = Console(file=io.StringIO(), width=120, record=True)
    rendered.print(table)
    screen = rendered.export_text()
    assert "run: failed" in screen
    assert "succeeded" in screen and "ValueError: bad width" in screen


def test_live_table_shows_the_wait_before_the_next_attempt(deploy: Deployment) -> None:
    doc = _doc(deploy)
    progress = RunProgress(doc, Console(file=io.StringIO(), force_terminal=False))
    seen: list[str] = []

    def watch(record: LogRecord) -> None:
        progress(record)
        if record.event == "retrying":
            rendered = Console(file=io.StringIO(), width=200, record=True)
            rendered.print(progress.render())
            seen.append(rendered.export_text())

    deploy.run(doc, on_event=watch)
    assert "retrying" in seen[0] and "attempt 2 in 0.01 s: ValueError: bad width" in seen[0]
