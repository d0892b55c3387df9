"""netsim's plan hook predicts the version a change publishes; its validation hook applies
the platform's limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fnplan.providers.netsim import NetsimProvider

from fnplan.provider import ProviderContext
from fnplan.provider_schema import PlannedChange
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

ARN = "arn:netsim:sim-1:workflow/wf-1"


def workflow(version: str) -> Resource:
    return Resource(
        address="workflow.w",
        type="workflow",
        attributes={"name": "w", "isolation": "shared", "document": {}, "version": version},
    )


def prior(versions: list[tuple[int, str]]) -> ResourceState:
    return ResourceState(
        address="workflow.w",
        type="workflow",
        provider="netsim",
        outputs={"arn": ARN, "versions": [{"number": n, "hash": h} for n, h in versions]},
    )


def predicted(
    tmp_path: Path, action: str, version: str, before: ResourceState | None
) -> dict[str, Any]:
    netsim = NetsimProvider(ProviderContext(project_dir=tmp_path, data_dir=tmp_path))
    change = PlannedChange("workflow.w", "workflow", action, before, workflow(version))
    return netsim.plan_change(change).predicted_outputs


def test_an_update_publishing_a_new_hash_gets_the_next_number(tmp_path: Path) -> None:
    before = prior([(2, "b"), (3, "c")])
    assert predicted(tmp_path, "update", "d", before) == {
        "version": "d",
        "version_number": 4,
        "version_arn": f"{ARN}:4",
    }


def test_an_update_back_to_a_kept_hash_gets_its_number_back(tmp_path: Path) -> None:
    assert predicted(tmp_path, "update", "b", prior([(2, "b"), (3, "c")]))["version_number"] == 2


def test_a_new_object_starts_at_version_1_with_its_arn_unknown(tmp_path: Path) -> None:
    assert predicted(tmp_path, "create", "a", None) == {"version": "a", "version_number": 1}
    assert predicted(tmp_path, "replace", "a", prior([(5, "x")]))["version_number"] == 1


def test_other_types_and_deletes_are_left_alone(tmp_path: Path) -> None:
    assert predicted(tmp_path, "delete", "a", prior([(1, "a")])) == {}
    netsim = NetsimProvider(ProviderContext(project_dir=tmp_path, data_dir=tmp_path))
    event = PlannedChange("event.e", "event", "create", None, None)
    assert netsim.plan_change(event).predicted_outputs == {}


def test_function_limits(tmp_path: Path) -> None:
    netsim = NetsimProvider(ProviderContext(project_dir=tmp_path, data_dir=tmp_path))
    fits = Resource(address="function.f", type="function", attributes={"memory": 128})
    assert netsim.validate_resource(fits) == []
    too_much = Resource(
        address="function.f", type="function", attributes={"memory": 64, "timeout": 901}
    )
    assert [(d.path, d.severity) for d in netsim.validate_resource(too_much)] == [
        ("memory", "error"),
        ("timeout", "error"),
    ]


def test_a_version_known_only_after_apply_is_not_guessed(tmp_path: Path) -> None:
    netsim = NetsimProvider(ProviderContext(project_dir=tmp_path, data_dir=tmp_path))
    unknown = workflow("x").model_copy(
        update={"attributes": {"version": {"$ref": "function.f", "attr": "arn"}}}
    )
    change = PlannedChange("workflow.w", "workflow", "update", prior([(1, "a")]), unknown)
    assert netsim.plan_change(change).predicted_outputs == {}
