"""The studio's JSON endpoints, through a real `fnplan serve --ui`: graphs with step details,
edits that change only their lines (or are refused and write nothing), the file-change
stream, runs, the plan, and the serve guard (Host, Origin, token, body size, names)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.cli.conftest import assert_clean_error, run_fnplan, user_environment
from tests.events.conftest import Server
from tests.studio.web.conftest import CHECK_IN, git, start, stop


def api(server: Server, path: str) -> str:
    return f"{server.url}/ui/api{path}"


def events(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    """The (name, data) of each server-sent event of a streamed response."""
    name = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield name, json.loads(line.removeprefix("data: "))


def added_lines(project: Path) -> list[str]:
    """The lines `git diff` shows added since the commit (stripped); none removed."""
    diff = [
        line for line in git(project, "diff", "-U0").splitlines() if line[:3] not in ("---", "+++")
    ]
    assert not [line for line in diff if line.startswith("-")]
    return [line[1:].strip() for line in diff if line.startswith("+")]


def test_every_workflow_is_listed_and_drawn_with_its_steps_details(shared_studio: Server) -> None:
    listed = httpx.get(api(shared_studio, "/workflows")).json()["workflows"]
    assert [w["name"] for w in listed] == ["orders", "ping"]
    assert listed[0]["steps"] == 3 and listed[0]["pos"].startswith("main.hcl:")

    view = httpx.get(api(shared_studio, "/workflows/orders")).json()
    nodes = {node["id"]: node for node in view["graph"]["nodes"]}
    assert set(nodes) == {"step.check", "step.wait", "step.charge"}
    assert all(node["box"] is not None for node in nodes.values())
    assert nodes["step.check"]["box"]["layer"] < nodes["step.wait"]["box"]["layer"]
    check = view["steps"]["step.check"]
    assert check["pos"] == "main.hcl:30:3"
    assert check["attributes"] == {"function": "function.check", "input": "{ id = input.id }"}
    assert check["input_schema"] == json.loads(CHECK_IN)
    assert check["output_schema"] is None
    assert view["steps"]["step.wait"]["attributes"]["depends_on"] == "[step.check]"
    assert "function.pause" in view["functions"]
    assert view["workflows"] == ["workflow.ping"]


def test_an_edit_changes_only_the_lines_of_its_step_and_edge(studio: Server, project: Path) -> None:
    ops = [
        {"op": "add_step", "step": "audit", "attributes": {"function": "function.check"}},
        {"op": "add_edge", "from": "step.charge", "to": "step.audit", "kind": "sequential"},
    ]
    answer = httpx.post(api(studio, "/workflows/orders/ops"), json=ops)
    assert answer.status_code == 200, answer.text
    assert answer.json()["files"] == [{"file": "main.hcl", "added": 5, "removed": 0}]
    assert git(project, "diff", "--numstat").split() == ["5", "0", "main.hcl"]
    assert added_lines(project) == [
        "",
        'step "audit" {',
        "function = function.check",
        "depends_on = [step.charge]",
        "}",
    ]
    view = httpx.get(api(studio, "/workflows/orders")).json()
    edges = {(e["source"], e["target"], e["kind"]) for e in view["graph"]["edges"]}
    assert ("step.charge", "step.audit", "sequential") in edges


def test_a_step_that_calls_another_workflow_can_be_added(studio: Server) -> None:
    ops = [{"op": "add_step", "step": "nested", "attributes": {"workflow": "workflow.ping"}}]
    assert httpx.post(api(studio, "/workflows/orders/ops"), json=ops).status_code == 200
    view = httpx.get(api(studio, "/workflows/orders")).json()
    nested = next(node for node in view["graph"]["nodes"] if node["id"] == "step.nested")
    assert (nested["type"], nested["target"]) == ("workflow", "workflow.ping")


def test_an_edit_that_would_break_the_configuration_is_refused_and_writes_nothing(
    studio: Server, project: Path
) -> None:
    cycle = [{"op": "add_edge", "from": "step.charge", "to": "step.check", "kind": "sequential"}]
    answer = httpx.post(api(studio, "/workflows/orders/ops"), json=cycle)
    assert answer.status_code == 422
    assert "nothing was written" in answer.json()["error"]
    assert "cycle" in answer.text.lower()
    malformed = httpx.post(api(studio, "/workflows/orders/ops"), json=[{"op": "explode"}])
    assert malformed.status_code == 422 and "invalid operation" in malformed.json()["error"]
    not_json = httpx.post(api(studio, "/workflows/orders/ops"), content=b"{nope")
    assert not_json.status_code == 422 and "not JSON" in not_json.json()["error"]
    assert git(project, "status", "--porcelain") == ""


def test_the_change_stream_reports_every_write_to_the_files(studio: Server, project: Path) -> None:
    with httpx.stream("GET", api(studio, "/changes"), timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = events(response)
        name, first = next(stream)
        assert name == "files"
        main = project / "main.hcl"
        main.write_text(main.read_text() + "\n# edited in a text editor\n")
        name, second = next(stream)
        assert name == "files" and second["version"] != first["version"]


def test_names_that_walk_paths_are_not_found(shared_studio: Server) -> None:
    for path in [
        "/ui/api/workflows/%2e%2e",
        "/ui/api/workflows/..%2F..%2Fetc%2Fpasswd",
        "/ui/api/workflows/a%00b",
        "/ui/api/workflows/orders/runs/..%2F..%2Fstate",
        "/ui/static/..%2Fproject.py",
        "/ui/static/%2e%2e/routes.py",
        "/ui/workflows/..%2F..%2Fmain.hcl/x",
    ]:
        answer = httpx.get(shared_studio.url + path)
        assert answer.status_code == 404, (path, answer.text)
        assert "def " not in answer.text and "provider" not in answer.text, path


def test_the_serve_guard_protects_the_studio(studio: Server, project: Path) -> None:
    rebinding = httpx.get(api(studio, "/workflows"), headers={"Host": "evil.example:80"})
    assert rebinding.status_code == 403
    ops = [{"op": "add_step", "step": "x", "attributes": {"function": "function.check"}}]
    forged = httpx.post(
        api(studio, "/workflows/orders/ops"), json=ops, headers={"Origin": "http://evil.example"}
    )
    assert forged.status_code == 403
    same_origin = httpx.get(api(studio, "/workflows"), headers={"Origin": studio.url})
    assert same_origin.status_code == 200
    huge = [{**ops[0], "attributes": {"function": "function.check", "input": "1" * 2_000_000}}]
    assert httpx.post(api(studio, "/workflows/orders/ops"), json=huge).status_code == 413
    assert git(project, "status", "--porcelain") == ""


def test_a_token_guards_the_studio_and_a_page_opened_with_it_sets_a_cookie(
    project: Path,
) -> None:
    server = start(project, env={"FNPLAN_SERVE_TOKEN": "s3cret-token"})
    try:
        assert "?token=<token>" in "".join(server.banner)
        assert "s3cret-token" not in "".join(server.banner)
        assert httpx.get(api(server, "/workflows")).status_code == 401
        assert httpx.get(f"{server.url}/ui/").status_code == 401
        assert httpx.get(f"{server.url}/ui/?token=wrong").status_code == 401
        bearer = {"Authorization": "Bearer s3cret-token"}
        assert httpx.get(api(server, "/workflows"), headers=bearer).status_code == 200
        with httpx.Client() as browser:
            opened = browser.get(f"{server.url}/ui/workflows/orders?token=s3cret-token")
            assert opened.status_code == 200
            cookie = opened.headers["set-cookie"].lower()
            assert "httponly" in cookie and "samesite=strict" in cookie
            assert browser.get(api(server, "/workflows")).status_code == 200
        # the query token opens pages only, never the API
        assert httpx.get(api(server, "/workflows?token=s3cret-token")).status_code == 401
    finally:
        stop(server)


def test_runs_are_started_listed_and_followed_as_they_happen(deployed: Path) -> None:
    server = start(deployed)
    try:
        before = httpx.get(api(server, "/workflows/orders/runs")).json()["executions"]
        started = httpx.post(
            api(server, "/workflows/orders/runs"),
            json={"input": {"id": "o-1", "seconds": 0}},
            timeout=60,
        )
        assert started.status_code == 202, started.text
        execution = started.json()["execution_id"]
        url = api(server, f"/workflows/orders/runs/{execution}")
        with httpx.stream("GET", url, timeout=60) as response:
            seen = list(events(response))
        records = [data for name, data in seen if name == "record"]
        assert seen[-1][0] == "end"
        steps = [(r["step"], r["event"]) for r in records if r["step"]]
        assert ("check", "succeeded") in steps and ("charge", "failed") in steps
        assert steps.index(("check", "succeeded")) < steps.index(("wait", "started"))
        assert records[-1]["event"] == "run_failed"
        assert any("charge" in line for r in records for line in r["lines"])
        check = next(r for r in records if (r["step"], r["event"]) == ("check", "succeeded"))
        assert check["captured"] == {"stdout": "checking order o-1\n"}
        listed = httpx.get(api(server, "/workflows/orders/runs")).json()["executions"]
        assert len(listed) == len(before) + 1
        assert listed[0]["execution_id"] == execution
        assert (listed[0]["status"], listed[0]["failed_step"]) == ("failed", "charge")
        unknown = httpx.get(api(server, "/workflows/orders/runs/20200101T000000Z-abc"))
        assert unknown.status_code == 422 and "no execution" in unknown.json()["error"]
        bad_input = httpx.post(api(server, "/workflows/orders/runs"), json=[1])
        assert bad_input.status_code == 422
    finally:
        stop(server)


def test_the_plan_draws_each_changed_workflows_graph_diff(project: Path) -> None:
    run_fnplan("apply", "--auto-approve", cwd=project)
    server = start(project)
    try:
        ops = [
            {"op": "add_step", "step": "refund", "attributes": {"function": "function.check"}},
            {"op": "remove_edge", "from": "step.wait", "to": "step.charge", "kind": "sequential"},
        ]
        assert httpx.post(api(server, "/workflows/orders/ops"), json=ops).status_code == 200
        plan = httpx.get(api(server, "/plan"), timeout=60).json()
        assert plan["summary"].startswith("Plan:")
        assert {"address": "workflow.orders", "action": "update"}.items() <= {
            **next(c for c in plan["changes"] if c["address"] == "workflow.orders")
        }.items()
        diff = plan["workflows"]["workflow.orders"]
        assert diff["marks"]["step.refund"] == "added"
        assert diff["marks"]["step.wait->step.charge:sequential"] == "removed"
        assert "workflow.ping" not in plan["workflows"]
        drawn = {node["id"] for node in diff["graph"]["nodes"] if node["box"]}
        assert drawn == {"step.check", "step.wait", "step.charge", "step.refund"}
    finally:
        stop(server)


def test_the_studio_serves_until_stopped_so_it_does_not_go_with_once(project: Path) -> None:
    result = run_fnplan("serve", "--ui", "--once", cwd=project, check=None)
    assert_clean_error(result, "--ui serves until stopped: it does not go with --once")


def test_a_stopping_server_does_not_wait_for_a_run_it_only_follows(deployed: Path) -> None:
    server = start(deployed)
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fnplan",
            "run",
            "orders",
            "--execution-id",
            "long-run",
            "--input",
            '{"id": "l", "seconds": 60}',
        ],
        cwd=deployed,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=user_environment(),
    )
    try:
        deadline = time.monotonic() + 30
        while "long-run" not in httpx.get(api(server, "/workflows/orders/runs")).text:
            assert time.monotonic() < deadline, "the run did not start"
            time.sleep(0.1)  # polling the list: there is no signal to wait on
        url = api(server, "/workflows/orders/runs/long-run")
        with httpx.stream("GET", url, timeout=30) as response:
            stream = events(response)
            while next(stream)[1].get("step") != "wait":
                pass  # until the long step has started
            stopping = time.monotonic()
            code, _ = server.stop(timeout=20)
        assert code == 0 and time.monotonic() - stopping < 10
        assert run.poll() is None  # the run goes on without the server
    finally:
        run.kill()
        run.wait()
        if server.process.poll() is None:
            server.process.kill()
            server.process.communicate()
