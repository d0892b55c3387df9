"""A small project deployed to netsim: a runtime, two functions, a workflow calling both,
an event and a trigger; and a reader of its simulated cloud."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fnplan.providers.netsim import cloud_objects

from tests.cli.conftest import Runner, run_fnplan

HANDLER = "def handler(event, context):\n    return {'greeting': 'hello ' + event['name']}\n"

BODY = """
runtime "python" {
  language = "python3.12"
}

function "hello" {
  runtime = runtime.python
  source  = "./functions/hello"
}

function "bye" {
  runtime = runtime.python
  source  = "./functions/bye"
}

workflow "greet" {
  step "hello" {
    function = function.hello
    input    = { name = input.name }
  }
  step "bye" {
    function = function.bye
    input    = { name = step.hello.output.greeting }
  }
  output = { text = step.bye.output.greeting }
}

event "greeted" {
  type = "com.example.greeted"
}

trigger "on_greeted" {
  event  = event.greeted
  target = workflow.greet
}
"""

ADDRESSES = [
    "event.greeted",
    "function.bye",
    "function.hello",
    "runtime.python",
    "trigger.on_greeted",
    "workflow.greet",
]


def write_project(directory: Path, provider_block: str) -> Path:
    """The project in `directory` with `provider_block` (HCL) as its provider."""
    for name in ("hello", "bye"):
        code = directory / "functions" / name
        code.mkdir(parents=True, exist_ok=True)
        (code / "main.py").write_text(HANDLER)
    (directory / "main.hcl").write_text(provider_block + "\n" + BODY)
    return directory


@pytest.fixture
def fnplan() -> Runner:
    return run_fnplan


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project on netsim with 30 ms of latency; its cloud in .fnplan/netsim."""
    return write_project(tmp_path / "project", 'provider "netsim" {\n  latency_ms = 30\n}\n')


def objects(root: Path) -> dict[str, dict[str, Any]]:
    """The simulated cloud's objects by the fnplan address they are tagged with."""
    found: dict[str, dict[str, Any]] = {}
    for obj in cloud_objects(root):
        address = obj["tags"]["fnplan:address"]
        assert address not in found, f"two objects are tagged {address}"
        found[address] = obj
    return found
