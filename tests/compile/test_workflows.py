"""Workflow documents (steps, four edge kinds, output) and the semantic checks before them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.compile.compile import compile_config
from fnplan.config.model import Config, HttpSpec, Step
from fnplan.errors import ConfigError, ErrorList
from fnplan.workflow.model import WorkflowDocument
from tests.compile.builders import config, expr, function, ref, step, workflow, write_schema


def _document(root: Path, steps: list[Step], **fields: object) -> WorkflowDocument:
    cfg = config(root, functions=[function(root, "fetch"), function(root, "resize")],
                 workflows=[workflow("w", steps, **fields)])  # fmt: skip
    resource = compile_config(cfg).resources["workflow.w"]
    return WorkflowDocument.model_validate(resource.attributes["document"])


def test_edges_of_each_kind(tmp_path: Path) -> None:
    steps = [
        step("fetch", function=ref("function.fetch"), input={"url": expr("input.url")}),
        step("resize", function=ref("function.resize"),
             input={"image": expr("step.fetch.output.path"), "width": 256},
             when=expr("step.fetch.output.bytes > 1024"), catch=[{"next": "report"}]),
        step("record", sql="INSERT INTO t VALUES (:p)", connection="sqlite:///x.db",
             params={"p": expr("step.resize.output.path")}, depends_on=["fetch"]),
        step("report", http=HttpSpec(url=expr('"https://h.example/${step.fetch.output.path}"'))),
    ]  # fmt: skip
    document = _document(tmp_path, steps, output={"thumb": expr("step.resize.output.path")})
    edges = {(e.source, e.target, e.kind) for e in document.edges}
    assert edges == {
        ("fetch", "resize", "data"),
        ("fetch", "resize", "conditional"),
        ("resize", "record", "data"),
        ("fetch", "record", "sequential"),
        ("fetch", "report", "data"),
        ("resize", "report", "error"),
    }
    by_name = {s.name: s for s in document.steps}
    assert by_name["record"].depends_on == ["fetch", "resize"]
    assert by_name["record"].type == "sql" and by_name["report"].type == "http"
    assert by_name["resize"].input == {"image": {"$expr": "step.fetch.output.path"}, "width": 256}
    assert document.output == {"thumb": {"$expr": "step.resize.output.path"}}


def test_step_cycle_is_an_error_listing_each_step_with_its_position(tmp_path: Path) -> None:
    steps = [
        step("a", line=3, function=ref("function.fetch"), input={"x": expr("step.c.output")}),
        step("b", line=7, function=ref("function.fetch"), depends_on=["a"]),
        step("c", line=11, function=ref("function.fetch"), when=expr("step.b.output.ok")),
    ]
    with pytest.raises(ConfigError) as caught:
        _document(tmp_path, steps)
    message = caught.value.message
    assert "cycle" in message
    for name, line in (("a", 3), ("b", 7), ("c", 11)):
        assert f"{name} (main.hcl:{line}:3)" in message


def test_unknown_references_are_reported_together(tmp_path: Path) -> None:
    steps = [
        step("fetch", function=ref("function.fetch"), input={"x": expr("step.fecth.output")}),
        step("resize", function=ref("function.resise"), depends_on=["nope"]),
        step("both", function=ref("function.fetch"), sql="SELECT 1"),
        step("none"),
        step("bad", function=ref("function.fetch"), catch=[{"next": "elsewhere"}]),
    ]
    with pytest.raises(ErrorList) as caught:
        _document(tmp_path, steps)
    text = caught.value.render()
    assert "no step 'fecth'" in text and "did you mean 'fetch'?" in text
    assert "'function.resise', which is not a declared function" in text
    assert "did you mean 'function.resize'?" in text
    assert "'step.nope', which is not a step" in text
    assert "it has function and sql" in text and "it has none" in text
    assert "catch next refers to 'step.elsewhere'" in text


def test_reading_a_step_without_output_is_an_error(tmp_path: Path) -> None:
    steps = [
        step("fetch", function=ref("function.fetch")),
        step("resize", function=ref("function.resize"), input={"x": expr("step.fetch.path")}),
    ]
    with pytest.raises(ConfigError, match=r"read as step\.fetch\.output"):
        _document(tmp_path, steps)


def _contract_config(root: Path, width_type: str, width: str = "step.fetch.output.bytes") -> Config:
    out = write_schema(
        root,
        "fetch.out",
        {
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "bytes": {"type": "integer"},
                "meta": {"type": "object", "properties": {"w": {"type": "integer"}}},
            },
        },
    )
    inp = write_schema(
        root,
        "resize.in",
        {
            "type": "object",
            "properties": {"image": {"type": "string"}, "width": {"type": width_type}},
        },
    )
    steps = [
        step("fetch", function=ref("function.fetch")),
        step(
            "resize",
            line=9,
            function=ref("function.resize"),
            input={"image": expr("step.fetch.output.path"), "width": expr(width)},
        ),
    ]
    return config(root, functions=[function(root, "fetch", output_schema=out),
                                   function(root, "resize", input_schema=inp)],
                  workflows=[workflow("w", steps)])  # fmt: skip


def test_data_contract_accepts_fitting_types(tmp_path: Path) -> None:
    compile_config(_contract_config(tmp_path, "number"))  # integer fits number
    compile_config(_contract_config(tmp_path, "integer", "step.fetch.output.meta.w"))  # nested


def test_data_contract_type_mismatch_names_both_steps_and_the_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        compile_config(_contract_config(tmp_path, "string"))
    text = caught.value.render()
    assert text.startswith("main.hcl:9:3")
    assert "step 'resize' input 'width' reads step 'fetch' output.bytes" in text
    assert "integer" in text and "expects 'width' to be string" in text


def test_data_contract_missing_field_lists_the_producer_fields(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        compile_config(_contract_config(tmp_path, "integer", "step.fetch.output.size"))
    text = caught.value.render()
    assert "output schema has no field 'size'" in text
    assert "allowed: bytes, meta, path" in text


def test_explicit_conversions_are_trusted(tmp_path: Path) -> None:
    compile_config(_contract_config(tmp_path, "string", "tostring(step.fetch.output.bytes)"))
