"""What the Kubernetes provider declares about the resource types it deploys (protocol v2).

Each resource type's module adds its schema here as it lands (functions, runtimes,
workflows, events, triggers)."""

from __future__ import annotations

from fnplan.provider_schema import OutputKnown, ResourceSchema

_RUNTIME = ("name", "language", "image", "memory", "timeout", "env", "packages", "base")
_FUNCTION = (
    *("name", "runtime", "source", "source_hash", "handler", "memory", "timeout", "env"),
    *("input_schema", "output_schema", "scaling", "rollout"),
    *("keep_versions", "retain_versions", "version"),
)
_FUNCTION_OUTPUTS: dict[str, OutputKnown] = {
    "name": "create",
    "namespace": "create",
    "revision": "apply",
    "version": "apply",
    "version_number": "apply",
    "versions": "apply",
}

RESOURCE_SCHEMAS: dict[str, ResourceSchema] = {
    # runtimes and functions: functions.py, runtimes.py, knative.py
    "runtime": ResourceSchema(frozenset(_RUNTIME), {"image": "apply"}),
    "function": ResourceSchema(frozenset(_FUNCTION), _FUNCTION_OUTPUTS),
    # workflows: workflows.py, argo*.py
    "workflow": ResourceSchema(
        frozenset({"name", "isolation", "document", "version"}),
        {
            "template": "apply",
            "namespace": "create",
            "version": "apply",
            "version_number": "apply",
            "versions": "apply",
        },
    ),
    # events and triggers: triggers_kind.py, triggers.py, eventing.py
    "event": ResourceSchema(
        frozenset({"name", "type", "schema", "source"}),
        {"namespace": "create", "objects": "apply"},
    ),
    "trigger": ResourceSchema(
        frozenset(
            {"name", "kind", "schedule", "event_type", "source", "on_completion"}
            | {"target", "target_type", "input"}
        ),
        {"namespace": "create", "objects": "apply"},
    ),
}
