"""Knative manifests of function versions, validated by cloudcoil's Knative Serving models
(every field must survive a round trip, so unknown fields fail) and kubernetes-validate."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from cloudcoil.models.knative_serving.serving.v1 import Service
from fnplan.providers.kubernetes.knative import (
    CODE_DIR,
    Revision,
    code_config_map,
    rollout_splits,
    service_manifest,
    service_name,
    traffic,
)
from fnplan.providers.kubernetes.knative_code import CONFIG_MAP_LIMIT, code_files
from fnplan.providers.kubernetes.runtimes import build_context, runtime_image

from fnplan.errors import ProviderError
from fnplan.naming import DNS_1035_LABEL
from fnplan.versions import source_files, tree_hash

ADDRESS = "module.vision.function.resize_image_to_a_rather_long_name_indeed"
RUNTIME = {"address": "runtime.python", "language": "python3.12", "image": "reg/py:1"}
FILES = [("lib/util.py", b"X = 1\n"), ("main.py", b"def handler(e, c):\n    return e\n")]


def attributes(**overrides: Any) -> dict[str, Any]:
    base = {
        "name": "resize",
        "runtime": RUNTIME,
        "handler": "main.handler",
        "memory": 256,
        "timeout": 12.5,
        "env": {"LOG_LEVEL": "debug"},
        "scaling": {"min": 1, "max": 20, "concurrency": 10},
        "rollout": {"strategy": "canary", "steps": [10, 50], "interval": "1m"},
        "version": "0123456789abcdef" * 4,
    }
    return {**base, **overrides}


def manifest(**overrides: Any) -> dict[str, Any]:
    svc = service_name(ADDRESS)
    revisions = [Revision(1, "a" * 64), Revision(3, "b" * 64)]
    return service_manifest(
        ADDRESS,
        attributes(**overrides),
        service=svc,
        namespace="fns",
        number=3,
        revisions=revisions,
        split={1: 90, 3: 10},
        files=FILES,
        labels={"fnplan.io/address": "x"},
    )


def assert_knative_service(data: dict[str, Any]) -> None:
    model = Service.model_validate(copy.deepcopy(data))
    assert model.model_dump(by_alias=True, exclude_none=True, mode="json") == data


def test_service_validates_and_names_a_tagged_revision() -> None:
    data = manifest()
    assert_knative_service(data)
    svc = data["metadata"]["name"]
    assert DNS_1035_LABEL.is_valid(svc)
    template = data["spec"]["template"]
    assert template["metadata"]["name"] == f"{svc}-v3"
    assert DNS_1035_LABEL.is_valid(f"{svc}-v123456")
    assert data["spec"]["traffic"] == [
        {"revisionName": f"{svc}-v1", "tag": "v1", "percent": 90},
        {"revisionName": f"{svc}-v3", "tag": "v3", "percent": 10},
    ]
    labels = template["metadata"]["labels"]
    assert labels["fnplan.io/version"] == "0123456789abcdef"
    assert labels["fnplan.io/function"] and labels["fnplan.io/address"] == "x"


def test_scaling_resources_and_runtime_contract() -> None:
    template = manifest()["spec"]["template"]
    assert template["metadata"]["annotations"] == {
        "autoscaling.knative.dev/min-scale": "1",
        "autoscaling.knative.dev/max-scale": "20",
        "autoscaling.knative.dev/target": "10",
    }
    spec = template["spec"]
    assert spec["containerConcurrency"] == 10 and spec["timeoutSeconds"] == 13
    (container,) = spec["containers"]
    assert container["image"] == "reg/py:1"
    assert container["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
    assert container["resources"]["limits"] == {"memory": "256Mi"}
    env = {e["name"]: e.get("value") or e["valueFrom"]["secretKeyRef"] for e in container["env"]}
    assert env["FNPLAN_HANDLER"] == "main.handler" and env["FNPLAN_CODE_DIR"] == CODE_DIR
    assert env["FNPLAN_FUNCTION"] == ADDRESS
    # user env is read from the revision's Secret, never written in clear
    assert env["LOG_LEVEL"]["key"] == "LOG_LEVEL" and env["LOG_LEVEL"]["name"].endswith("-env")
    assert container["volumeMounts"] == [{"name": "code", "mountPath": CODE_DIR, "readOnly": True}]
    (volume,) = spec["volumes"]
    assert [i["path"] for i in volume["configMap"]["items"]] == ["lib/util.py", "main.py"]


def test_unscaled_function_has_no_max_or_target() -> None:
    template = manifest(scaling={"min": 0, "max": None, "concurrency": 0})["spec"]["template"]
    assert template["metadata"]["annotations"] == {"autoscaling.knative.dev/min-scale": "0"}
    assert_knative_service(manifest(scaling={"min": 0, "max": None, "concurrency": 0}))


def test_reserved_env_is_refused() -> None:
    with pytest.raises(ProviderError, match="PORT is set by Knative"):
        manifest(env={"PORT": "9000"})


def test_code_config_map_validates_and_matches_the_volume() -> None:
    files = [*FILES, ("logo.png", b"\x89PNG\xff\x00")]
    data = code_config_map("svc-abc", 3, "fns", files, {"fnplan.io/version": "0123"})
    kubernetes_validate.validate(data, "1.30", strict=True)
    assert data["metadata"]["name"] == "svc-abc-v3-code" and data["immutable"] is True
    assert sorted(data["data"]) == ["0000-lib_util.py", "0001-main.py"]
    assert list(data["binaryData"]) == ["0002-logo.png"]


def test_traffic_must_sum_to_100_over_live_revisions() -> None:
    live = [Revision(1, "a"), Revision(2, "b")]
    with pytest.raises(ProviderError, match="sum to 100"):
        traffic(live, "svc", {1: 50, 2: 40})
    with pytest.raises(ProviderError, match=r"not live"):
        traffic(live, "svc", {7: 100})


def test_rollout_shifts_traffic_in_steps() -> None:
    canary = {"strategy": "canary", "steps": [10, 50, 100], "interval": "1m"}
    assert rollout_splits(canary, 2, 3) == [{2: 90, 3: 10}, {2: 50, 3: 50}, {3: 100}]
    assert rollout_splits(canary, None, 1) == [{1: 100}]
    assert rollout_splits({"strategy": "all_at_once", "steps": [100]}, 1, 2) == [{2: 100}]


def test_code_files_are_the_planned_ones_and_fit_a_config_map(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("def handler(e, c): return e\n")
    digest = tree_hash(
        [
            (rel, hashlib.sha256(Path(p).read_bytes()).hexdigest())
            for rel, p in source_files(str(tmp_path))
        ]
    )
    assert code_files("function.f", str(tmp_path), digest) == [
        ("main.py", b"def handler(e, c): return e\n")
    ]
    (tmp_path / "main.py").write_text("changed\n")
    with pytest.raises(ProviderError, match="changed since the plan"):
        code_files("function.f", str(tmp_path), digest)
    (tmp_path / "big.bin").write_bytes(b"0" * (CONFIG_MAP_LIMIT + 1))
    hashes = [
        (rel, hashlib.sha256(Path(p).read_bytes()).hexdigest())
        for rel, p in source_files(str(tmp_path))
    ]
    with pytest.raises(ProviderError, match=r"over the .* a ConfigMap can carry"):
        code_files("function.f", str(tmp_path), tree_hash(hashes))


def test_runtime_without_image_says_how_to_get_one() -> None:
    with pytest.raises(ProviderError, match="needs an image") as caught:
        runtime_image("function.f", {"address": "runtime.img", "packages": ["pillow==11.0.0"]})
    assert "fnplan render" in (caught.value.hint or "")
    with pytest.raises(ProviderError, match="names no `image`"):
        runtime_image("function.f", {"address": "runtime.py", "language": "python3.12"})


def test_build_context_installs_packages_on_the_reference_runtime() -> None:
    runtime = {"language": "python3.11", "packages": ["pillow==11.0.0"], "env": {"A": "b c"}}
    files = build_context(runtime, "# server\n")
    lines = files["Dockerfile"].splitlines()
    assert lines[0] == "FROM python:3.11-slim"
    assert "RUN pip install --no-cache-dir pillow==11.0.0" in lines
    assert "ENV A='b c'" in lines and lines[-1] == 'CMD ["python", "/fnplan/server.py"]'
    assert files["server.py"] == "# server\n"
    with pytest.raises(ProviderError, match=r"python3\.X only"):
        build_context({"language": "nodejs20.x"}, "")


def test_dedicated_copies_live_in_their_workflows_namespace() -> None:
    from fnplan.providers.kubernetes.functions import namespace_of, workflow_of

    assert namespace_of("function.resize", "apps") == "apps"
    dedicated = namespace_of("workflow.thumbnail.function.resize", "apps")
    assert dedicated != "apps" and DNS_1035_LABEL.is_valid(dedicated)
    assert dedicated == namespace_of("workflow.thumbnail.function.resize~big", "apps")
    assert workflow_of("workflow.w.module.m.function.f") == "workflow.w"
    assert workflow_of("module.m.function.f") is None
