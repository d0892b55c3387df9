"""Every kind of bad configuration gives a ConfigError with its position and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.errors import ConfigError
from tests.config.conftest import Write, load, load_error, where

RUNTIME = 'runtime "python" {\n  memory = 256\n}\n'


def test_no_files_names_the_patterns(tmp_path: Path) -> None:
    error = load_error(tmp_path)
    assert "no configuration files" in error.message
    assert "*.hcl" in (error.hint or "") and "*.fnplan.yaml" in (error.hint or "")


def test_unknown_block_type(project: Write) -> None:
    error = load_error(project({"main.hcl": RUNTIME + 'fucntion "x" {\n}\n'}))
    assert error.message == "unknown block 'fucntion' in the top level"
    assert where(error) == "main.hcl:4:1"
    assert error.hint == "did you mean 'function'?"
    assert error.allowed is not None and "workflow" in error.allowed


def test_unknown_block_type_yaml(project: Write) -> None:
    error = load_error(
        project({"main.fnplan.yaml": "runtime:\n  python: {}\nworkflows:\n  w: {}\n"})
    )
    assert error.message == "unknown block type 'workflows'"
    assert where(error) == "main.fnplan.yaml:3:1"
    assert error.hint == "did you mean 'workflow'?"


def test_unknown_attribute(project: Write) -> None:
    error = load_error(project({"main.hcl": 'runtime "python" {\n  memroy = 256\n}\n'}))
    assert error.message == "unknown attribute 'memroy' in runtime \"python\" block"
    assert where(error) == "main.hcl:2:3"
    assert error.hint == "did you mean 'memory'?"
    assert error.allowed is not None and "packages" in error.allowed


def test_unknown_nested_block(project: Write) -> None:
    text = (
        RUNTIME
        + 'function "f" {\n  runtime = runtime.python\n  source = "."\n  scailng {\n  }\n}\n'
    )
    error = load_error(project({"main.hcl": text}))
    assert error.message == "unknown block 'scailng' in function \"f\" block"
    assert where(error) == "main.hcl:7:3"
    assert error.hint == "did you mean 'scaling'?"
    assert error.allowed == ["lifecycle", "rollout", "scaling"]


def test_wrong_type(project: Write) -> None:
    error = load_error(project({"main.hcl": 'runtime "python" {\n  memory = "big"\n}\n'}))
    assert error.message == "memory: expected number, got string"
    assert where(error) == "main.hcl:2:12"


def test_wrong_enum_lists_choices(project: Write) -> None:
    error = load_error(project({"main.hcl": 'workflow "w" {\n  isolation = "private"\n}\n'}))
    assert "isolation must be one of 'shared', 'dedicated'" in error.message
    assert where(error) == "main.hcl:2:15"
    assert error.allowed == ["dedicated", "shared"]


def test_missing_required_attribute(project: Write) -> None:
    error = load_error(project({"main.hcl": RUNTIME + 'function "f" {\n  source = "."\n}\n'}))
    assert "missing the required attribute(s) 'runtime'" in error.message
    assert where(error) == "main.hcl:4:1"


def test_unknown_reference_did_you_mean(project: Write) -> None:
    text = RUNTIME + 'function "f" {\n  runtime = runtime.pyhton\n  source = "."\n}\n'
    error = load_error(project({"main.hcl": text}))
    assert error.message == "unknown runtime 'pyhton'"
    assert where(error) == "main.hcl:5:20"
    assert error.hint == "did you mean 'python'?"
    assert error.allowed == ["python"]


def test_unknown_local_and_root(project: Write) -> None:
    error = load_error(project({"main.hcl": "locals {\n  a = 1\n  b = local.c\n}\n"}))
    assert error.message == "unknown local value 'c'"
    assert where(error) == "main.hcl:3:12"
    error = load_error(project({"main.hcl": "locals {\n  a = 1\n  b = lcoal.a\n}\n"}))
    assert "unknown reference 'lcoal'" in error.message
    assert error.hint == "did you mean 'local'?"


def test_wrong_reference_kind(project: Write) -> None:
    text = RUNTIME + 'function "f" {\n  runtime = var.x\n  source = "."\n}\n'
    text += 'variable "x" {\n  default = "python"\n}\n'
    error = load_error(project({"main.hcl": text}))
    assert error.message == "runtime: expected a reference to runtime, got string"
    assert where(error) == "main.hcl:5:13"
    assert error.hint == "write e.g. runtime = runtime.NAME"


def test_reference_cycle_is_the_shortest_with_positions(project: Write) -> None:
    text = (
        "locals {\n  a = local.b\n  b = local.a\n  c = local.d\n  d = local.e\n  e = local.c\n}\n"
    )
    error = load_error(project({"main.hcl": text}))
    assert error.message.startswith("reference cycle: local.a (")
    assert error.message.endswith("-> local.a")
    assert "main.hcl:2:7) -> local.b (" in error.message
    assert "main.hcl:3:7) -> local.a" in error.message
    assert "local.c" not in error.message
    assert where(error) == "main.hcl:2:7"


def test_runtime_base_cycle(project: Write) -> None:
    text = 'runtime "a" {\n  base = runtime.b\n}\nruntime "b" {\n  base = runtime.a\n}\n'
    error = load_error(project({"main.hcl": text}))
    assert "reference cycle: runtime.a (" in error.message
    assert "main.hcl:2:10) -> runtime.b (" in error.message
    assert "main.hcl:5:10) -> runtime.a" in error.message


def test_missing_variable_names_the_three_ways(project: Write) -> None:
    error = load_error(project({"main.hcl": 'variable "region" {\n  type = string\n}\n'}))
    assert error.message == "variable 'region' has no value and no default"
    assert where(error) == "main.hcl:1:1"
    hint = error.hint or ""
    assert "--var region=VALUE" in hint and "--var-file" in hint and "FNPLAN_VAR_region" in hint


def test_undeclared_cli_variable(project: Write) -> None:
    directory = project({"main.hcl": 'variable "region" {\n  default = "x"\n}\n'})
    error = load_error(directory, variables={"regoin": "y"})
    assert "no variable 'regoin' is declared" in error.message
    assert error.hint == "did you mean 'region'?"


def test_variable_validation_failure(project: Write) -> None:
    text = (
        'variable "memory" {\n'
        "  type    = number\n"
        "  default = 64\n"
        "  validation {\n"
        "    condition     = var.memory >= 128\n"
        '    error_message = "memory must be at least 128 MB"\n'
        "  }\n"
        "}\n"
    )
    error = load_error(project({"main.hcl": text}))
    assert error.message == "invalid value for variable 'memory': memory must be at least 128 MB"
    assert where(error) == "main.hcl:5:21"
    assert error.notes == ["value: 64"]


def test_variable_type_mismatch(project: Write) -> None:
    text = 'variable "n" {\n  type = number\n}\n'
    error = load_error(project({"main.hcl": text}), variables={"n": "many"})
    assert error.message == "variable 'n': expected number, got string"


def test_duplicate_definition_across_files(project: Write) -> None:
    directory = project(
        {"a.hcl": RUNTIME, "b.fnplan.yaml": "runtime:\n  python:\n    memory: 128\n"}
    )
    error = load_error(directory)
    assert "runtime 'python' is defined twice" in error.message
    assert "a.hcl:1:1" in error.message and "b.fnplan.yaml:2:3" in error.message


def test_missing_path(project: Write) -> None:
    text = RUNTIME + 'function "f" {\n  runtime = runtime.python\n  source = "./nope"\n}\n'
    error = load_error(project({"main.hcl": text}))
    assert error.message.startswith("source: './nope' does not exist")
    assert where(error) == "main.hcl:6:12"


def test_unknown_step_in_depends_on_and_in_expression(project: Write) -> None:
    base = RUNTIME + 'function "f" {\n  runtime = runtime.python\n  source = "."\n}\n'
    text = base + (
        'workflow "w" {\n'
        '  step "fetch" {\n    function = function.f\n  }\n'
        '  step "b" {\n    function = function.f\n    depends_on = [step.fecth]\n  }\n'
        "}\n"
    )
    error = load_error(project({"main.hcl": text}))
    assert error.message == "unknown step 'fecth' in workflow \"w\""
    assert where(error) == "main.hcl:14:23"
    assert error.hint == "did you mean 'fetch'?"
    text = text.replace("depends_on = [step.fecth]", "input = { a = step.fecth.output }")
    error = load_error(project({"main.hcl": text}))
    assert error.hint == "did you mean 'fetch'?"
    assert where(error) == "main.hcl:14:19"


def test_step_needs_one_node_type(project: Write) -> None:
    error = load_error(project({"main.hcl": 'workflow "w" {\n  step "a" {\n  }\n}\n'}))
    assert 'step "a" must have exactly one of function' in error.message
    assert where(error) == "main.hcl:2:3"


def test_yaml_duplicate_key(project: Write) -> None:
    directory = project({"main.fnplan.yaml": "runtime:\n  python: {}\n  python: {}\n"})
    error = load_error(directory)
    assert "duplicate key 'python'" in error.message
    assert where(error) == "main.fnplan.yaml:3:3"


def test_yaml_wrong_type_position(project: Write) -> None:
    directory = project({"main.fnplan.yaml": "runtime:\n  python:\n    memory: big\n"})
    error = load_error(directory)
    assert error.message == "memory: expected number, got string"
    assert where(error) == "main.fnplan.yaml:3:13"


def test_after_apply_attribute_keeps_its_position_for_validate(project: Write) -> None:
    """Which attributes exist is the provider's to say: validate checks them once each block
    is placed on its provider (tests/providers/test_protocol_outputs.py)."""
    text = 'workflow "w" {\n}\noutput "o" {\n  value = workflow.w.endpiont\n}\n'
    value = load(project({"main.hcl": text})).outputs["o"].value
    assert value == {"$ref": "workflow.w", "attr": "endpiont"}
    assert value.pos.endswith("main.hcl:4:21")


def test_pydantic_errors_become_config_errors_at_the_attribute() -> None:
    from fnplan.config.blocks import make
    from fnplan.config.hcl import parse_hcl
    from fnplan.config.model import Rollout

    body = parse_hcl(b'rollout {\n  strategy = "big-bang"\n}\n', "main.hcl")
    block = body.blocks[0]
    with pytest.raises(ConfigError) as caught:
        make(Rollout, block, strategy="big-bang")
    assert caught.value.message.startswith("strategy: Input should be 'all_at_once'")
    assert where(caught.value) == "main.hcl:2:14"
