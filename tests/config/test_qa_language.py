"""User mistakes in expressions and steps found by exploratory QA: each is a ConfigError at its
position (never an internal error), saying what is allowed."""

from __future__ import annotations

import pytest

from tests.config.conftest import Write, load, load_error, where

FUNCTION = (
    'runtime "py" {}\n'
    'function "f" {\n  runtime = runtime.py\n  source = "./fn"\n}\n'  # lines 2-5
)


def _with_output(value: str) -> dict[str, str]:
    return {
        "main.hcl": FUNCTION + f'locals {{\n  z = 1\n}}\noutput "o" {{\n  value = {value}\n}}\n',
        "fn/main.py": "def handler(event, context):\n    return event\n",
    }


@pytest.mark.parametrize(
    "value",
    [
        "local",
        '"${local}"',
        "jsonencode(local)",
        "jsonencode(runtime)",
        "jsonencode(function.f)",
        'format("%v", function.f)',
        'format("%v", local)',
    ],
)
def test_namespace_or_block_reference_as_a_value_is_an_error(project: Write, value: str) -> None:
    error = load_error(project(_with_output(value)))
    assert where(error) == "main.hcl:10:11"
    assert "BlockRef" not in error.render() and "_Locals" not in error.render()


def test_block_reference_in_a_function_is_named_in_hcl_terms(project: Write) -> None:
    error = load_error(project(_with_output("tostring(function.f)")))
    assert "a reference to function.f" in error.message


@pytest.mark.parametrize(
    ("attribute", "column"),
    [
        ("memory = 1.0e999", 12),
        ('memory = "1e999"', 12),
        ('timeout = tonumber("nan")', 13),
        ('timeout = tonumber("inf")', 13),
        ('timeout = "nan" + 1', 13),
        ("timeout = 1.0e300 * 1.0e300", 13),
    ],
)
def test_numbers_that_are_not_finite_are_errors(
    project: Write, attribute: str, column: int
) -> None:
    error = load_error(project({"main.hcl": f'runtime "py" {{\n  {attribute}\n}}\n'}))
    assert where(error) == f"main.hcl:2:{column}"


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity", "1e999"])
def test_var_that_is_not_a_finite_number_is_an_error(project: Write, text: str) -> None:
    directory = project({"main.hcl": 'variable "n" {\n  type = number\n}\n'})
    error = load_error(directory, variables={"n": text})
    assert "expected number" in error.message


def test_sql_step_without_connection_is_an_error(project: Write) -> None:
    text = 'workflow "w" {\n  step "s" {\n    sql = "select 1"\n  }\n}\n'
    error = load_error(project({"main.hcl": text}))
    assert where(error) == "main.hcl:2:3"
    assert "connection" in error.message


def test_sql_attributes_on_a_function_step_are_an_error(project: Write) -> None:
    step = '  step "s" {\n    function = function.f\n    connection = "sqlite://"\n  }\n'
    files = _with_output("1")
    files["main.hcl"] = FUNCTION + 'workflow "w" {\n' + step + "}\n"
    error = load_error(project(files))
    assert where(error) == "main.hcl:9:18"
    assert "only for sql steps" in error.message


def test_nesting_on_a_function_step_is_an_error(project: Write) -> None:
    step = '  step "s" {\n    function = function.f\n    nesting = "inline"\n  }\n'
    files = _with_output("1")
    files["main.hcl"] = FUNCTION + 'workflow "w" {\n' + step + "}\n"
    error = load_error(project(files))
    assert where(error) == "main.hcl:9:15"
    assert "only for workflow steps" in error.message


@pytest.mark.parametrize(("when", "ok"), [('"yes"', False), ("1", False), ("true", True)])
def test_plan_time_when_must_be_a_bool(project: Write, when: str, ok: bool) -> None:
    step = f'  step "s" {{\n    function = function.f\n    when = {when}\n  }}\n'
    files = _with_output("1")
    files["main.hcl"] = FUNCTION + 'workflow "w" {\n' + step + "}\n"
    if ok:
        load(project(files))
        return
    error = load_error(project(files))
    assert where(error) == "main.hcl:9:12"
    assert error.message.startswith("when: expected bool")


def test_unknown_variable_is_named_as_a_variable(project: Write) -> None:
    text = 'variable "name" {\n  default = "x"\n}\nlocals {\n  a = var.nme\n}\n'
    error = load_error(project({"main.hcl": text}))
    assert where(error) == "main.hcl:5:10"
    assert error.message == "unknown variable 'nme'"
    assert error.hint == "did you mean 'name'?"


@pytest.mark.parametrize("text", ["locals {\n  a = 1e3\n  z = 1\n}\n", "locals {\n  a = 1E+3\n}\n"])
def test_exponent_without_fraction_says_how_to_write_it(project: Write, text: str) -> None:
    error = load_error(project({"main.hcl": text}))
    assert where(error) == "main.hcl:2:7"
    assert "1.0e" in (error.hint or "").lower()
