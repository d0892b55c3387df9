"""Workflow documents: stored per version, a current pointer, read back by LocalStore."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from fnplan.providers.local import LocalProvider
from fnplan.providers.local.store import LocalStore
from fnplan.providers.local.workflows import KEEP_PREVIOUS

from fnplan.errors import ProviderError
from fnplan.resources import Resource

from .conftest import recorded


def workflow(address: str, step_names: list[str]) -> Resource:
    document: dict[str, Any] = {
        "name": address.rpartition(".")[2],
        "address": address,
        "isolation": "shared",
        "steps": [
            {
                "name": name,
                "type": "function",
                "function": {"address": "function.echo", "version": "abc"},
                "input": {"$expr": "input"},
            }
            for name in step_names
        ],
        "edges": [
            {"source": a, "target": b, "kind": "sequential"}
            for a, b in itertools.pairwise(step_names)
        ],
        "output": {"$expr": f"step.{step_names[-1]}.output"},
    }
    version = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    attributes = {
        "name": document["name"],
        "isolation": "shared",
        "document": document,
        "version": version,
    }
    return Resource(address=address, type="workflow", attributes=attributes)


def test_workflow_lifecycle(provider: LocalProvider, project: Path) -> None:
    first = workflow("workflow.thumbnail", ["fetch"])
    outputs = provider.create(first)
    directory = project / ".fnplan/local/workflows/workflow.thumbnail"
    assert outputs == {
        "version": first.attributes["version"],
        "document_path": str(directory / f"{first.attributes['version']}.json"),
        "endpoint": "local://workflow/workflow.thumbnail",
    }
    assert provider.create(first) == outputs
    state = recorded(first, outputs)
    assert provider.observe(state).up_to_date(first.attributes)

    second = workflow("workflow.thumbnail", ["fetch", "resize"])
    new_outputs = provider.update(second, state)
    store = LocalStore(project / ".fnplan")
    assert [s.name for s in store.workflow_document("workflow.thumbnail").steps] == [
        "fetch",
        "resize",
    ]
    earlier = store.workflow_document("workflow.thumbnail", first.attributes["version"])
    assert [s.name for s in earlier.steps] == ["fetch"]

    new_state = recorded(second, new_outputs)
    provider.delete(new_state)
    provider.delete(new_state)
    assert not provider.observe(new_state).exists
    assert not (project / ".fnplan/local").exists()
    with pytest.raises(ProviderError, match=r"is not deployed"):
        store.workflow_document("workflow.thumbnail")


def test_an_edited_document_shows_as_drift_and_a_deleted_one_as_damage(
    provider: LocalProvider,
) -> None:
    resource = workflow("workflow.w", ["a", "b"])
    state = recorded(resource, provider.create(resource))
    path = Path(state.outputs["document_path"])
    edited = json.loads(path.read_text())
    edited["steps"].pop()
    path.write_text(json.dumps(edited))
    assert provider.observe(state).differs_from(resource.attributes) == ["document"]

    provider.update(resource, state)
    assert provider.observe(state).up_to_date(resource.attributes)
    path.unlink()  # a delete killed half way: the rest is there until deleted
    assert provider.observe(state).attributes["version"].startswith("damaged:")
    provider.delete(state)
    assert not provider.observe(state).exists


def test_only_a_few_earlier_versions_are_kept(provider: LocalProvider, project: Path) -> None:
    names = [f"s{i}" for i in range(KEEP_PREVIOUS + 3)]
    for i in range(1, len(names) + 1):
        provider.create(workflow("workflow.w", names[:i]))
    files = list((project / ".fnplan/local/workflows/workflow.w").glob("*.json"))
    assert len(files) == KEEP_PREVIOUS + 2  # the current one, the kept ones, current.json


def test_an_invalid_document_is_a_clear_error(provider: LocalProvider) -> None:
    resource = workflow("workflow.w", ["a"])
    resource.attributes["document"]["steps"][0]["type"] = "carrier-pigeon"
    with pytest.raises(ProviderError, match=r"workflow\.w: invalid workflow document"):
        provider.create(resource)
