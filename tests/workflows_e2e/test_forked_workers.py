"""Workers forked from a zygote behave like freshly started ones, and stay isolated."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fnplan.run import WorkerPool
from fnplan.run.failure import StepFailure
from fnplan.run.workers import Invocation, worker_environment
from tests.run.runkit import Function

PROBE = """
import os, sys

def handler(event, context):
    if event.get("exit"):
        os._exit(event["exit"])
    return {
        "env": dict(os.environ),
        "cwd": os.getcwd(),
        "argv": sys.argv,
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "group": os.getpgid(0),
        "path0": sys.path[0],
        "bytecode": sys.dont_write_bytecode,
    }
"""


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool()
    yield workers
    workers.close()


def _function(tmp_path: Path, name: str, **settings: object) -> Function:
    code = tmp_path / name
    code.mkdir()
    (code / "main.py").write_text(PROBE)
    return Function(f"function.{name}", "v1", code, **settings)  # type: ignore[arg-type]


def _invoke(pool: WorkerPool, spec: Function, tmp_path: Path, event: dict) -> dict:
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    result: dict = pool.invoke(spec, Invocation("r-1", event, out, err, 10.0))
    return result


@pytest.mark.skipif(sys.platform != "linux", reason="zygotes are used on Linux only")
def test_a_forked_worker_sees_what_a_started_one_sees(tmp_path: Path, pool: WorkerPool) -> None:
    spec = _function(tmp_path, "probe", env={"GREETING": "hi"})
    seen = _invoke(pool, spec, tmp_path, {})
    assert seen["ppid"] != os.getpid(), "forked from the zygote, not started by us"
    assert seen["env"] == worker_environment(spec)
    assert seen["cwd"] == str(spec.code_dir) == seen["path0"]
    assert seen["argv"][1:] == [str(spec.code_dir), "main.handler"]
    assert seen["group"] == seen["pid"], "each worker leads its own process group"
    assert seen["bytecode"] is True


def test_python_variables_in_env_start_a_fresh_interpreter(
    tmp_path: Path, pool: WorkerPool
) -> None:
    spec = _function(tmp_path, "fresh", env={"PYTHONHASHSEED": "7"})
    seen = _invoke(pool, spec, tmp_path, {})
    assert seen["ppid"] == os.getpid()
    assert seen["env"]["PYTHONHASHSEED"] == "7"


def test_a_crashed_forked_worker_fails_alone_and_is_replaced(
    tmp_path: Path, pool: WorkerPool
) -> None:
    spec = _function(tmp_path, "crash")
    first = _invoke(pool, spec, tmp_path, {})
    with pytest.raises(StepFailure) as failure:
        _invoke(pool, spec, tmp_path, {"exit": 3})
    assert failure.value.info.type == "WorkerCrashed"
    assert "exit code 3" in failure.value.info.message
    again = _invoke(pool, spec, tmp_path, {})
    assert again["pid"] != first["pid"]
    assert pool.worker_count() == 1
