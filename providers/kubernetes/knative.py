"""function version → Knative `serving.knative.dev/v1` manifests, as pure functions.

Each fnplan version is a named revision `<service>-v<N>` reached by the traffic tag `v<N>`,
so every live version stays addressable while traffic percents (summing to 100) move between
them in rollout steps. Code is delivered apart from the runtime image, in an immutable
ConfigMap per revision mounted at CODE_DIR (the runtime image contract,
docs/providers/kubernetes.md), so one runtime image serves many functions.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fnplan.errors import ProviderError
from fnplan.naming import NameRule, physical_name

from .ownership import FUNCTION_LABEL, VERSION_LABEL
from .runtimes import runtime_image

SERVING = "serving.knative.dev/v1"
#: where a revision's code appears in the container (the runtime image contract)
CODE_DIR = "/fnplan/code"
#: the HTTP port a runtime image listens on (Knative also passes it as $PORT)
PORT = 8080
#: Knative service names leave room for "-v<N>" revision names and "<tag>-<svc>" hosts
KNATIVE_SERVICE = NameRule(48, "a-z0-9-", lowercase=True, start_letter=True)


@dataclass(frozen=True, slots=True)
class Revision:
    """One live fnplan version of a function: its revision number and version hash."""

    number: int
    version: str


def service_name(address: str, prefix: str = "") -> str:
    """The Knative Service of a function address (DNS-1035, hash-suffixed, see naming)."""
    return physical_name(address, KNATIVE_SERVICE, prefix=prefix)


def revision_name(service: str, number: int) -> str:
    """Knative requires revision names prefixed by their Service's name."""
    return f"{service}-v{number}"


def revision_number(name: str, service: str) -> int | None:
    """N of a revision named `<service>-v<N>` (None for another name)."""
    suffix = name.removeprefix(f"{service}-v")
    return int(suffix) if suffix != name and suffix.isdigit() else None


def tag(number: int) -> str:
    return f"v{number}"


def code_config_map_name(service: str, number: int) -> str:
    return f"{revision_name(service, number)}-code"


def env_secret_name(service: str, number: int) -> str:
    """The Secret holding a revision's environment values (see env_secret)."""
    return f"{revision_name(service, number)}-env"


def env_secret(
    service: str, number: int, namespace: str, env: Mapping[str, Any], labels: Mapping[str, str]
) -> dict[str, Any]:
    """The immutable Secret of one revision's user environment: the provider cannot tell
    which values are sensitive, so none is written in clear into the Service; the
    container reads each through `secretKeyRef`."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": env_secret_name(service, number),
            "namespace": namespace,
            "labels": dict(labels),
        },
        "immutable": True,
        "type": "Opaque",
        "data": {str(k): base64.b64encode(str(v).encode()).decode("ascii") for k, v in env.items()},
    }


def secret_values(secret: Mapping[str, Any] | None) -> dict[str, str]:
    """The decoded values of a Secret read back (none when it is gone)."""
    data = (secret or {}).get("data") or {}
    return {k: base64.b64decode(v).decode("utf-8", errors="replace") for k, v in data.items()}


def function_labels(
    address: str, version: str, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The labels of a function's objects: the caller's (ownership) plus function and version
    (the first 16 hex characters, as fnplan shows versions; label values stop at 63)."""
    labels = dict(base or {})
    labels[FUNCTION_LABEL] = physical_name(address, KNATIVE_SERVICE)
    labels[VERSION_LABEL] = version[:16]
    return labels


def traffic(revisions: Sequence[Revision], service: str, split: Mapping[int, int]) -> list[Any]:
    """Traffic entries: every live revision tagged `v<N>`, `split` (revision number →
    percent) carrying the traffic; ProviderError unless the percents sum to 100."""
    if sum(split.values()) != 100 or any(p < 0 for p in split.values()):
        raise ProviderError(f"{service}: traffic percents {dict(split)} must sum to 100")
    live = {r.number for r in revisions}
    unknown = sorted(set(split) - live)
    if unknown:
        raise ProviderError(f"{service}: traffic names revisions {unknown} that are not live")
    return [
        {
            "revisionName": revision_name(service, r.number),
            "tag": tag(r.number),
            "percent": split.get(r.number, 0),
        }
        for r in sorted(revisions, key=lambda r: r.number)
    ]


def rollout_splits(rollout: Mapping[str, Any], old: int | None, new: int) -> list[dict[int, int]]:
    """The traffic splits a rollout from revision `old` to `new` walks through, ending with
    all of it on `new` (a first version takes it all at once)."""
    if old is None or old == new or rollout.get("strategy") == "all_at_once":
        return [{new: 100}]
    steps = sorted({int(s) for s in rollout.get("steps") or [] if 0 < int(s) < 100})
    return [{old: 100 - s, new: s} for s in steps] + [{new: 100}]


def code_config_map(
    service: str,
    number: int,
    namespace: str,
    files: Sequence[tuple[str, bytes]],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The immutable ConfigMap of one revision's code; keys are flat (ConfigMap keys hold
    no '/'), `items` in the revision's volume put each file back at its relative path."""
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    for key, (_relative, content) in zip(code_keys(files), files, strict=True):
        try:
            data[key] = content.decode("utf-8")
        except UnicodeDecodeError:
            binary[key] = base64.b64encode(content).decode("ascii")
    manifest: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": code_config_map_name(service, number),
            "namespace": namespace,
            "labels": dict(labels),
        },
        "immutable": True,
        "data": data,
    }
    if binary:
        manifest["binaryData"] = binary
    return manifest


def code_keys(files: Sequence[tuple[str, bytes]]) -> list[str]:
    """A ConfigMap key per file: its position plus its path's allowed characters."""
    keys = []
    for index, (relative, _content) in enumerate(files):
        flat = "".join(c if c.isalnum() or c in "-._" else "_" for c in relative)
        keys.append(f"{index:04d}-{flat}"[:253])
    return keys


def service_manifest(
    address: str,
    attributes: Mapping[str, Any],
    *,
    service: str,
    namespace: str,
    number: int,
    revisions: Sequence[Revision],
    split: Mapping[int, int],
    files: Sequence[tuple[str, bytes]],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The Service whose template is revision `number` of the function (`attributes`, as
    compiled), its code the ConfigMap of `files`, its traffic `split` over `revisions`."""
    version = str(attributes["version"])
    scaling = attributes.get("scaling") or {}
    annotations = {"autoscaling.knative.dev/min-scale": str(int(scaling.get("min") or 0))}
    if scaling.get("max"):
        annotations["autoscaling.knative.dev/max-scale"] = str(int(scaling["max"]))
    concurrency = int(scaling.get("concurrency") or 0)
    if concurrency:
        annotations["autoscaling.knative.dev/target"] = str(concurrency)
    container = {
        "name": "function",
        "image": runtime_image(address, attributes["runtime"]),
        "ports": [{"containerPort": PORT, "protocol": "TCP"}],
        "env": _env(address, attributes, env_secret_name(service, number)),
        "resources": {
            "requests": {"memory": f"{int(attributes['memory'])}Mi"},
            "limits": {"memory": f"{int(attributes['memory'])}Mi"},
        },
        "volumeMounts": [{"name": "code", "mountPath": CODE_DIR, "readOnly": True}],
    }
    items = [
        {"key": key, "path": relative}
        for key, (relative, _) in zip(code_keys(files), files, strict=True)
    ]
    return {
        "apiVersion": SERVING,
        "kind": "Service",
        "metadata": {"name": service, "namespace": namespace, "labels": dict(labels)},
        "spec": {
            "template": {
                "metadata": {
                    "name": revision_name(service, number),
                    "labels": function_labels(address, version, labels),
                    "annotations": annotations,
                },
                "spec": {
                    "containerConcurrency": concurrency,
                    "timeoutSeconds": max(1, math.ceil(float(attributes["timeout"]))),
                    "containers": [container],
                    "volumes": [
                        {
                            "name": "code",
                            "configMap": {
                                "name": code_config_map_name(service, number),
                                "items": items,
                            },
                        }
                    ],
                },
            },
            "traffic": traffic([*revisions], service, split),
        },
    }


#: what a Secret's keys may hold
_SECRET_KEY = re.compile(r"[-._a-zA-Z0-9]+")


def _env(address: str, attributes: Mapping[str, Any], secret: str) -> list[dict[str, Any]]:
    """The user's environment (from the revision's `secret`, see env_secret) plus what the
    runtime contract passes to every runtime."""
    contract = {
        "FNPLAN_CODE_DIR": CODE_DIR,
        "FNPLAN_HANDLER": str(attributes.get("handler") or "main.handler"),
        "FNPLAN_FUNCTION": address,
        "FNPLAN_VERSION": str(attributes["version"]),
    }
    user = {str(k): str(v) for k, v in (attributes.get("env") or {}).items()}
    reserved = sorted(set(user) & ({"PORT", "K_SERVICE", "K_REVISION"} | set(contract)))
    unkeyable = sorted(k for k in user if not _SECRET_KEY.fullmatch(k))
    if unkeyable:
        raise ProviderError(
            f"{address}: env {', '.join(unkeyable)} cannot be a Secret key (the kubernetes "
            "provider keeps env values in a Secret)",
            hint="use letters, digits, '-', '_' and '.'",
        )
    if reserved:
        raise ProviderError(
            f"{address}: env {', '.join(reserved)} is set by Knative or fnplan's runtime "
            "contract; choose other names"
        )
    from_secret = [
        {"name": k, "valueFrom": {"secretKeyRef": {"name": secret, "key": k}}} for k in user
    ]
    clear = [{"name": k, "value": v} for k, v in contract.items()]
    return sorted([*from_secret, *clear], key=lambda entry: str(entry["name"]))
