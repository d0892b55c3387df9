"""fire_completion: what `fnplan run` calls after a run so that completion triggers fire."""

from __future__ import annotations

import json
from pathlib import Path

from fnplan.providers.local.store import LocalStore

from fnplan.events.dispatch import MAX_COMPLETION_DEPTH, fire_completion
from fnplan.provider import Provider, ProviderContext, provider_class
from fnplan.run import run_workflow
from fnplan.run.history import list_executions, runs_dir


def _local(project: Path) -> dict[str, Provider]:
    """The project's local provider, as `fnplan run` hands it to fire_completion."""
    return {"local": provider_class("local")(ProviderContext(project, project / ".fnplan"))}


def test_completion_trigger_fires_after_a_run(project: Path) -> None:
    data_dir = project / ".fnplan"
    store = LocalStore(data_dir)
    document = store.workflow_document("workflow.process")
    result = run_workflow(
        document,
        {"order": "r-1", "qty": 7},
        resolver=store,
        workflows=store,
        log_dir=runs_dir(data_dir),
    )
    assert result.status == "succeeded"

    (audit,) = fire_completion("workflow.process", result, providers=_local(project))
    assert (audit.trigger, audit.target, audit.status, audit.depth) == (
        "trigger.after",
        "function.audit",
        "succeeded",
        1,
    )
    assert audit.output == {"audited": result.execution_id}
    last = json.loads((project / "audit.jsonl").read_text().splitlines()[-1])
    assert last == {
        "status": "succeeded",
        "output": {"order": "r-1", "qty": 7},
        "execution_id": result.execution_id,
        "error": None,
    }
    # the function ran as an invocation, logged like `fnplan invoke`: `fnplan runs` lists it
    (listed,) = list_executions(runs_dir(data_dir), "function.audit")
    assert audit.log_path == listed.path and listed.execution_id == audit.execution_id


def test_nothing_listens_and_the_depth_limit(project: Path) -> None:
    data_dir = project / ".fnplan"
    store = LocalStore(data_dir)
    result = run_workflow(
        store.workflow_document("workflow.flaky"),
        {},
        resolver=store,
        workflows=store,
        log_dir=runs_dir(data_dir),
    )
    assert result.status == "failed"
    assert fire_completion("workflow.flaky", result, providers=_local(project)) == []

    notices: list[str] = []
    stopped = fire_completion(
        "workflow.process",
        result,
        providers=_local(project),
        depth=MAX_COMPLETION_DEPTH,
        on_notice=notices.append,
    )
    assert stopped == []
    assert notices and "trigger.after did not fire" in notices[0]
