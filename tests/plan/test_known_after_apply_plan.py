"""The planner with references between resources, replace paths and the plan hook, in process
(the in-memory provider): what is settled is filled, the rest is known after apply, versions
follow their content, and apply resolves every placeholder before the provider call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from fnplan.apply.walk import apply_plan
from fnplan.compile.identity import content_version
from fnplan.plan.model import Plan, ResourceChange
from fnplan.plan.planner import make_plan
from fnplan.provider_schema import PlannedChange, ResourceSchema
from fnplan.resources import Resource
from fnplan.state.model import ResourceState, State
from tests.plan.helpers import ListJournal, desired, res
from tests.plan.memory import MemoryProvider

A_ENDPOINT = {"$ref": "workflow.a", "attr": "endpoint"}
A_SERIAL = {"$ref": "workflow.a", "attr": "serial"}


def _function(env: dict[str, Any], **extra: Any) -> Resource:
    """function.b with `env`, its version the hash of its content (as compile makes it)."""
    attributes: dict[str, Any] = {"name": "b", "env": env, "runtime": {"image": "py:1"}, **extra}
    attributes["version"] = content_version("function", attributes)
    return res("function.b", ("workflow.a",), **attributes)


def _caller(function: Resource) -> Resource:
    """workflow.c calling function.b's version."""
    document: dict[str, Any] = {
        "name": "c",
        "steps": [{"name": "s", "function": {"address": "function.b", "version": None}}],
    }
    document["steps"][0]["function"]["version"] = function.attributes["version"]
    attributes: dict[str, Any] = {"name": "c", "document": document}
    attributes["version"] = content_version("workflow", attributes)
    return res("workflow.c", ("function.b",), **attributes)


def _deploy(provider: MemoryProvider, *resources: Resource) -> State:
    plan = make_plan(desired(*resources), State(), providers={"memory": provider})
    result = apply_plan(plan, State(), {"memory": provider}, ListJournal())
    assert result.ok, result.failed
    return result.state


def _by_address(plan: Plan) -> dict[str, ResourceChange]:
    return {change.address: change for change in plan.changes}


def test_create_leaves_the_value_unknown_and_apply_resolves_it() -> None:
    provider = MemoryProvider()
    a, b = res("workflow.a", name="a"), _function({"URL": A_ENDPOINT})
    c = _caller(b)
    plan = make_plan(desired(a, b, c), State(), providers={"memory": provider})
    planned = _by_address(plan)
    assert planned["function.b"].resource is not None
    assert planned["function.b"].resource.attributes["version"] == {"$version": "function.b"}
    assert planned["workflow.c"].resource is not None
    called = planned["workflow.c"].resource.attributes["document"]["steps"][0]["function"]
    assert called["version"] == {"$version": "function.b"}

    result = apply_plan(plan, State(), {"memory": provider}, ListJournal())
    assert result.ok, result.failed
    endpoint = result.state.resources["workflow.a"].outputs["endpoint"]
    (stored_b,) = provider.live("function.b")
    assert stored_b["env"] == {"URL": endpoint}
    assert stored_b["version"] == content_version("function", stored_b)
    (stored_c,) = provider.live("workflow.c")
    assert stored_c["document"]["steps"][0]["function"]["version"] == stored_b["version"]
    assert stored_c["version"] == content_version("workflow", stored_c)
    again = make_plan(desired(a, b, c), result.state, providers={"memory": provider})
    assert not again.has_changes()


def test_an_update_keeping_a_create_known_output_settles_the_reference() -> None:
    provider = MemoryProvider()
    a, b = res("workflow.a", name="a"), _function({"URL": A_ENDPOINT})
    state = _deploy(provider, a, b)
    changed_a = res("workflow.a", name="a", memory=512)
    plan = _by_address(make_plan(desired(changed_a, b), state, providers={"memory": provider}))
    assert plan["workflow.a"].action == "update"
    assert plan["function.b"].action == "noop"


def test_an_output_an_update_may_change_is_known_after_apply() -> None:
    provider = _Serial()
    a, b = res("workflow.a", name="a"), _function({"SERIAL": A_SERIAL})
    state = _deploy(provider, a, b)
    changed_a = res("workflow.a", name="a", memory=512)
    plan = _by_address(make_plan(desired(changed_a, b), state, providers={"memory": provider}))
    change = plan["function.b"]
    assert change.action == "update"
    unknown = {attr.path: attr for attr in change.changes if attr.known_after_apply}
    assert set(unknown) == {"env.SERIAL", "version"}


class _Serial(MemoryProvider):
    """Returns a serial that every update increments (an output declared "apply")."""

    def create(self, resource: Resource) -> dict[str, Any]:
        return {**super().create(resource), "serial": 1}

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return {**super().update(resource, prior), "serial": int(prior.outputs["serial"]) + 1}


class _Predicting(_Serial):
    """Predicts the serial an update of workflow.a gives; replaces a function whose
    `runtime.image` changes (a path inside the embedded runtime) or whose memory is 1."""

    resource_schemas: ClassVar[Mapping[str, ResourceSchema]] = {
        **MemoryProvider.resource_schemas,
        "function": ResourceSchema(
            attributes=frozenset(), outputs={"id": "create"}, replace_paths=("runtime.image",)
        ),
    }

    def plan_change(self, change: PlannedChange) -> PlannedChange:
        if change.address == "workflow.a" and change.prior is not None:
            change.predicted_outputs["serial"] = int(change.prior.outputs["serial"]) + 1
        attributes = change.resource.attributes if change.resource is not None else {}
        if change.address == "function.b" and attributes.get("memory") == 1:
            change.action = "replace"
        return change


def test_predicted_outputs_count_as_known() -> None:
    provider = _Predicting()
    a, b = res("workflow.a", name="a"), _function({"SERIAL": A_SERIAL})
    state = _deploy(provider, a, b)
    changed_a = res("workflow.a", name="a", memory=512)
    plan = make_plan(desired(changed_a, b), state, providers={"memory": provider})
    change = _by_address(plan)["function.b"]
    assert [(c.path, c.before, c.after) for c in change.changes if c.path == "env.SERIAL"] == [
        ("env.SERIAL", 1, 2)
    ]
    assert not any(c.known_after_apply for c in change.changes)
    result = apply_plan(plan, state, {"memory": provider}, ListJournal())
    assert result.ok, result.failed
    assert provider.live("function.b")[0]["env"] == {"SERIAL": 2}
    assert not make_plan(
        desired(changed_a, b), result.state, providers={"memory": provider}
    ).has_changes()


@pytest.mark.parametrize(
    ("change", "action"),
    [
        ({"env": {"URL": A_ENDPOINT, "X": "1"}}, "update"),
        ({"runtime": {"image": "py:2"}}, "replace"),
    ],
)
def test_replace_paths_tell_an_env_change_from_a_runtime_image_change(
    change: dict[str, Any], action: str
) -> None:
    provider = _Predicting()
    a, b = res("workflow.a", name="a"), _function({"URL": A_ENDPOINT})
    state = _deploy(provider, a, b)
    attributes = {**b.attributes, **change}
    changed = _function(attributes["env"], **{"runtime": attributes["runtime"]})
    planned = _by_address(make_plan(desired(a, changed), state, providers={"memory": provider}))
    assert planned["function.b"].action == action
    if action == "replace":
        assert "forces replacement: runtime.image" in planned["function.b"].reasons
        (forcing,) = [c for c in planned["function.b"].changes if c.forces_replacement]
        assert forcing.path == "runtime.image"


def test_the_plan_hook_may_replace_an_update_with_its_reason() -> None:
    provider = _Predicting()
    a, b = res("workflow.a", name="a"), _function({"URL": A_ENDPOINT})
    state = _deploy(provider, a, b)
    changed = _function({"URL": A_ENDPOINT}, memory=1)
    planned = _by_address(make_plan(desired(a, changed), state, providers={"memory": provider}))
    assert planned["function.b"].action == "replace"
    assert "provider memory replaces it" in planned["function.b"].reasons


def test_apply_fails_the_resource_when_the_output_never_came() -> None:
    provider = MemoryProvider()
    a, b = res("workflow.a", name="a"), _function({"MISSING": {"$ref": "workflow.a", "attr": "x"}})
    plan = make_plan(desired(a, b), State(), providers={"memory": provider})
    result = apply_plan(plan, State(), {"memory": provider}, ListJournal())
    (failure,) = result.failed
    assert failure[0] == "function.b" and "workflow.a.x is not known" in failure[1]
    assert provider.live("function.b") == []


def test_a_json_schema_ref_inside_an_attribute_is_not_a_reference() -> None:
    provider = MemoryProvider()
    schema = {"$defs": {"url": {"type": "string"}}, "properties": {"u": {"$ref": "#/$defs/url"}}}
    a, b = res("workflow.a", name="a"), _function({"URL": A_ENDPOINT}, input_schema=schema)
    state = _deploy(provider, a, b)
    assert provider.live("function.b")[0]["input_schema"] == schema
    assert not make_plan(desired(a, b), state, providers={"memory": provider}).has_changes()
