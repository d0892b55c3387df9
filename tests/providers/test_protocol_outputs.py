"""Outputs converge (protocol v2): a reference `TYPE.NAME.attr` may name exactly the outputs
the block's provider declares; those are recorded, so a second plan is empty."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fnplan.providers.local import LocalProvider

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.conftest import EXAMPLES

#: one block of every local resource type, beside examples/minimal's runtime/function/workflow
EXTRA = """
event "ping" {
  type = "com.example.ping"
}

trigger "tick" {
  schedule = "0 2 * * *"
  target   = workflow.hello
  input    = { name = "tick" }
}
"""
ADDRESSES = {
    "runtime": "runtime.python",
    "function": "function.hello",
    "workflow": "workflow.hello",
    "event": "event.ping",
    "trigger": "trigger.tick",
}
#: `function.NAME.versions` is written `function.NAME.versions[N]` (a pinned version), never
#: a value of its own
NOT_A_VALUE = {("function", "versions")}


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    project = tmp_path / "minimal"
    shutil.copytree(EXAMPLES / "minimal", project, ignore=shutil.ignore_patterns(".fnplan"))
    (project / "extra.hcl").write_text(EXTRA)
    return project


def _every_output() -> dict[str, str]:
    """Output name -> reference, for every output of every local resource type."""
    found = {}
    for type_, schema in LocalProvider.resource_schemas.items():
        for attr in schema.outputs:
            if (type_, attr) not in NOT_A_VALUE:
                found[f"{type_}_{attr}"] = f"{ADDRESSES[type_]}.{attr}"
    return found


def test_every_declared_output_converges(minimal: Path) -> None:
    wanted = _every_output()
    assert set(ADDRESSES) == set(LocalProvider.resource_schemas)
    blocks = [f'output "{name}" {{\n  value = {ref}\n}}\n' for name, ref in wanted.items()]
    (minimal / "outputs.hcl").write_text("\n".join(blocks))
    run_fnplan("validate", cwd=minimal)
    run_fnplan("apply", "--auto-approve", cwd=minimal)
    run_fnplan("plan", "--detailed-exitcode", cwd=minimal)  # 0: nothing changes
    shown = json.loads(run_fnplan("output", "--json", cwd=minimal).stdout)
    recorded = {name: output["value"] for name, output in shown.items()}
    assert set(recorded) == set(wanted)
    assert recorded["workflow_endpoint"] == "local://workflow/workflow.hello"
    assert recorded["trigger_id"] == "trigger.tick"
    assert recorded["function_version_number"] == 1


def test_an_output_the_provider_does_not_produce_is_a_validate_error(
    minimal: Path,
) -> None:
    (minimal / "outputs.hcl").write_text(
        'output "arn" {\n  value = function.hello.arn\n}\n'
        'output "url" {\n  value = { endpoint = workflow.hello.endpint }\n}\n'
    )
    result = run_fnplan("validate", cwd=minimal, check=None)
    produced = ", ".join(sorted(LocalProvider.resource_schemas["function"].outputs))
    assert_clean_error(
        result,
        "outputs.hcl:2:25: error: function.hello has no attribute 'arn'",
        "provider local does not produce it",
        f"allowed: {produced}",
        "outputs.hcl:5:38: error: workflow.hello has no attribute 'endpint'",
        "did you mean 'endpoint'?",
    )
    plan = run_fnplan("plan", cwd=minimal, check=None)
    assert_clean_error(plan, "function.hello has no attribute 'arn'")


def test_a_reference_in_an_attribute_is_checked_too(minimal: Path) -> None:
    main = minimal / "main.hcl"
    text = main.read_text().replace(
        '  handler = "main.handler"\n}',
        '  handler = "main.handler"\n  env = { PEER = runtime.python.arn }\n}',
        1,
    )
    main.write_text(text)
    result = run_fnplan("validate", cwd=minimal, check=None)
    assert_clean_error(result, "main.hcl:", "runtime.python has no attribute 'arn'", "venv")
