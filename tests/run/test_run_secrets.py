"""What the executor writes keeps secrets: masked values, private files, paths inside the run
directory, and processes that see only the environment they declare."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from fnplan.errors import FnplanError
from fnplan.run.masking import Masker
from fnplan.run.records import ErrorInfo
from tests.run.runkit import ECHO, Deployment, document, expr, records

SECRET = 'Sup3r"Secret\\Key-123'
PRINTS = """
import json, sys

def handler(event, context):
    print("token is " + event["token"])
    print(json.dumps({"nested": event["token"]}), file=sys.stderr)
    return {"echo": event["token"], "upper": event["token"].upper()}
"""


def _all_bytes(root: Path) -> bytes:
    return b"\n".join(path.read_bytes() for path in root.rglob("*") if path.is_file())


def test_masker_hides_longest_values_first_and_json_escaped_forms() -> None:
    masker = Masker(["abc", "abcdef", ""])
    assert masker.text("x abcdef y abc") == "x *** y ***"
    assert masker.value({"abc": ["abcdefg", 1]}) == {"***": ["***g", 1]}
    assert Masker([SECRET]).text(json.dumps({"k": SECRET})) == '{"k": "***"}'
    assert Masker([SECRET]).text(json.dumps(json.dumps(SECRET))) == '"\\"***\\""'
    error = Masker([SECRET]).error(ErrorInfo(type="E", message=f"bad {SECRET}", traceback=SECRET))
    assert (error.message, error.traceback) == ("bad ***", "***")
    assert Masker().value({"a": SECRET}) == {"a": SECRET}


def test_sensitive_values_are_masked_in_everything_the_run_writes(
    deploy: Deployment, server: str
) -> None:
    call = deploy.function("prints", PRINTS)
    steps: list[dict[str, Any]] = [
        {"name": "fn", "type": "function", "function": call, "input": {"token": expr("input.k")}},
        {
            "name": "sh",
            "type": "shell",
            "shell": {"script": 'echo "key=$TOKEN"; echo "$TOKEN" >&2', "env": {"TOKEN": SECRET}},
        },
        {
            "name": "get",
            "type": "http",
            "http": {"url": f"{server}/?k={SECRET.upper()}", "method": "GET"},
        },
        {
            "name": "post",
            "type": "http",
            "http": {"url": f"{server}/", "method": "POST", "body": {"key": expr("input.k")}},
        },
        {
            "name": "fail",
            "type": "http",
            "http": {"url": f"{server}/fail?{SECRET}", "method": "GET"},
            "catch": [{"errors": ["any"], "next": "after"}],
        },
        {"name": "after", "type": "shell", "shell": {"script": "true"}},
    ]
    doc = document(
        "secrets",
        steps,
        output={"fn": expr("step.fn.output"), "sh": expr("step.sh.output.stdout")},
        sensitive_values=[SECRET, SECRET.upper()],
    )
    result = deploy.run(doc, {"k": SECRET})
    assert result.status == "succeeded", result.error
    assert result.output["fn"]["echo"] == SECRET  # the run itself sees the real value
    written = _all_bytes(deploy.log_dir)
    for form in (SECRET, SECRET.upper(), json.dumps(SECRET)[1:-1]):
        assert form.encode() not in written
    by_step = {(r.step, r.event): r for r in records(result)}
    assert by_step["fn", "succeeded"].output == {"echo": "***", "upper": "***"}
    assert Path(by_step["fn", "succeeded"].stdout_path or "").read_text() == "token is ***\n"
    assert Path(by_step["fn", "succeeded"].stderr_path or "").read_text() == '{"nested": "***"}\n'
    assert by_step["sh", "succeeded"].output["stdout"] == "key=***\n"
    assert by_step["get", "started"].input["url"].endswith("/?k=***")
    assert by_step["post", "started"].input["body"] == {"key": "***"}
    caught = by_step["fail", "caught"].error
    assert caught is not None and "***" in caught.message
    assert by_step[None, "run_started"].input == {"k": "***"}
    assert by_step[None, "run_succeeded"].output == {
        "fn": {"echo": "***", "upper": "***"},
        "sh": "key=***\n",
    }


def test_a_child_run_masks_its_parents_values(deploy: Deployment) -> None:
    child = document("child", [], output=expr("input"))
    steps = [{"name": "c", "type": "workflow", "workflow": deploy.workflow(child), "input": SECRET}]
    result = deploy.run(document("parent", steps, sensitive_values=[SECRET]))
    assert result.status == "succeeded", result.error
    assert SECRET.encode() not in _all_bytes(deploy.log_dir)


def test_run_directories_are_0700_and_files_0600(deploy: Deployment) -> None:
    call = deploy.function("prints", PRINTS)
    steps = [
        {"name": "fn", "type": "function", "function": call, "input": {"token": "x"}},
        {"name": "sh", "type": "shell", "shell": {"script": "echo out; echo err >&2"}},
    ]
    result = deploy.run(document("modes", steps))
    assert result.status == "succeeded", result.error
    paths = [deploy.log_dir, *deploy.log_dir.rglob("*")]
    assert len(paths) >= 8
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


@pytest.mark.parametrize(
    ("workflow", "step"),
    [("../../x", "ok"), ("ok", "../../../y"), ("/abs", "ok"), ("..", "ok"), ("ok", "a\0b")],
)
def test_names_never_write_outside_the_log_directory(
    deploy: Deployment, tmp_path: Path, workflow: str, step: str
) -> None:
    before = sorted(tmp_path.parent.rglob("*"))
    doc = document("ok", [{"name": step, "type": "shell", "shell": {"script": "echo hi"}}])
    doc = doc.model_copy(update={"name": workflow})
    with pytest.raises(FnplanError, match="cannot write run files"):
        deploy.run(doc)
    assert sorted(tmp_path.parent.rglob("*")) == before


def test_shell_steps_see_only_the_base_environment_and_their_env(
    deploy: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FNPLAN_VAR_api_key", "from-the-caller")
    monkeypatch.setenv("SECRET_X", "unrelated-secret")
    script = "env | cut -d= -f1 | sort"
    steps = [{"name": "sh", "type": "shell", "shell": {"script": script, "env": {"MINE": "1"}}}]
    result = deploy.run(document("env", steps, output=expr("step.sh.output.stdout")))
    assert result.status == "succeeded", result.error
    names = set(result.output.split())
    assert "MINE" in names and "PATH" in names
    assert not names & {"FNPLAN_VAR_api_key", "SECRET_X"}
    assert names <= {"MINE", "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ"} | {
        "PYTHONDONTWRITEBYTECODE",
        "PWD",
        "SHLVL",
        "_",
    }


def test_a_nul_byte_in_an_environment_value_fails_the_step_clearly(deploy: Deployment) -> None:
    call = deploy.function("echo", ECHO, env={"BAD": "a\0b"})
    steps: list[dict[str, Any]] = [
        {"name": "sh", "type": "shell", "shell": {"script": "true", "env": {"V": expr("input")}}},
        {"name": "fn", "type": "function", "function": call, "input": 1},
    ]
    result = deploy.run(document("nul", steps), "x\0y")
    assert result.status == "failed"
    failed = {r.step: r.error for r in records(result) if r.event == "failed"}
    for name, error in failed.items():
        assert error is not None and error.type == "InvalidEnvironment", (name, error)
        assert "NUL byte" in error.message
    assert set(failed) <= {"sh", "fn"} and failed


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (json.loads("[" * 65 + "]" * 65), "nested deeper than 64"),
        ({"a": [1, float("inf")]}, 'inf at input["a"][1] is not a JSON number'),
        (float("nan"), "nan at input is not a JSON number"),
    ],
)
def test_run_input_beyond_the_limits_is_refused_before_anything_is_written(
    deploy: Deployment, value: object, message: str
) -> None:
    with pytest.raises(FnplanError, match=message.replace("[", r"\[").replace("]", r"\]")):
        deploy.run(document("limits", []), value)
    assert not deploy.log_dir.exists() or not any(deploy.log_dir.rglob("*.jsonl"))


def test_input_at_the_depth_limit_runs(deploy: Deployment) -> None:
    value = json.loads("[" * 64 + "]" * 64)
    assert deploy.run(document("deep", [], output=expr("input")), value).output == value
    assert os.path.isdir(deploy.log_dir)
