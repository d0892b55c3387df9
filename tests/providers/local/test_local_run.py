"""What the provider deploys really runs: the executor reads it through LocalStore."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fnplan.providers.local import LocalProvider
from fnplan.providers.local.store import LocalStore

from fnplan.resources import Resource
from fnplan.run import FunctionResolver, WorkerPool, WorkflowResolver, run_workflow

from .conftest import function, write_source


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool()
    yield workers
    workers.close()


def test_a_deployed_workflow_runs_the_deployed_function_version(
    provider: LocalProvider, project: Path, pool: WorkerPool
) -> None:
    body = (
        "import os\n"
        "def handler(event, context):\n"
        "    return {'n': event['n'] * 2, 'mode': os.environ['MODE']}\n"
    )
    fn = function("function.double", write_source(project / "src", body), env={"MODE": "local"})
    fn_outputs = provider.create(fn)
    document = {
        "name": "twice",
        "address": "workflow.twice",
        "steps": [
            {
                "name": "double",
                "type": "function",
                "function": {"address": "function.double", "version": fn_outputs["version"]},
                "input": {"n": {"$expr": "input.n"}},
            }
        ],
        "output": {"$expr": "step.double.output"},
    }
    version = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    provider.create(
        Resource(
            address="workflow.twice",
            type="workflow",
            attributes={
                "name": "twice",
                "isolation": "shared",
                "document": document,
                "version": version,
            },
        )
    )

    store = LocalStore(project / ".fnplan")
    resolver: FunctionResolver = store
    workflows: WorkflowResolver = store
    result = run_workflow(
        store.workflow_document("workflow.twice"),
        {"n": 21},
        resolver=resolver,
        workflows=workflows,
        log_dir=project / "logs",
        pool=pool,
    )
    assert result.status == "succeeded", result.error
    assert result.output == {"n": 42, "mode": "local"}
