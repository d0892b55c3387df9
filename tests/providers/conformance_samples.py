"""Sample resources of the five resource types for the conformance kit, shaped as compile
emits them (docs/resource-attributes.md), with real function code and true version hashes."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from fnplan.compile.canonical import hash_json
from fnplan.compile.functions import version_of
from fnplan.compile.sources import SourceHasher
from fnplan.resources import Resource
from fnplan.testing.providers import Sample

HANDLER = "def handler(event, context):\n    return {'echo': event}\n"


def runtime(packages: list[str], **changes: Any) -> Resource:
    attributes = {
        "name": "python",
        "language": "python3.11",
        "image": None,
        "memory": 128,
        "timeout": 30,
        "env": {},
        "packages": packages,
        "base": None,
        **changes,
    }
    return Resource(address="runtime.python", type="runtime", attributes=attributes)


def function(source: Path, on: Resource, **changes: Any) -> Resource:
    """function.echo on the runtime `on`, its `version` hashing code and configuration."""
    attributes: dict[str, Any] = {
        "name": "echo",
        "runtime": {"address": on.address, **on.attributes},
        "source": str(source),
        "source_hash": SourceHasher(None).source_hash(str(source)),
        "handler": "main.handler",
        "memory": 128,
        "timeout": 10,
        "env": {},
        "input_schema": {"type": "object"},
        "output_schema": None,
        "scaling": {"min": 0, "max": 20, "concurrency": 10},
        "rollout": {"strategy": "all_at_once", "steps": [100], "interval": "0s"},
        **changes,
    }
    attributes["version"] = version_of(attributes)
    attributes.update(keep_versions=3, retain_versions=[])
    return Resource(
        address="function.echo", type="function", attributes=attributes, depends_on=[on.address]
    )


def workflow(steps: list[str]) -> Resource:
    """workflow.w: `steps` in sequence, each echoing its input; `version` hashes the document."""
    document: dict[str, Any] = {
        "name": "w",
        "address": "workflow.w",
        "isolation": "shared",
        "steps": [
            {
                "name": name,
                "type": "function",
                "function": {"address": "function.echo", "version": "abc"},
                "input": {"$expr": "input"},
            }
            for name in steps
        ],
        "edges": [
            {"source": a, "target": b, "kind": "sequential"} for a, b in itertools.pairwise(steps)
        ],
        "output": {"$expr": f"step.{steps[-1]}.output"},
    }
    attributes = {
        "name": "w",
        "isolation": "shared",
        "document": document,
        "version": hash_json(document),
    }
    return Resource(address="workflow.w", type="workflow", attributes=attributes)


def event(**changes: Any) -> Resource:
    attributes = {"name": "e", "type": "com.example.e", "schema": None, "source": None, **changes}
    return Resource(address="event.e", type="event", attributes=attributes)


def trigger(**changes: Any) -> Resource:
    attributes = {
        "name": "t",
        "kind": "schedule",
        "schedule": "0 2 * * *",
        "event_type": None,
        "source": None,
        "on_completion": None,
        "target": "workflow.w",
        "target_type": "workflow",
        "input": None,
        **changes,
    }
    return Resource(address="trigger.t", type="trigger", attributes=attributes)


def samples(source_dir: Path, packages: list[str], *, replacements: bool) -> list[Sample]:
    """One sample per type (dependencies first); with `replacements`, each type also gets a
    change of what netsim declares as forcing replacement (none for workflows)."""
    source_dir.mkdir(parents=True, exist_ok=True)
    (source_dir / "main.py").write_text(HANDLER)
    base = runtime(packages)
    other = runtime(packages, language="python3.12")
    return [
        Sample(
            base,
            runtime(packages, env={"LOG_FORMAT": "json"}),
            other if replacements else None,
        ),
        Sample(
            function(source_dir, base),
            function(source_dir, base, memory=256),
            function(source_dir, other) if replacements else None,
        ),
        Sample(workflow(["a"]), workflow(["a", "b"])),
        Sample(
            event(),
            event(schema={"type": "object"}),
            event(type="com.example.f") if replacements else None,
        ),
        Sample(
            trigger(),
            trigger(schedule="0 3 * * *"),
            trigger(kind="event", schedule=None, event_type="com.example.e")
            if replacements
            else None,
        ),
    ]
