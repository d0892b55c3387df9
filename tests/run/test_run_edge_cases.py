"""Edge cases found by exploratory QA: bad URLs, shell timeouts, non-JSON handler output."""

from __future__ import annotations

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fnplan.errors import FnplanError
from tests.run.runkit import Deployment, document, expr, records


def test_http_url_with_a_space_is_an_http_error_not_a_crash(deploy: Deployment) -> None:
    doc = document(
        "httpspace",
        [
            {
                "name": "get",
                "type": "http",
                "http": {"url": expr('"http://127.0.0.1:9/q?a=${input}"')},
            }
        ],
    )
    result = deploy.run(doc, "a b")
    assert result.status == "failed"
    assert result.error is not None and result.error.type == "HTTPError"
    assert "control characters" in result.error.message
    assert records(result)[-1].event == "run_failed"


def test_http_header_with_a_newline_is_an_http_error(deploy: Deployment) -> None:
    doc = document(
        "httpheader",
        [
            {
                "name": "get",
                "type": "http",
                "http": {"url": "http://127.0.0.1:9/", "headers": {"X-A": expr("input")}},
            }
        ],
    )
    result = deploy.run(doc, "a\nInjected: 1")
    assert result.error is not None and result.error.type == "HTTPError"


def _alive(pid: int) -> bool:
    """Whether pid runs (a zombie waiting for an init that does not reap counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_shell_timeout_kills_the_scripts_children(deploy: Deployment, tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    doc = document(
        "shellslow",
        [
            {
                "name": "slow",
                "type": "shell",
                "shell": {
                    "script": 'sleep 30 & echo $! > "$PID_FILE"; wait',
                    "env": {"PID_FILE": str(pid_file)},
                },
                "resources": {"timeout": 0.5},
            }
        ],
    )
    result = deploy.run(doc)
    assert result.error is not None and result.error.type == "Timeout"
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, 9)
    assert not alive, "the script's background child outlived the step's timeout"


def test_handler_returning_nan_fails_instead_of_becoming_null(deploy: Deployment) -> None:
    call = deploy.function("nan", "def handler(event, context):\n    return {'x': float('nan')}\n")
    doc = document("nan", [{"name": "f", "type": "function", "function": call}])
    result = deploy.run(doc)
    assert result.status == "failed"
    assert result.error is not None and result.error.type == "ValueError"
    assert "JSON" in result.error.message


class _OddCharset(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = "caf\u00e9".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=no-such-charset")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_http_response_in_an_unknown_charset_is_read_as_utf8(deploy: Deployment) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _OddCharset)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        doc = document(
            "charset",
            [{"name": "get", "type": "http", "http": {"url": url}}],
            output=expr("step.get.output.body"),
        )
        result = deploy.run(doc)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.status == "succeeded", result.error
    assert result.output == "caf\u00e9"


def test_reusing_an_execution_id_is_refused_and_keeps_the_first_log(deploy: Deployment) -> None:
    doc = document("twice", [{"name": "sh", "type": "shell", "shell": {"script": "echo hi"}}])
    first = deploy.run(doc, execution_id="mine")
    before = first.log_path.read_text()
    with pytest.raises(
        FnplanError, match=r"execution 'mine' of workflow\.twice is already recorded"
    ):
        deploy.run(doc, execution_id="mine")
    assert first.log_path.read_text() == before
