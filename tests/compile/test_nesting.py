"""Nested workflows: call keeps a child execution, inline flattens; nesting cycles are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.compile.compile import compile_config
from fnplan.compile.model import Desired
from fnplan.config.model import Config, Module
from fnplan.errors import ConfigError
from tests.compile.builders import config, expr, function, ref, step, workflow


def _vision(root: Path) -> Config:
    """A child module with workflow classify: detect -> tag."""
    directory = root / "modules" / "vision"
    directory.mkdir(parents=True)
    steps = [
        step("detect", function=ref("function.detect"), input={"image": expr("input.image")},
             retry={"max_attempts": 3}),
        step("tag", function=ref("function.tag"),
             input={"labels": expr("step.detect.output.labels"), "size": expr("input.meta.size")}),
    ]  # fmt: skip
    return config(
        directory,
        path=("vision",),
        functions=[function(directory, "detect"), function(directory, "tag")],
        workflows=[workflow("classify", steps, output={
            "labels": expr("step.tag.output.tags"), "bytes": expr("step.detect.output.bytes")})],
    )  # fmt: skip


def _project(root: Path, nesting: str) -> Desired:
    steps = [
        step("fetch", function=ref("function.fetch")),
        step("classify", workflow=ref("module.vision.workflow.classify"), nesting=nesting,
             input={"image": expr("step.fetch.output.path"), "meta": {"size": 7}},
             when=expr("step.fetch.output.bytes > 0")),
        step("record", function=ref("function.fetch"), depends_on=["classify"],
             input={"labels": expr("step.classify.output.labels")}),
    ]  # fmt: skip
    cfg = config(
        root,
        functions=[function(root, "fetch")],
        workflows=[workflow("thumb", steps, output={"n": expr("step.classify.output.bytes")})],
        modules={"vision": Module(name="vision", source="./modules/vision", config=_vision(root))},
    )
    return compile_config(cfg)


def _steps(desired: Desired, address: str = "workflow.thumb") -> dict[str, dict]:
    return {s["name"]: s for s in desired.resources[address].attributes["document"]["steps"]}


def test_call_nesting_runs_the_child_as_a_pinned_child_execution(tmp_path: Path) -> None:
    desired = _project(tmp_path, "call")
    child = desired.resources["module.vision.workflow.classify"]
    assert child.depends_on == ["module.vision.function.detect", "module.vision.function.tag"]
    classify = _steps(desired)["classify"]
    assert classify["type"] == "workflow"
    assert classify["workflow"] == {
        "address": "module.vision.workflow.classify",
        "version": child.attributes["version"],
    }
    parent = desired.resources["workflow.thumb"]
    assert "module.vision.workflow.classify" in parent.depends_on
    assert _steps(desired)["record"]["input"] == {
        "labels": {"$expr": "step.classify.output.labels"}
    }


def test_inline_nesting_flattens_and_rewires_the_child(tmp_path: Path) -> None:
    desired = _project(tmp_path, "inline")
    steps = _steps(desired)
    assert list(steps) == ["fetch", "classify__detect", "classify__tag", "record"]
    detect, tag, record = steps["classify__detect"], steps["classify__tag"], steps["record"]
    assert detect["function"]["address"] == "module.vision.function.detect"
    assert detect["input"] == {"image": {"$expr": "step.fetch.output.path"}}
    assert detect["when"] == {"$expr": "step.fetch.output.bytes > 0"}
    assert detect["retry"]["max_attempts"] == 3  # the child's retry is kept
    assert tag["input"] == {"labels": {"$expr": "step.classify__detect.output.labels"}, "size": 7}
    assert tag["when"] is None and tag["depends_on"] == ["classify__detect"]
    assert record["input"] == {"labels": {"$expr": "step.classify__tag.output.tags"}}
    assert record["depends_on"] == ["classify__tag"]
    document = desired.resources["workflow.thumb"].attributes["document"]
    assert document["output"] == {"n": {"$expr": "step.classify__detect.output.bytes"}}
    edges = {(e["source"], e["target"], e["kind"]) for e in document["edges"]}
    assert ("fetch", "classify__detect", "conditional") in edges
    assert ("classify__tag", "record", "sequential") in edges
    parent = desired.resources["workflow.thumb"]
    assert "module.vision.workflow.classify" not in parent.depends_on
    assert "module.vision.function.detect" in parent.depends_on
    # the child is read-only: it still exists unchanged as its own workflow
    assert list(_steps(desired, "module.vision.workflow.classify")) == ["detect", "tag"]


def test_nesting_cycle_across_modules_prints_the_path(tmp_path: Path) -> None:
    directory = tmp_path / "modules" / "loop"
    directory.mkdir(parents=True)
    child = config(directory, path=("loop",), workflows=[
        workflow("b", [step("up", line=5, workflow=ref("workflow.c", pos="loop.hcl:5:16"))]),
        workflow("c", [step("again", line=9, workflow=ref("workflow.b", pos="loop.hcl:9:16"),
                            nesting="inline")]),
    ])  # fmt: skip
    root = config(
        tmp_path,
        workflows=[
            workflow("a", [step("go", workflow=ref("module.loop.workflow.b", pos="main.hcl:3:16"))])
        ],
        modules={"loop": Module(name="loop", source="./modules/loop", config=child)},
    )
    with pytest.raises(ConfigError) as caught:
        compile_config(root)
    message = caught.value.message
    assert message.startswith("nesting cycle: ")
    assert "module.loop.workflow.b step 'up' (loop.hcl:5:16)" in message
    assert "module.loop.workflow.c step 'again' (loop.hcl:9:16)" in message
    assert message.endswith("-> module.loop.workflow.b")


def test_direct_self_nesting_is_a_cycle(tmp_path: Path) -> None:
    cfg = config(tmp_path, workflows=[
        workflow("a", [step("me", workflow=ref("workflow.a", pos="main.hcl:2:14"))])])  # fmt: skip
    with pytest.raises(ConfigError, match=r"nesting cycle: workflow.a step 'me' \(main.hcl:2:14\)"):
        compile_config(cfg)


def test_inline_child_reading_an_unset_input_field_is_an_error(tmp_path: Path) -> None:
    steps = [
        step("fetch", function=ref("function.fetch")),
        step("classify", line=12, workflow=ref("module.vision.workflow.classify"), nesting="inline",
             input={"image": expr("step.fetch.output.path")}),
    ]  # fmt: skip
    cfg = config(
        tmp_path,
        functions=[function(tmp_path, "fetch")],
        workflows=[workflow("thumb", steps)],
        modules={"vision": Module(name="vision", source="./v", config=_vision(tmp_path))},
    )
    with pytest.raises(ConfigError) as caught:
        compile_config(cfg)
    text = caught.value.render()
    assert text.startswith("main.hcl:12:3")
    assert "reads input.meta, but the step's input does not set 'meta'" in text


def test_parent_retry_and_catch_apply_to_inlined_steps_and_catch_into_inline(
    tmp_path: Path,
) -> None:
    child = workflow("fallback", [step("only", function=ref("function.fetch"))])
    steps = [
        step("risky", function=ref("function.fetch"), catch=[{"next": "recover"}]),
        step("recover", workflow=ref("workflow.fallback"), nesting="inline",
             retry={"max_attempts": 5}, catch=[{"next": "notify"}]),
        step("notify", function=ref("function.fetch")),
    ]  # fmt: skip
    cfg = config(tmp_path, functions=[function(tmp_path, "fetch")],
                 workflows=[workflow("main", steps), child])  # fmt: skip
    document = compile_config(cfg).resources["workflow.main"].attributes["document"]
    by_name = {s["name"]: s for s in document["steps"]}
    assert by_name["risky"]["catch"][0]["next"] == "recover__only"
    assert by_name["recover__only"]["retry"]["max_attempts"] == 5
    assert by_name["recover__only"]["catch"][0]["next"] == "notify"
    edges = {(e["source"], e["target"], e["kind"]) for e in document["edges"]}
    assert edges == {("risky", "recover__only", "error"), ("recover__only", "notify", "error")}
