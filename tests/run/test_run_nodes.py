"""sql, shell and http steps against real sqlite files, /bin/sh and a local HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.run.runkit import Deployment, document, events, expr, records


def test_sql_step_uses_bound_parameters_against_sqlite(deploy: Deployment, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'thumbs.db'}"
    connection = expr("input.db")
    doc = document(
        "sql",
        [
            {
                "name": "create",
                "type": "sql",
                "sql": {
                    "connection": url,
                    "statement": "CREATE TABLE thumbs (path TEXT, width INTEGER)",
                },
            },
            {
                "name": "insert",
                "type": "sql",
                "depends_on": ["create"],
                "sql": {
                    "connection": connection,
                    "statement": "INSERT INTO thumbs (path, width) VALUES (:path, :width)",
                    "params": {"path": expr("input.path"), "width": 256},
                },
            },
            {
                "name": "select",
                "type": "sql",
                "depends_on": ["insert"],
                "sql": {
                    "connection": connection,
                    "statement": "SELECT path, width FROM thumbs WHERE width = :width",
                    "params": {"width": 256},
                },
            },
        ],
        output={
            "inserted": expr("step.insert.output.rowcount"),
            "rows": expr("step.select.output.rows"),
        },
    )
    hostile = "x'); DROP TABLE thumbs; --"
    result = deploy.run(doc, {"db": url, "path": hostile})
    assert result.status == "succeeded", result.error
    assert result.output == {"inserted": 1, "rows": [{"path": hostile, "width": 256}]}
    started = next(r for r in records(result) if r.step == "insert" and r.event == "started")
    assert started.input == {
        "statement": "INSERT INTO thumbs (path, width) VALUES (:path, :width)",
        "params": {"path": hostile, "width": 256},
    }


def test_sql_errors_are_step_errors(deploy: Deployment, tmp_path: Path) -> None:
    doc = document(
        "sqlbad",
        [
            {
                "name": "q",
                "type": "sql",
                "sql": {
                    "connection": f"sqlite:///{tmp_path / 'x.db'}",
                    "statement": "SELECT * FROM nope",
                },
            }
        ],
    )
    result = deploy.run(doc)
    assert result.error is not None and result.error.type == "SQLError"
    assert "no such table: nope" in result.error.message


def test_shell_step_runs_locally_with_env(deploy: Deployment) -> None:
    doc = document(
        "shell",
        [
            {
                "name": "sh",
                "type": "shell",
                "shell": {
                    "image": "alpine:3.20",
                    "script": 'echo "hello $NAME"; echo "$COUNT"; echo oops >&2; pwd',
                    "env": {"NAME": expr("input.name"), "COUNT": 3},
                },
            }
        ],
        output=expr("step.sh.output"),
    )
    result = deploy.run(doc, {"name": "world"})
    assert result.status == "succeeded", result.error
    lines = result.output["stdout"].splitlines()
    assert lines[:2] == ["hello world", "3"] and "fnplan-shell-" in lines[2]
    assert result.output["exit_code"] == 0
    assert events(result, "sh") == ["started", "notice", "succeeded"]
    notice = next(r for r in records(result) if r.event == "notice")
    assert notice.message is not None and "alpine:3.20" in notice.message
    done = records(result)[-2]
    assert Path(done.stderr_path or "").read_text() == "oops\n"


def test_shell_step_non_zero_exit_is_shell_error(deploy: Deployment) -> None:
    doc = document(
        "shellbad",
        [{"name": "sh", "type": "shell", "shell": {"script": "echo broken >&2; exit 7"}}],
    )
    result = deploy.run(doc)
    assert result.error is not None and result.error.type == "ShellError"
    assert result.error.message == "script exited with code 7\nbroken"


def test_http_steps_against_a_local_server(deploy: Deployment, server: str) -> None:
    doc = document(
        "http",
        [
            {"name": "get", "type": "http", "http": {"url": expr('"${input.base}/items/1"')}},
            {
                "name": "post",
                "type": "http",
                "http": {
                    "url": f"{server}/hooks",
                    "method": "post",
                    "headers": {"Authorization": "Bearer secret"},
                    "body": {"item": expr("step.get.output.body.path")},
                },
            },
        ],
        output={"get": expr("step.get.output.body"), "post": expr("step.post.output")},
    )
    result = deploy.run(doc, {"base": server})
    assert result.status == "succeeded", result.error
    assert result.output["get"] == {"path": "/items/1"}
    post = result.output["post"]
    assert post["status"] == 201
    assert post["body"] == {
        "got": {"item": "/items/1"},
        "auth": "Bearer secret",
        "type": "application/json",
    }
    assert post["headers"]["Content-Type"].startswith("application/json")
    logged = next(r for r in records(result) if r.step == "post" and r.event == "started")
    assert "secret" not in json.dumps(logged.input)


def test_http_error_status_and_refused_connections(deploy: Deployment, server: str) -> None:
    doc = document(
        "httpbad",
        [
            {
                "name": "fail",
                "type": "http",
                "http": {"url": f"{server}/fail"},
                "catch": [{"errors": ["HTTPError"], "next": "refused"}],
            },
            {
                "name": "refused",
                "type": "http",
                "http": {"url": "http://127.0.0.1:9/", "timeout": 2},
            },
        ],
    )
    result = deploy.run(doc)
    caught = next(r for r in records(result) if r.event == "caught")
    assert caught.error is not None and caught.error.message.endswith("returned 500: boom")
    assert result.error is not None and result.error.type == "ConnectionError"
    assert result.failed_step == "refused"


def test_a_bug_inside_a_node_fails_its_step_and_the_log_still_ends(
    deploy: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: a node runner raising an unexpected exception (a bug in fnplan) fails
    only that step, as InternalError with the traceback, and the run's log is complete."""
    import fnplan.run.nodes.shell as shell_node

    def broken(request: object, ctx: object) -> object:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(shell_node, "run", broken)
    doc = document(
        "buggy",
        [
            {"name": "sh", "type": "shell", "shell": {"script": "true"}},
            {"name": "after", "type": "shell", "shell": {"script": "true"}, "depends_on": ["sh"]},
        ],
    )
    result = deploy.run(doc)
    assert result.status == "failed" and result.failed_step == "sh"
    assert result.error is not None and result.error.type == "InternalError"
    assert "ZeroDivisionError" in result.error.message
    logged = records(result)
    assert logged[-1].event == "run_failed"
    failed = next(r for r in logged if r.step == "sh" and r.event == "failed")
    assert failed.error is not None and "Traceback" in (failed.error.traceback or "")
