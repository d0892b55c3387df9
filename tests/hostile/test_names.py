"""Names and paths cannot escape (issue 7, section 3): labels, module sources, path lengths."""

from __future__ import annotations

import pytest

from tests.hostile.conftest import BASE, BASE_LINES, Hostile

LONG = "f" * 65
#: (label as written, block text with {label}, column of the label on the block's first line)
LABELLED = {
    "runtime": ('runtime "{label}" {{\n  language = "python3.12"\n}}\n', 9),
    "function": (
        'function "{label}" {{\n  runtime = runtime.python\n  source = "./functions/hello"\n}}\n',
        10,
    ),
    "workflow": ('workflow "{label}" {{\n  step "a" {{ function = function.hello }}\n}}\n', 10),
    "event": ('event "{label}" {{\n  type = "com.example.thing"\n}}\n', 7),
    "trigger": (
        'event "e" {{\n  type = "com.example.e"\n}}\n'
        'workflow "w" {{\n  step "a" {{ function = function.hello }}\n}}\n'
        'trigger "{label}" {{\n  event = event.e\n  target = workflow.w\n}}\n',
        9,
    ),
    "module": ('module "{label}" {{\n  source = "./mod"\n}}\n', 8),
    "variable": ('variable "{label}" {{\n  default = 1\n}}\n', 10),
    "output": ('output "{label}" {{\n  value = 1\n}}\n', 8),
}
BAD_LABELS = ["../../../x", "/abs", "a b", "a.b", "1st", "wörk", "", LONG]


def _line_of_label(text: str, label: str) -> int:
    """1-based line of the (last) block whose label is `label`, within the snippet."""
    lines = text.splitlines()
    return max(i for i, line in enumerate(lines) if f'"{label}"' in line) + 1


#: every block kind with one bad label each, every bad label at least once
CASES = [(kind, BAD_LABELS[i % len(BAD_LABELS)]) for i, kind in enumerate(sorted(LABELLED))]


@pytest.mark.parametrize(("kind", "label"), CASES, ids=[kind for kind, _ in CASES])
def test_block_labels_are_identifiers(hostile: Hostile, kind: str, label: str) -> None:
    template, column = LABELLED[kind]
    snippet = template.format(label=label)
    hostile.write({"main.hcl": BASE + snippet})
    line = BASE_LINES + _line_of_label(snippet, label)
    hostile.refused(
        "validate", at=f"main.hcl:{line}:{column}", says=f"{kind} name {label!r} is not allowed"
    )


@pytest.mark.parametrize("label", ["../../../../y", "/etc/y", LONG])
def test_step_labels_are_identifiers(hostile: Hostile, label: str) -> None:
    hostile.write(
        {
            "main.hcl": BASE
            + f'workflow "w" {{\n  step "{label}" {{ function = function.hello }}\n}}\n'
        }
    )
    hostile.refused(
        "validate", at=f"main.hcl:{BASE_LINES + 2}:8", says=f"step name {label!r} is not allowed"
    )


def test_escaping_workflow_and_step_names_are_refused_by_plan_and_apply(hostile: Hostile) -> None:
    """The reproduction: these names passed validate and apply, and `run` wrote outside."""
    hostile.write(
        {
            "main.hcl": BASE
            + 'workflow "../../../x" {\n  step "../../../../y" {\n'
            + "    function = function.hello\n  }\n}\n"
        }
    )
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        hostile.refused(*command, at=f"main.hcl:{BASE_LINES + 1}:10", says="'../../../x'")
    assert not (hostile.project / ".fnplan" / "state.json").exists()


def test_labels_in_yaml_are_identifiers(hostile: Hostile) -> None:
    hostile.write(
        {
            "main.hcl": BASE,
            "flows.fnplan.yaml": """\
                workflow:
                  ok:
                    step:
                      "../up":
                        function: ${function.hello}
            """,
        }
    )
    hostile.refused("validate", at="flows.fnplan.yaml:4:7", says="step name '../up' is not allowed")


def test_provider_alias_is_an_identifier(hostile: Hostile) -> None:
    hostile.write({"main.hcl": BASE + 'provider "local" {\n  alias = "../west"\n}\n'})
    hostile.refused(
        "validate",
        at=f"main.hcl:{BASE_LINES + 2}:11",
        says="provider alias '../west' is not allowed",
    )


def test_the_longest_allowed_names_apply_and_run(hostile: Hostile) -> None:
    """64 characters is allowed everywhere, including the paths a run writes."""
    name = "w" * 64
    step = "s" * 64
    function = "f" * 64
    hostile.write(
        {
            "main.hcl": BASE
            + f'function "{function}" {{\n  runtime = runtime.python\n'
            + '  source = "./functions/hello"\n}\n'
            + f'workflow "{name}" {{\n  step "{step}" {{\n    function = function.{function}\n'
            + "  }\n}\n"
        }
    )
    hostile.run("apply", "--auto-approve", check=0)
    result = hostile.run("run", name, "--input", "{}", check=0)
    assert "succeeded" in result.stdout + result.stderr
    assert hostile.outside() == hostile.before


@pytest.mark.parametrize(
    "source", ["fnplan/../../x", "fnplan//etc", "fnplan/vision/../vision", "fnplan/./vision"]
)
def test_builtin_module_sources_name_only_builtin_modules(hostile: Hostile, source: str) -> None:
    hostile.write({"main.hcl": BASE + f'module "m" {{\n  source = "{source}"\n}}\n'})
    hostile.refused(
        "validate", at=f"main.hcl:{BASE_LINES + 2}:12", says=f"no built-in module {source[7:]!r}"
    )


def test_addresses_composed_through_modules_stay_within_file_name_limits(
    hostile: Hostile,
) -> None:
    """Each name is at most 64 characters, but module nesting composes them into addresses,
    which name directories: beyond the file-system limit that was an OSError at apply."""
    names = ["m" * 54, "n" * 54, "o" * 54]  # runtime.py fits (195), the function (259) not
    hostile.write({"main.hcl": BASE + f'module "{names[0]}" {{\n  source = "./m0"\n}}\n'})
    for depth, name in enumerate(names[1:], start=1):
        hostile.write(
            {f"m{depth - 1}/main.hcl": f'module "{name}" {{\n  source = "../m{depth}"\n}}\n'}
        )
    handler_dir = f"m{len(names) - 1}/f"
    hostile.write(
        {
            f"{handler_dir}/main.py": "def handler(event, context):\n    return 1\n",
            f"m{len(names) - 1}/main.hcl": 'runtime "py" {\n  language = "python3.12"\n}\n'
            + f'function "{"f" * 64}" {{\n  runtime = runtime.py\n  source = "./f"\n}}\n',
        }
    )
    for command in (["validate"], ["apply", "--auto-approve"]):
        hostile.refused(*command, at=f"m{len(names) - 1}/main.hcl:4:1", says="characters long")


def test_file_functions_take_plan_time_paths_only(hostile: Hostile) -> None:
    """Today `file(input.path)` read any file (/etc/passwd) at run time, on an http caller's
    input."""
    hostile.write(
        {
            "main.hcl": BASE
            + 'workflow "w" {\n  step "a" {\n    function = function.hello\n'
            + "    input    = { text = file(input.path) }\n  }\n}\n"
        }
    )
    hostile.refused("validate", at=f"main.hcl:{BASE_LINES + 4}:30", says="file()")
