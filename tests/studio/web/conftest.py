"""The studio's test project, a running `fnplan serve --ui` on it, and a headless Chromium
(Debian's, driven by Playwright) to open its pages."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run_fnplan
from tests.events.conftest import Server

CHROMIUM = "/usr/bin/chromium"

FUNCTIONS = {
    "check": (
        "def handler(event, context):\n"
        "    print(f\"checking order {event.get('id')}\")\n"
        "    return {'ok': True, 'id': event.get('id')}\n"
    ),
    "pause": (
        "import time\n\n"
        "def handler(event, context):\n"
        "    time.sleep(event.get('seconds', 0))\n"
        "    return {'slept': event.get('seconds', 0)}\n"
    ),
    "charge": "def handler(event, context):\n    raise RuntimeError('card declined')\n",
}

CHECK_IN = """{"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}"""

MAIN_HCL = """# The studio's test project.
provider "local" {}

runtime "python" {
  language = "python3.12"
  timeout  = 30
}

function "check" {
  runtime      = runtime.python
  source       = "./functions/check"
  handler      = "main.handler"
  input_schema = "./schemas/check.in.json"
}

function "pause" {
  runtime = runtime.python
  source  = "./functions/pause"
  handler = "main.handler"
}

function "charge" {
  runtime = runtime.python
  source  = "./functions/charge"
  handler = "main.handler"
}

# Orders: checked, then a pause, then charged (which fails).
workflow "orders" {
  step "check" {
    function = function.check
    input    = { id = input.id }
  }

  step "wait" {
    function   = function.pause
    input      = { seconds = input.seconds }
    depends_on = [step.check]
  }

  step "charge" {
    function   = function.charge
    input      = { id = step.check.output.id }
    depends_on = [step.wait]
  }
}

workflow "ping" {
  step "only" {
    function = function.check
    input    = { id = "x" }
  }
}
"""


def write_project(directory: Path) -> Path:
    """The studio test project, written to `directory`."""
    for name, code in FUNCTIONS.items():
        (directory / "functions" / name).mkdir(parents=True)
        (directory / "functions" / name / "main.py").write_text(code)
    (directory / "schemas").mkdir()
    (directory / "schemas" / "check.in.json").write_text(CHECK_IN)
    (directory / "main.hcl").write_text(MAIN_HCL)
    return directory


def git(directory: Path, *args: str) -> str:
    """Run git in `directory` (as a throwaway identity) and return its output."""
    identity = ["-c", "user.email=studio@example.com", "-c", "user.name=studio"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=directory, check=True, capture_output=True, text=True
    )
    return done.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project, committed to git so a test can see what an edit changed."""
    directory = write_project(tmp_path / "project")
    git(directory, "init", "-q")
    git(directory, "add", ".")
    git(directory, "commit", "-q", "-m", "initial")
    return directory


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project applied once per test module (for runs)."""
    directory = write_project(tmp_path_factory.mktemp("studio") / "project")
    run_fnplan("apply", "--auto-approve", cwd=directory)
    return directory


def start(directory: Path, *args: str, env: dict[str, str] | None = None) -> Server:
    """`fnplan serve --ui --port 0` in `directory`, started through the CLI."""
    return Server(directory, "--ui", *args, env=env)


def stop(server: Server) -> None:
    """Stop a server a test started; it must stop cleanly."""
    if server.process.poll() is None:
        code, _ = server.stop()
        assert code == 0, server.stderr()


@pytest.fixture
def studio(project: Path) -> Iterator[Server]:
    """The studio on the fresh project."""
    server = start(project)
    yield server
    stop(server)


@pytest.fixture(scope="module")
def shared_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One studio per test module for the tests that change nothing."""
    server = start(write_project(tmp_path_factory.mktemp("studio") / "project"))
    yield server
    stop(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through Playwright (the test is skipped when Chromium is absent)."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page, 1280x800; errors the page's script raises fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, errors
