"""What the AWS provider declares about the resource types it deploys (protocol v2)."""

from __future__ import annotations

from fnplan.provider_schema import OutputKnown, ResourceSchema

_RUNTIME = ("name", "language", "image", "memory", "timeout", "env", "packages", "base")
_FUNCTION = (
    *("name", "runtime", "source", "source_hash", "handler", "memory", "timeout", "env"),
    *("input_schema", "output_schema", "scaling", "rollout"),
    *("keep_versions", "retain_versions", "version", "sensitive_env"),
)
_FUNCTION_OUTPUTS: dict[str, OutputKnown] = {
    "name": "create",
    "arn": "create",
    "role_arn": "create",
    "version": "apply",
    "version_number": "apply",
    "version_arn": "apply",
    "live_arn": "apply",
    #: per sensitive env entry: its secret's ARN and the sha256 of its value (secrets.py)
    "secrets": "apply",
    "versions": "apply",
    "code_sha256": "apply",
}

_WORKFLOW_OUTPUTS: dict[str, OutputKnown] = {
    "name": "create",
    "arn": "create",
    "role_arn": "create",
    "version": "apply",
    "version_number": "apply",
    "version_arn": "apply",
    "versions": "apply",
    "definition_sha256": "apply",
    #: the secrets its definition reads sensitive values from (definition_secrets.py)
    "secrets": "apply",
}

_EVENT_OUTPUTS: dict[str, OutputKnown] = {
    "bus": "create",
    "bus_arn": "create",
    "detail_type": "apply",
}
#: `objects` records what apply made (delete removes exactly that); `url`: an http trigger's
_TRIGGER_OUTPUTS: dict[str, OutputKnown] = {
    name: "apply" for name in ("kind", "arn", "url", "objects", "config_sha256")
}

RESOURCE_SCHEMAS: dict[str, ResourceSchema] = {
    "runtime": ResourceSchema(
        frozenset(_RUNTIME), {"lambda_runtime": "apply", "layer_arn": "apply"}
    ),
    # a function's name is its identity; everything else changes in place
    "function": ResourceSchema(frozenset(_FUNCTION), _FUNCTION_OUTPUTS),
    "workflow": ResourceSchema(
        frozenset({"name", "isolation", "document", "version"}), _WORKFLOW_OUTPUTS
    ),
    # an event is a detail-type on the default bus; a trigger the objects that fire it
    "event": ResourceSchema(
        frozenset({"name", "type", "schema", "source"}),
        _EVENT_OUTPUTS,
    ),
    "trigger": ResourceSchema(
        frozenset(
            {"name", "kind", "schedule", "event_type", "source", "on_completion", "target"}
            | {"target_type", "input", "sensitive_input"}
        ),
        _TRIGGER_OUTPUTS,
    ),
}
