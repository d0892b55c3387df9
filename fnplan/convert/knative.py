"""Knative manifests: Services as functions (image → runtime, env, memory, scaling,
timeout), PingSources as schedule triggers and Eventing Triggers as event triggers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fnplan.convert.hcl_writer import Block, expr
from fnplan.convert.project import Conversion

_QUANTITY = re.compile(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?")
_MB = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "K": 1 / 1000, "M": 1, "G": 1000, None: 1 / 2**20}
_SCALE = {
    "min": ("autoscaling.knative.dev/min-scale", "autoscaling.knative.dev/minScale"),
    "max": ("autoscaling.knative.dev/max-scale", "autoscaling.knative.dev/maxScale"),
}
_CONTAINER_KEYS_USED = frozenset({"image", "env", "resources", "name"})


def detect(document: Any) -> bool:
    """A Knative Serving Service (the manifest may hold Eventing objects beside it)."""
    return (
        isinstance(document, dict)
        and str(document.get("apiVersion", "")).startswith("serving.knative.dev/")
        and document.get("kind") == "Service"
    )


def convert(documents: list[Any], path: Path, conversion: Conversion) -> None:
    """Add a function per Service, then the triggers that send to them."""
    functions: dict[str, str] = {}
    for index, document in enumerate(documents):
        if detect(document):
            with conversion.element(f"{path.name}: document {index + 1}"):
                name = _service(document, path, conversion)
                if name:
                    functions[str(document["metadata"]["name"])] = name
    for document in documents:
        if detect(document):
            continue
        kind = document.get("kind") if isinstance(document, dict) else None
        metadata = document.get("metadata") if isinstance(document, dict) else None
        name = metadata.get("name") if isinstance(metadata, dict) else None
        where = f"{path.name}: {kind} {name}"
        with conversion.element(where):
            if kind == "PingSource":
                _ping(document, functions, where, conversion)
            elif kind == "Trigger":
                _trigger(document, functions, where, conversion)
            else:
                conversion.skip(where, "not a Service, PingSource or Trigger")


def _service(document: dict[str, Any], path: Path, conversion: Conversion) -> str | None:
    metadata = document.get("metadata") or {}
    where = f"{path.name}: Service {metadata.get('name')}"
    template = (document.get("spec") or {}).get("template") or {}
    spec = template.get("spec") or {}
    containers = spec.get("containers") or []
    if not containers:
        conversion.skip(where, "the Service has no container")
        return None
    for extra in containers[1:]:
        conversion.skip(f"{where}: container {extra.get('name')}", "sidecars are not converted")
    container = containers[0]
    image = str(container.get("image", ""))
    language = "python3.12" if "python" in image else "container"
    attributes: dict[str, Any] = {
        "runtime": expr(conversion.runtime(language, image)),
        "source": conversion.path(path.parent),
        "handler": "main.handler",
    }
    resources = container.get("resources") or {}
    memory = _memory((resources.get("limits") or {}).get("memory"))
    for kind, values in resources.items():
        for key in sorted(set(values or {}) - ({"memory"} if kind == "limits" else set())):
            conversion.skip(f"{where}: resources.{kind}.{key}", "only the memory limit converts")
    if memory:
        attributes["memory"] = memory
    if spec.get("timeoutSeconds"):
        attributes["timeout"] = spec["timeoutSeconds"]
    env = _env(container.get("env") or [], where, conversion)
    if env:
        attributes["env"] = env
    scaling = _scaling(template, spec)
    function = conversion.function(
        str(metadata.get("name")),
        attributes,
        f"from {where} (source: the directory beside the manifest; handler: main.handler)",
    )
    if scaling:
        conversion.functions[-1].blocks.append(Block("scaling", attributes=scaling))
    for key in sorted(set(container) - _CONTAINER_KEYS_USED):
        conversion.skip(
            f"{where}: container {key}", "the provider decides how a function is served"
        )
    if (document.get("spec") or {}).get("traffic"):
        conversion.skip(f"{where}: traffic", "use the function's rollout block for traffic splits")
    return function


def _memory(quantity: Any) -> int | None:
    match = _QUANTITY.fullmatch(str(quantity)) if quantity is not None else None
    return max(1, round(float(match.group(1)) * _MB[match.group(2)])) if match else None


def _env(variables: list[dict[str, Any]], where: str, conversion: Conversion) -> dict[str, str]:
    env: dict[str, str] = {}
    for variable in variables:
        if "value" in variable:
            env[str(variable["name"])] = str(variable["value"])
        else:
            conversion.skip(
                f"{where}: env {variable.get('name')}",
                "a value from a Secret or ConfigMap: declare a sensitive variable for it",
            )
    return env


def _scaling(template: dict[str, Any], spec: dict[str, Any]) -> dict[str, int]:
    annotations = (template.get("metadata") or {}).get("annotations") or {}
    scaling: dict[str, int] = {}
    for key, names in _SCALE.items():
        value = next((annotations[n] for n in names if n in annotations), None)
        if value is not None:
            scaling[key] = int(value)
    if spec.get("containerConcurrency"):
        scaling["concurrency"] = int(spec["containerConcurrency"])
    return scaling


def _sink(document: dict[str, Any], functions: dict[str, str]) -> str | None:
    ref = (
        (
            (document.get("spec") or {}).get("sink")
            or (document.get("spec") or {}).get("subscriber")
            or {}
        ).get("ref")
    ) or {}
    return functions.get(str(ref.get("name"))) if ref.get("kind") == "Service" else None


def _ping(
    document: dict[str, Any], functions: dict[str, str], where: str, conversion: Conversion
) -> None:
    target = _sink(document, functions)
    spec = document.get("spec") or {}
    if target is None or not spec.get("schedule"):
        conversion.skip(where, "its sink is not a Service of this input, or it has no schedule")
        return
    attributes: dict[str, Any] = {"schedule": spec["schedule"]}
    if "data" in spec:
        attributes["input"] = _json_or_text(spec["data"])
    name = str(document["metadata"]["name"])
    conversion.trigger(name, f"function.{target}", attributes, f"from {where}")


def _json_or_text(data: Any) -> Any:
    """A PingSource's data: the JSON it holds, else the text."""
    try:
        return json.loads(data)
    except (TypeError, ValueError):
        return data


def _trigger(
    document: dict[str, Any], functions: dict[str, str], where: str, conversion: Conversion
) -> None:
    target = _sink(document, functions)
    attributes = (((document.get("spec") or {}).get("filter")) or {}).get("attributes") or {}
    if target is None or "type" not in attributes:
        conversion.skip(where, "its subscriber is not a Service of this input, or no type filter")
        return
    event = conversion.event(str(attributes["type"]), attributes.get("source"))
    name = str(document["metadata"]["name"])
    conversion.trigger(
        name, f"function.{target}", {"event": expr(f"event.{event}")}, f"from {where}"
    )
