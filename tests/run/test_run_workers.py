"""Warm worker processes: parallelism, isolation of crashes, timeouts, capture, schemas."""

from __future__ import annotations

import os
from pathlib import Path

from fnplan.run import WorkerPool
from tests.run.runkit import ECHO, Deployment, document, events, expr, records

TIMED = """
import time

def handler(event, context):
    start = time.time()
    time.sleep(event["sleep"])
    return {"start": start, "end": time.time(), "pid": __import__("os").getpid()}
"""

CRASH = """
import ctypes, os

def handler(event, context):
    if event["how"] == "exit":
        os._exit(3)
    ctypes.string_at(0)
"""

CHATTY = """
import os, sys

IMPORTS = 0
IMPORTS += 1
print("imported")

def handler(event, context):
    print("to stdout", event)
    print("to stderr", file=sys.stderr)
    os.write(1, b"raw fd 1\\n")
    return {
        "imports": IMPORTS,
        "cwd": os.getcwd(),
        "env": os.environ.get("GREETING"),
        "name": context.function_name,
        "version": context.function_version,
        "request": context.aws_request_id,
        "remaining": context.get_remaining_time_in_millis(),
        "pid": os.getpid(),
    }
"""


def test_independent_branches_really_run_in_parallel(deploy: Deployment) -> None:
    timed = deploy.function("timed", TIMED)
    doc = document(
        "parallel",
        [
            {"name": "left", "type": "function", "function": timed, "input": {"sleep": 0.6}},
            {"name": "right", "type": "function", "function": timed, "input": {"sleep": 0.6}},
        ],
        output={"left": expr("step.left.output"), "right": expr("step.right.output")},
    )
    result = deploy.run(doc)
    assert result.status == "succeeded", result.error
    left, right = result.output["left"], result.output["right"]
    assert left["start"] < right["end"] and right["start"] < left["end"]
    assert left["pid"] != right["pid"]


def test_a_crashing_worker_fails_only_its_own_step(deploy: Deployment, pool: WorkerPool) -> None:
    crash = deploy.function("crash", CRASH)
    echo = deploy.function("echo", ECHO)
    doc = document(
        "crashy",
        [
            {
                "name": "exits",
                "type": "function",
                "function": crash,
                "input": {"how": "exit"},
                "catch": [{"errors": ["WorkerCrashed"], "next": "recover"}],
            },
            {
                "name": "segfaults",
                "type": "function",
                "function": crash,
                "input": {"how": "segv"},
                "catch": [{"errors": ["WorkerCrashed"], "next": "recover"}],
            },
            {"name": "recover", "type": "function", "function": echo, "input": "recovered"},
            {"name": "fine", "type": "function", "function": echo, "input": "fine"},
        ],
        output={"fine": expr("step.fine.output"), "recover": expr("step.recover.output")},
    )
    result = deploy.run(doc)
    assert result.status == "succeeded", result.error
    assert result.output == {"fine": "fine", "recover": "recovered"}
    crashes = {r.step: r.error for r in records(result) if r.event == "caught"}
    assert crashes["exits"] is not None and "exit code 3" in crashes["exits"].message
    segv = crashes["segfaults"]
    assert segv is not None and segv.type == "WorkerCrashed" and "SIGSEGV" in segv.message
    assert "Segmentation fault" in (segv.traceback or "")
    again = deploy.run(doc)  # dead workers are replaced, not reused
    assert again.status == "succeeded"


def test_a_timeout_kills_the_worker(deploy: Deployment, pool: WorkerPool) -> None:
    timed = deploy.function("timed", TIMED, timeout=0.3)
    doc = document(
        "slow",
        [{"name": "wait", "type": "function", "function": timed, "input": {"sleep": 30}}],
    )
    result = deploy.run(doc)
    assert result.status == "failed"
    assert result.error is not None and result.error.type == "Timeout"
    assert "0.3 s" in result.error.message
    assert pool.worker_count() == 0


def test_step_resources_override_the_function_timeout(deploy: Deployment) -> None:
    timed = deploy.function("timed", TIMED, timeout=0.2)
    doc = document(
        "override",
        [
            {
                "name": "wait",
                "type": "function",
                "function": timed,
                "input": {"sleep": 0.4},
                "resources": {"timeout": 5},
            }
        ],
    )
    assert deploy.run(doc).status == "succeeded"


def test_workers_are_warm_and_prints_are_captured_per_attempt(
    deploy: Deployment, pool: WorkerPool
) -> None:
    chatty = deploy.function("chatty", CHATTY, env={"GREETING": "hello"})
    doc = document(
        "chatty",
        [
            {"name": "one", "type": "function", "function": chatty, "input": 1},
            {
                "name": "two",
                "type": "function",
                "function": chatty,
                "input": 2,
                "depends_on": ["one"],
            },
        ],
        output={"one": expr("step.one.output"), "two": expr("step.two.output")},
    )
    first = deploy.run(doc)
    second = deploy.run(doc)
    assert first.status == second.status == "succeeded"
    one, two = first.output["one"], first.output["two"]
    assert one["pid"] == two["pid"] == second.output["two"]["pid"]
    assert one["imports"] == two["imports"] == 1
    assert pool.worker_count() == 1
    assert one["cwd"] == str(deploy.root / "functions" / "chatty")
    assert one["env"] == "hello"
    assert (one["name"], one["version"]) == ("function.chatty", "v-chatty")
    assert 0 < one["remaining"] <= 30_000
    done = [r for r in records(first) if r.event == "succeeded"]
    assert done[0].stdout_path is not None and done[0].stderr_path is not None
    assert Path(done[0].stdout_path).read_text() == "imported\nto stdout 1\nraw fd 1\n"
    assert Path(done[0].stderr_path).read_text() == "to stderr\n"
    assert Path(done[1].stdout_path or "").read_text() == "to stdout 2\nraw fd 1\n"
    assert Path(done[0].stdout_path).parent == first.log_path.with_suffix("")
    started = {r.step: r.span_id for r in records(first) if r.event == "started"}
    assert one["request"] != two["request"] and started["one"] != started["two"]


def test_handler_exceptions_and_import_errors_are_step_errors(deploy: Deployment) -> None:
    broken = deploy.function("broken", "import not_a_module\n")
    doc = document("broken", [{"name": "x", "type": "function", "function": broken}])
    result = deploy.run(doc)
    assert result.error is not None and result.error.type == "ModuleNotFoundError"
    assert "not_a_module" in (result.error.traceback or "")


def test_schemas_are_checked_at_run_time(deploy: Deployment) -> None:
    strict = deploy.function(
        "strict",
        "def handler(event, context):\n    return {'width': 'wide'}\n",
        input_schema={"type": "object", "properties": {"width": {"type": "integer"}}},
        output_schema={"type": "object", "properties": {"width": {"type": "integer"}}},
    )
    doc = document(
        "schemas",
        [{"name": "x", "type": "function", "function": strict, "input": expr("input")}],
    )
    bad_input = deploy.run(doc, {"width": "256"})
    assert bad_input.error is not None and bad_input.error.type == "InputValidation"
    assert "'256' is not of type 'integer' (at /width)" in bad_input.error.message
    assert events(bad_input, "x") == ["started", "failed"]
    bad_output = deploy.run(doc, {"width": 256})
    assert bad_output.error is not None and bad_output.error.type == "OutputValidation"


def test_a_missing_interpreter_or_function_is_a_step_error(deploy: Deployment) -> None:
    nopython = deploy.function("nopython", ECHO, python="/nonexistent/python3")
    doc = document(
        "missing",
        [
            {"name": "a", "type": "function", "function": nopython},
            {
                "name": "b",
                "type": "function",
                "function": {"address": "function.ghost", "version": "v0"},
            },
        ],
    )
    result = deploy.run(doc)
    errors = {r.step: r.error.type for r in records(result) if r.event == "failed" and r.error}
    assert errors == {"a": "WorkerStartFailed", "b": "FunctionNotDeployed"}
    assert result.status == "failed"


def test_the_pool_grows_to_the_parallelism_needed(deploy: Deployment, pool: WorkerPool) -> None:
    timed = deploy.function("timed", TIMED)
    steps = [
        {"name": f"s{i}", "type": "function", "function": timed, "input": {"sleep": 0.3}}
        for i in range(4)
    ]
    result = deploy.run(document("wide", steps), max_parallel=4)
    assert result.status == "succeeded"
    assert pool.worker_count() == 4
    pool.close()
    assert pool.worker_count() == 0
    assert os.path.isdir(deploy.root / "functions" / "timed")
    assert not list((deploy.root / "functions" / "timed").glob("__pycache__"))
