"""Several targets: one copy of a workflow, its functions and runtimes per target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fnplan.compile.compile import compile_config
from fnplan.compile.model import Desired
from fnplan.config.model import Config, Output, ProviderConfig, Trigger, TriggerSource
from fnplan.errors import ConfigError
from fnplan.state.model import ResourceState, State
from tests.compile.builders import config, function, ref, step, workflow

ALIASES = [ProviderConfig(name="local", alias="a"), ProviderConfig(name="local", alias="b")]
BOTH = ["provider.local.a", "provider.local.b"]


def _project(root: Path, targets: list[str], isolation: str = "shared", **more: Any) -> Config:
    flow = workflow(
        "checkout",
        [step("go", function=ref("function.resize"))],
        isolation=isolation,
        targets=[ref(t, pos=f"main.hcl:3:{14 + 20 * i}") for i, t in enumerate(targets)],
    )
    fields: dict[str, Any] = {"providers": ALIASES, **more}
    fields["workflows"] = [flow, *fields.get("workflows", [])]
    fields["functions"] = [function(root, "resize"), *fields.get("functions", [])]
    return config(root, **fields)


def _calls(desired: Desired, address: str) -> dict[str, Any]:
    steps = desired.resources[address].attributes["document"]["steps"]
    return {s["name"]: s["function"] or s["workflow"] for s in steps}


def test_each_target_gets_its_own_copy_of_everything_the_workflow_uses(tmp_path: Path) -> None:
    desired = compile_config(_project(tmp_path, BOTH))
    resources = desired.resources
    assert set(resources) == {
        "workflow.checkout[local.a]",
        "workflow.checkout[local.b]",
        "function.resize[local.a]",
        "function.resize[local.b]",
        "runtime.python",  # a runtime keeps its plain address on its first provider
        "runtime.python[local.b]",
    }
    for target, runtime_address in (("local.a", "runtime.python"), ("local.b", None)):
        flow = resources[f"workflow.checkout[{target}]"]
        function = resources[f"function.resize[{target}]"]
        runtime = resources[runtime_address or f"runtime.python[{target}]"]
        assert {flow.provider, function.provider, runtime.provider} == {target}
        version = function.attributes["version"]
        call = {"address": f"function.resize[{target}]", "version": version}
        assert _calls(desired, flow.address) == {"go": call}
        assert flow.attributes["document"]["address"] == flow.address
        assert flow.attributes["document"]["name"] == "checkout"
        assert flow.depends_on == [function.address]
        assert function.attributes["runtime"]["address"] == runtime.address
        assert function.depends_on == [runtime.address]
        assert flow.group == flow.address
    a, b = (resources[f"function.resize[local.{t}]"].attributes for t in "ab")
    assert a["source_hash"] == b["source_hash"]


def test_a_runtime_stays_put_when_a_workflow_gains_a_target_elsewhere(tmp_path: Path) -> None:
    """The other functions on it keep their versions (the runtime's address is part of
    them): only the workflow that gained a target and what it calls get copies."""
    more: dict[str, Any] = {
        "functions": [function(tmp_path, "audit")],
        "workflows": [workflow("audit", [step("go", function=ref("function.audit"))])],
    }
    before = compile_config(_project(tmp_path, [], **more)).resources
    after = compile_config(_project(tmp_path, ["provider.local", "provider.local.b"], **more))
    for unchanged in ("runtime.python", "function.audit", "workflow.audit"):
        assert after.resources[unchanged] == before[unchanged]
    assert after.resources["runtime.python[local.b]"].provider == "local.b"
    assert set(after.resources) - set(before) == {
        "runtime.python[local.b]",
        "function.resize[local]",
        "function.resize[local.b]",
        "workflow.checkout[local]",
        "workflow.checkout[local.b]",
    }


def test_one_target_keeps_todays_addresses(tmp_path: Path) -> None:
    """No state churn: a workflow with one target (or none) is addressed as before."""
    for targets in ([], ["provider.local"], ["provider.local.b"]):
        resources = compile_config(_project(tmp_path, targets)).resources
        assert set(resources) == {"workflow.checkout", "function.resize", "runtime.python"}
        assert resources["workflow.checkout"].provider == (targets[0][9:] if targets else "local")
        call = _calls(compile_config(_project(tmp_path, targets)), "workflow.checkout")["go"]
        assert call["address"] == "function.resize"
        assert resources["function.resize"].attributes["runtime"]["address"] == "runtime.python"


def test_dedicated_copies_are_named_under_each_target(tmp_path: Path) -> None:
    desired = compile_config(_project(tmp_path, BOTH, isolation="dedicated"))
    for target in ("local.a", "local.b"):
        copy = desired.resources[f"workflow.checkout[{target}].function.resize"]
        assert copy.provider == target
        assert copy.group == f"workflow.checkout[{target}]"
        assert copy.attributes["runtime"]["address"] == f"runtime.python[{target}]"
        flow = f"workflow.checkout[{target}]"
        assert _calls(desired, flow)["go"]["address"] == copy.address
    # no workflow calls the shared function: it stays on the default provider, as today
    assert desired.resources["function.resize"].provider == "local"


def test_a_function_shared_by_workflows_on_different_targets(tmp_path: Path) -> None:
    other = workflow(
        "refund", [step("go", function=ref("function.resize"))], targets=[ref("provider.local.b")]
    )
    desired = compile_config(_project(tmp_path, ["provider.local.a"], workflows=[other]))
    resources = desired.resources
    assert resources["workflow.checkout"].provider == "local.a"
    assert resources["workflow.refund"].provider == "local.b"
    assert _calls(desired, "workflow.checkout")["go"]["address"] == "function.resize[local.a]"
    assert _calls(desired, "workflow.refund")["go"]["address"] == "function.resize[local.b]"
    assert "function.resize" not in resources


def test_a_called_workflow_follows_its_callers_targets(tmp_path: Path) -> None:
    child = workflow("child", [step("go", function=ref("function.resize"))])
    parent_step = step("sub", workflow=ref("workflow.child"))
    parent = workflow("parent", [parent_step], targets=[ref(t) for t in BOTH])
    desired = compile_config(_project(tmp_path, [], workflows=[child, parent]))
    resources = desired.resources
    for target in ("local.a", "local.b"):
        child_copy = resources[f"workflow.child[{target}]"]
        assert child_copy.provider == target
        call = _calls(desired, f"workflow.parent[{target}]")["sub"]
        assert call == {"address": child_copy.address, "version": child_copy.attributes["version"]}
        assert _calls(desired, child_copy.address)["go"]["address"] == f"function.resize[{target}]"
    assert "workflow.child" not in resources
    # checkout (no targets) still calls the function on the default provider
    assert _calls(desired, "workflow.checkout")["go"]["address"] == "function.resize[local]"


def _state(address: str, numbers: dict[int, str]) -> ResourceState:
    versions = [{"number": n, "hash": h} for n, h in numbers.items()]
    return ResourceState(
        address=address, type="function", provider=address[16:-1], outputs={"versions": versions}
    )


def test_pinned_versions_are_per_target(tmp_path: Path) -> None:
    cfg = _project(tmp_path, BOTH)
    cfg.workflows["checkout"].steps["go"].function = ref("function.resize", 1, "main.hcl:9:5")
    a, b = "function.resize[local.a]", "function.resize[local.b]"
    state = State(resources={a: _state(a, {1: "a" * 64}), b: _state(b, {1: "b" * 64})})
    desired = compile_config(cfg, state)
    assert _calls(desired, "workflow.checkout[local.a]")["go"]["version"] == "a" * 64
    assert _calls(desired, "workflow.checkout[local.b]")["go"]["version"] == "b" * 64
    assert desired.resources[b].attributes["retain_versions"] == ["b" * 64]
    with pytest.raises(ConfigError) as caught:
        compile_config(cfg, State(resources={a: _state(a, {1: "a" * 64})}))
    text = caught.value.render()
    assert "function.resize[local.b].versions[1]" in text and "main.hcl:9:5" in text


def test_triggers_follow_their_target_to_every_provider(tmp_path: Path) -> None:
    nightly = Trigger(name="nightly", schedule="0 2 * * *", target=ref("workflow.checkout"))
    desired = compile_config(_project(tmp_path, BOTH, triggers=[nightly]))
    for target in ("local.a", "local.b"):
        trigger = desired.resources[f"trigger.nightly[{target}]"]
        assert trigger.provider == target
        assert trigger.attributes["target"] == f"workflow.checkout[{target}]"
        assert trigger.depends_on == [f"workflow.checkout[{target}]"]


def test_an_http_trigger_cannot_serve_several_targets(tmp_path: Path) -> None:
    hook = Trigger(
        name="hook",
        source=TriggerSource(kind="http", config={}, pos="main.hcl:20:3"),
        target=ref("workflow.checkout"),
        pos="main.hcl:19:1",
    )
    with pytest.raises(ConfigError) as caught:
        compile_config(_project(tmp_path, BOTH, triggers=[hook]))
    text = caught.value.render()
    assert "main.hcl:20:3" in text and "several targets" in text


def test_a_target_listed_twice_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        compile_config(_project(tmp_path, ["provider.local.a", "provider.local.a"]))
    assert "main.hcl:3:34" in caught.value.render()
    assert "twice" in caught.value.render()


def _ref(address: str, attr: str) -> dict[str, str]:
    return {"$ref": address, "attr": attr}


def test_outputs_name_one_copy(tmp_path: Path) -> None:
    outputs = [
        Output(name="b", value=_ref("workflow.checkout[local.b]", "endpoint")),
        Output(name="venv", value={"a": [_ref("runtime.python[local.a]", "python")]}),
    ]
    desired = compile_config(_project(tmp_path, BOTH, outputs=outputs))
    assert desired.outputs["b"].value == _ref("workflow.checkout[local.b]", "endpoint")
    # the runtime's copy on local.a is the plain runtime.python
    assert desired.outputs["venv"].value == {"a": [_ref("runtime.python", "python")]}
    for value, message in (
        (_ref("workflow.checkout", "endpoint"), "workflow.checkout is deployed to 2 targets"),
        (
            _ref("workflow.checkout[local]", "endpoint"),
            "workflow.checkout is not deployed to local",
        ),
    ):
        wrong = [Output(name="x", value=value, pos="main.hcl:40:3")]
        with pytest.raises(ConfigError) as caught:
            compile_config(_project(tmp_path, BOTH, outputs=wrong))
        text = caught.value.render()
        assert message in text and "main.hcl:40:3" in text
        assert "workflow.checkout[provider.local.a].endpoint" in text


def test_a_copy_address_must_fit_in_a_file_name(tmp_path: Path) -> None:
    """Block addresses are at most 200 characters; so are their copies' (with the suffix)."""
    cfg = _project(tmp_path, BOTH)
    cfg.workflows = {"w" * 50: cfg.workflows.pop("checkout")}
    cfg.workflows["w" * 50].pos = "main.hcl:1:1"
    cfg.path = ("a" * 60, "b" * 60)  # module.aaa...module.bbb...workflow.www: 195 characters
    with pytest.raises(ConfigError) as caught:
        compile_config(cfg)
    text = caught.value.render()
    assert "main.hcl:1:1" in text and "[local.a] is 204 characters long" in text
