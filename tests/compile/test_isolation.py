"""Reuse versus isolation: shared calls, dedicated copies, resource overrides, pinned versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fnplan.compile.compile import compile_config
from fnplan.compile.model import Desired
from fnplan.config.model import Config
from fnplan.errors import ConfigError
from fnplan.state.model import ResourceState, State
from tests.compile.builders import config, expr, function, ref, step, workflow


def _project(root: Path, isolation: str, **resize: Any) -> Config:
    steps = [
        step("fetch", function=ref("function.fetch")),
        step("resize", function=ref("function.resize"),
             input={"image": expr("step.fetch.output.path")}, **resize),
    ]  # fmt: skip
    return config(
        root,
        functions=[function(root, "fetch"), function(root, "resize")],
        workflows=[workflow("thumb", steps, isolation=isolation)],
    )


def _calls(desired: Desired, address: str = "workflow.thumb") -> dict[str, dict]:
    document = desired.resources[address].attributes["document"]
    return {s["name"]: s["function"] for s in document["steps"]}


def test_shared_workflow_calls_the_shared_functions_at_their_version(tmp_path: Path) -> None:
    desired = compile_config(_project(tmp_path, "shared"))
    calls = _calls(desired)
    resize = desired.resources["function.resize"]
    assert calls["resize"] == {
        "address": "function.resize",
        "version": resize.attributes["version"],
    }
    assert desired.resources["workflow.thumb"].depends_on == ["function.fetch", "function.resize"]
    assert not any(".function." in address for address in desired.resources)


def test_dedicated_workflow_gets_private_copies_with_overrides(tmp_path: Path) -> None:
    desired = compile_config(_project(tmp_path, "dedicated", resources={"memory": 1024}))
    copy = desired.resources["workflow.thumb.function.resize~resize"]
    assert copy.group == "workflow.thumb" and copy.attributes["memory"] == 1024
    plain_copy = desired.resources["workflow.thumb.function.fetch"]
    assert plain_copy.attributes["memory"] == 128
    shared = desired.resources["function.resize"]
    assert copy.attributes["version"] != shared.attributes["version"]
    calls = _calls(desired)
    assert calls["resize"] == {
        "address": "workflow.thumb.function.resize~resize",
        "version": copy.attributes["version"],
    }
    assert desired.resources["workflow.thumb"].depends_on == sorted(
        ["workflow.thumb.function.fetch", "workflow.thumb.function.resize~resize"]
    )


def test_dedicated_copy_without_override_matches_the_shared_version(tmp_path: Path) -> None:
    desired = compile_config(_project(tmp_path, "dedicated"))
    copy = desired.resources["workflow.thumb.function.resize"]
    assert copy.attributes["version"] == desired.resources["function.resize"].attributes["version"]


def test_one_copy_per_distinct_override(tmp_path: Path) -> None:
    steps = [
        step("a", function=ref("function.resize"), resources={"memory": 512}),
        step("b", function=ref("function.resize"), resources={"memory": 512}),
        step("c", function=ref("function.resize"), resources={"timeout": 5}),
        step("d", function=ref("function.resize")),
    ]
    cfg = config(tmp_path, functions=[function(tmp_path, "resize")],
                 workflows=[workflow("w", steps, isolation="dedicated")])  # fmt: skip
    calls = {
        name: call["address"] for name, call in _calls(compile_config(cfg), "workflow.w").items()
    }
    assert calls == {
        "a": "workflow.w.function.resize~a",
        "b": "workflow.w.function.resize~a",
        "c": "workflow.w.function.resize~c",
        "d": "workflow.w.function.resize",
    }


def test_switching_isolation_changes_only_copies_and_the_workflow(tmp_path: Path) -> None:
    shared = compile_config(_project(tmp_path, "shared")).resources
    dedicated = compile_config(_project(tmp_path, "dedicated")).resources
    assert set(dedicated) - set(shared) == {
        "workflow.thumb.function.fetch",
        "workflow.thumb.function.resize",
    }
    for address in ("function.fetch", "function.resize", "runtime.python"):
        assert shared[address] == dedicated[address]
    assert shared["workflow.thumb"] != dedicated["workflow.thumb"]


def test_shared_override_is_an_error_that_suggests_dedicated(tmp_path: Path) -> None:
    cfg = _project(tmp_path, "shared", resources={"memory": 1024})
    cfg.workflows["thumb"].steps["resize"].positions["resources"] = "main.hcl:31:5"
    with pytest.raises(ConfigError) as caught:
        compile_config(cfg)
    text = caught.value.render()
    assert "main.hcl:31:5" in text
    assert "shared functions cannot be overridden" in text
    assert 'isolation = "dedicated"' in text


def _state_with_versions(root: Path) -> State:
    versions = [{"number": 1, "hash": "a" * 64}, {"number": 2, "hash": "b" * 64}]
    recorded = ResourceState(
        address="function.resize", type="function", provider="local",
        outputs={"version": "b" * 64, "version_number": 2, "versions": versions},
    )  # fmt: skip
    return State(resources={"function.resize": recorded})


def test_pinned_version_comes_from_the_state_and_is_retained(tmp_path: Path) -> None:
    cfg = _project(tmp_path, "shared")
    cfg.workflows["thumb"].steps["resize"].function = ref("function.resize", version=2)
    desired = compile_config(cfg, _state_with_versions(tmp_path))
    assert _calls(desired)["resize"] == {"address": "function.resize", "version": "b" * 64}
    assert desired.resources["function.resize"].attributes["retain_versions"] == ["b" * 64]


def test_unknown_pinned_version_lists_the_known_ones(tmp_path: Path) -> None:
    cfg = _project(tmp_path, "shared")
    cfg.workflows["thumb"].steps["resize"].function = ref("function.resize", 7, "main.hcl:30:16")
    with pytest.raises(ConfigError) as caught:
        compile_config(cfg, _state_with_versions(tmp_path))
    text = caught.value.render()
    assert "versions[7]" in text and "main.hcl:30:16" in text
    assert "versions[1], versions[2]" in text
    with pytest.raises(ConfigError, match="versions\\[7\\]"):
        compile_config(cfg, None)
