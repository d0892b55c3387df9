"""A tiny model of how Argo settles a `dag` template's tasks (enhanced `depends`, `when`,
`continueOn`), to check the generated DAG against fnplan's run-time rules.

Tasks run in list order once their `depends` holds; a `depends` that is false omits the
task, a false `when` skips it; the DAG fails when a task failed without `continueOn.failed`.
"""

from __future__ import annotations

import re
from typing import Any

PHASE = re.compile(r"([a-zA-Z0-9][-a-zA-Z0-9]*)\.(Succeeded|Failed|Skipped|Omitted|Errored)")


def settle(
    tasks: list[dict[str, Any]], failing: set[str], when_false: set[str]
) -> tuple[dict[str, str], bool]:
    """Each task's phase and whether the DAG succeeded; `failing` tasks fail when they run,
    tasks in `when_false` have a false `when` (a `when: "false"` is false too)."""
    phases: dict[str, str] = {}
    pending = list(tasks)
    while pending:
        ready = [
            t for t in pending if all(n in phases for n, _ in PHASE.findall(t.get("depends", "")))
        ]
        assert ready, f"depends on unknown or cyclic tasks: {[t['name'] for t in pending]}"
        for task in ready:
            pending.remove(task)
            phases[task["name"]] = _phase(task, phases, failing, when_false)
    failed = any(
        phases[t["name"]] == "Failed" and not t.get("continueOn", {}).get("failed") for t in tasks
    )
    return phases, not failed


def _phase(
    task: dict[str, Any], phases: dict[str, str], failing: set[str], when_false: set[str]
) -> str:
    depends = task.get("depends")
    if depends:
        source = PHASE.sub(lambda m: repr(phases[m.group(1)] == m.group(2)), depends)
        source = source.replace("&&", " and ").replace("||", " or ")
        if not eval(source):  # only True/False/and/or/parentheses remain
            return "Omitted"
    if task["name"] in when_false or task.get("when") == "false":
        return "Skipped"
    return "Failed" if task["name"] in failing else "Succeeded"
