"""Limits with clear errors, never "a bug in fnplan" (issue 7, section 5): expression nesting,
YAML alias expansion, comments inside expressions, duplicate object keys, cron expressions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.hostile.conftest import BASE, BASE_LINES, Hostile

#: fnplan.expr.cst.MAX_DEPTH, as documented in docs/language.md
MAX_DEPTH = 64


def _nested(kind: str, depth: int) -> str:
    """An expression that nests `depth` levels of one construct around the number 1."""
    return {
        "list": "[" * depth + "1" + "]" * depth,
        "object": "{a = " * depth + "1" + "}" * depth,
        "parentheses": "(" * depth + "1" + ")" * depth,
        "call": "abs(" * depth + "1" + ")" * depth,
        "operator": "1 + " * depth + "1",
        "negation": "-" * depth + "1",
        "template": '"${' * depth + "1" + '}"' * depth,
    }[kind]


def _outputs(hostile: Hostile) -> dict[str, Any]:
    """The root outputs after apply, by name."""
    shown = json.loads(hostile.run("output", "--json", check=0).stdout)
    return {name: output["value"] for name, output in shown.items()}


KINDS = ["list", "object", "parentheses", "call", "operator", "negation", "template"]


#: every construct just past the limit; far past it (the old RecursionError) for two of them
DEEP = [(kind, MAX_DEPTH + 1) for kind in KINDS] + [("list", 1000), ("template", 1000)]


@pytest.mark.parametrize(("kind", "depth"), DEEP, ids=[f"{k}-{d}" for k, d in DEEP])
def test_deeply_nested_expressions_are_an_error(hostile: Hostile, kind: str, depth: int) -> None:
    hostile.write({"main.hcl": BASE + f'output "o" {{\n  value = {_nested(kind, depth)}\n}}\n'})
    output = hostile.refused("validate", at=None, says="expression nested too deeply")
    assert output.startswith(f"main.hcl:{BASE_LINES + 2}:")


def test_expressions_at_the_depth_limit_apply(hostile: Hostile) -> None:
    values = {kind: _nested(kind, MAX_DEPTH) for kind in ["list", "call", "operator"]}
    outputs = "".join(
        f'output "{kind}" {{\n  value = {text}\n}}\n' for kind, text in values.items()
    )
    hostile.write({"main.hcl": BASE + outputs})
    hostile.run("apply", "--auto-approve", check=0)
    shown = _outputs(hostile)
    assert shown["call"] == 1 and shown["operator"] == MAX_DEPTH + 1
    assert json.dumps(shown["list"]) == "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000])
def test_nested_yaml_values_are_an_error(hostile: Hostile, depth: int) -> None:
    """Our limit, or libyaml's own ("exceeded maximum nesting depth") further down."""
    deep = "[" * depth + "1" + "]" * depth
    hostile.write({"main.hcl": BASE, "o.fnplan.yaml": f"output:\n  o:\n    value: {deep}\n"})
    hostile.refused("validate", at=None, says="nest")


def test_yaml_alias_expansion_is_capped(hostile: Hostile) -> None:
    """The billion laughs: nine levels of ten aliases each would be 10^9 values."""
    lines = ['locals:\n  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"  l{level}: &l{level} [{refs}]\n")
    hostile.write({"main.hcl": BASE, "lol.fnplan.yaml": "".join(lines)})
    hostile.refused("validate", at=None, says="YAML aliases expand to more than")


def test_yaml_aliases_within_the_cap_work(hostile: Hostile) -> None:
    hostile.write(
        {
            "main.hcl": BASE,
            "o.fnplan.yaml": """\
                locals:
                  common: &common {memory: 128, tags: [a, b]}
                output:
                  o: {value: [*common, *common]}
            """,
        }
    )
    hostile.run("apply", "--auto-approve", check=0)
    shown = _outputs(hostile)
    assert shown["o"] == [{"memory": 128, "tags": ["a", "b"]}] * 2


def test_comments_inside_expressions_parse(hostile: Hostile) -> None:
    hostile.write(
        {
            "main.hcl": BASE
            + """\
                output "sum" {
                  value = 1 + /* c */ 2
                }
                output "list" {
                  value = [
                    1, # one
                    2, // two
                    /* three */ 3
                  ]
                }
                output "object" {
                  value = {
                    a = 1 # first
                    b = /* second */ 2 // end
                  }
                }
                output "call" {
                  value = max(1, /* c */ 5, # x
                    3)
                }
                output "choice" {
                  value = true ? /* yes */ "y" : /* no */ "n"
                }
                output "traversal" {
                  value = { a = { b = 7 } }.a /* c */ .b
                }
                output "template" {
                  value = "${ 1 + /* c */ 1 }"
                }
            """.replace("                ", "")
        }
    )
    hostile.run("apply", "--auto-approve", check=0)
    assert _outputs(hostile) == {
        "sum": 3,
        "list": [1, 2, 3],
        "object": {"a": 1, "b": 2},
        "call": 5,
        "choice": "y",
        "traversal": 7,
        "template": 2,
    }


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("{ a = 1, a = 2 }", 13, 20),
        ('{ a = 1, "a" = 2 }', 13, 20),
        ('{\n    "k" = 1\n    k = 2\n  }', (BASE_LINES + 3, 5), (BASE_LINES + 4, 5)),
    ],
)
def test_duplicate_keys_in_an_object_are_an_error(
    hostile: Hostile, text: str, first: int | tuple[int, int], second: int | tuple[int, int]
) -> None:
    hostile.write({"main.hcl": BASE + f'output "o" {{\n  value = {text}\n}}\n'})
    line = BASE_LINES + 2
    first_line, first_column = (line, first) if isinstance(first, int) else first
    second_line, second_column = (line, second) if isinstance(second, int) else second
    hostile.refused(
        "validate",
        at=f"main.hcl:{second_line}:{second_column}",
        says=f"(first at line {first_line}, column {first_column})",
    )


@pytest.mark.parametrize(
    "schedule", ["0 25 * * *", "61 * * * *", "* * * *", "every day", "@sometimes", "0 0 30 2 *"]
)
def test_cron_expressions_are_checked_by_validate(hostile: Hostile, schedule: str) -> None:
    hostile.write(
        {
            "main.hcl": BASE
            + 'workflow "w" {\n  step "a" {\n    function = function.hello\n  }\n}\n'
            + f'trigger "nightly" {{\n  schedule = "{schedule}"\n  target = workflow.w\n}}\n'
        }
    )
    hostile.refused(
        "validate", at=f"main.hcl:{BASE_LINES + 7}:14", says=f"cron expression {schedule!r}"
    )


@pytest.fixture
def deployed(hostile: Hostile) -> Hostile:
    """A project with a function workflow and a shell workflow, applied."""
    hostile.write(
        {
            "main.hcl": BASE
            + 'workflow "w" {\n  step "a" {\n    function = function.hello\n  }\n}\n'
            + 'workflow "sh" {\n  step "s" {\n    shell {\n      script = "echo $X"\n'
            + "      env    = { X = input.x }\n    }\n  }\n}\n"
        }
    )
    hostile.run("apply", "--auto-approve", check=0)
    hostile.watch()
    return hostile


@pytest.mark.parametrize(
    ("workflow", "payload", "says"),
    [
        ("w", '{"x": ' + "[" * 5000 + "]" * 5000 + "}", "nested deeper than"),
        ("w", '{"x": 1e999}', "not a finite number"),
        ("sh", '{"x": "a\\u0000b"}', "NUL byte"),
    ],
    ids=["deep", "infinite", "nul-in-env"],
)
def test_hostile_run_input_is_refused(
    deployed: Hostile, workflow: str, payload: str, says: str
) -> None:
    deployed.refused("run", workflow, "--input", payload, at=None, says=says)
