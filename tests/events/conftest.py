"""A small deployed project with every trigger kind, and a running `fnplan serve`."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import run_fnplan, user_environment

FUNCTIONS = {
    "echo": "def handler(event, context):\n    return {'echo': event}\n",
    "audit": (
        "import json, os\n\n"
        "def handler(event, context):\n"
        "    with open(os.environ['AUDIT_FILE'], 'a') as f:\n"
        "        f.write(json.dumps(event) + '\\n')\n"
        "    return {'audited': event['execution_id']}\n"
    ),
    "boom": "def handler(event, context):\n    raise RuntimeError('boom')\n",
    "slow": (
        "import time\n\n"
        "def handler(event, context):\n"
        "    time.sleep(event['seconds'])\n"
        "    return {'slept': event['seconds']}\n"
    ),
    "loopy": "def handler(event, context):\n    return {'seen': event}\n",
}

ORDER_SCHEMA = """{"type": "object",
 "properties": {"id": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}},
 "required": ["id", "qty"]}"""

MAIN_HCL = """
provider "local" {}

runtime "python" {
  language = "python3.12"
  timeout  = 20
}

function "echo" {
  runtime = runtime.python
  source  = "./functions/echo"
  handler = "main.handler"
}

function "audit" {
  runtime = runtime.python
  source  = "./functions/audit"
  handler = "main.handler"
  env     = { AUDIT_FILE = "${path.module}/audit.jsonl" }
}

function "boom" {
  runtime = runtime.python
  source  = "./functions/boom"
  handler = "main.handler"
}

function "slow" {
  runtime = runtime.python
  source  = "./functions/slow"
  handler = "main.handler"
}

function "loopy" {
  runtime = runtime.python
  source  = "./functions/loopy"
  handler = "main.handler"
}

event "order_placed" {
  type   = "com.example.order.placed"
  schema = "./schemas/order.json"
}

event "ping" {
  type = "com.example.ping"
}

workflow "process" {
  step "total" {
    function = function.echo
    input    = { order = input.order, qty = input.qty }
  }
  output = { order = step.total.output.echo.order, qty = step.total.output.echo.qty }
}

workflow "flaky" {
  step "explode" {
    function = function.boom
    input    = {}
    retry {
      max_attempts = 2
      backoff      = "fixed"
      interval     = 0.01
    }
  }
}

workflow "strict" {
  input {
    schema = "./schemas/order.json"
  }
  step "total" {
    function = function.echo
    input    = { order = input.id }
  }
}

trigger "strict_hook" {
  source {
    http {
      path = "/hooks/strict"
    }
  }
  target = workflow.strict
}

trigger "on_order" {
  event  = event.order_placed
  target = workflow.process
  input  = { order = input.id, qty = input.qty }
}

trigger "hook" {
  source {
    http {
      path   = "/hooks/process"
      method = "POST"
    }
  }
  target = workflow.process
}

trigger "flaky_hook" {
  source {
    http {
      path = "/hooks/flaky"
    }
  }
  target = workflow.flaky
}

trigger "slow_hook" {
  source {
    http {
      path = "/hooks/slow"
    }
  }
  target = function.slow
}

trigger "after" {
  on_completion = workflow.process
  target        = function.audit
}

trigger "on_ping" {
  event  = event.ping
  target = function.loopy
}

trigger "again" {
  on_completion = function.loopy
  target        = function.loopy
  input         = { previous = input.execution_id }
}

trigger "tick" {
  schedule = "*/5 * * * *"
  target   = function.echo
  input    = { tick = input.time }
}
"""


def write_project(directory: Path) -> Path:
    """The trigger test project, written to `directory`."""
    for name, code in FUNCTIONS.items():
        (directory / "functions" / name).mkdir(parents=True)
        (directory / "functions" / name / "main.py").write_text(code)
    (directory / "schemas").mkdir()
    (directory / "schemas" / "order.json").write_text(ORDER_SCHEMA)
    (directory / "main.hcl").write_text(MAIN_HCL)
    return directory


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trigger test project, applied once per test module."""
    directory = write_project(tmp_path_factory.mktemp("events") / "project")
    run_fnplan("apply", "--auto-approve", cwd=directory)
    return directory


class Server:
    """A running `fnplan serve` process and the base URL it listens on."""

    def __init__(self, directory: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fnplan", "serve", "--port", "0", *args],
            cwd=directory,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=user_environment(env),
        )
        self.banner: list[str] = []
        self.errors: str | None = None
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.banner.append(line)
            found = re.search(r"Listening on (http://127\.0\.0\.1:\d+)", line)
            if found:
                self.url = found.group(1)
                self.port = int(self.url.rsplit(":", 1)[1])
                return
        self.process.wait()
        raise AssertionError(f"serve did not start:\n{''.join(self.banner)}{self.stderr()}")

    def stop(self, timeout: float = 30.0) -> tuple[int, str]:
        """SIGTERM, wait; the exit code and the rest of stdout."""
        self.process.send_signal(signal.SIGTERM)
        out, self.errors = self.process.communicate(timeout=timeout)
        return self.process.returncode, out

    def stderr(self) -> str:
        """What the server wrote to stderr, once it has stopped."""
        if self.errors is not None:
            return self.errors
        assert self.process.stderr is not None
        return self.process.stderr.read() if self.process.poll() is not None else ""


@pytest.fixture
def serve(project: Path) -> Iterator[Server]:
    """`fnplan serve --port 0` on the test project; killed if a test leaves it running."""
    server = Server(project)
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.communicate()
