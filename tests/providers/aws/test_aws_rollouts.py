"""Rollouts on AWS through the real `fnplan` command, against moto: a function's alias `live`
moves to a new version in the rollout's steps (the old version primary, the new one in
RoutingConfig's AdditionalVersionWeights), the plan shows the steps in order, and
`fnplan rollout status|promote|abort` read and move the alias while apply waits (checked with
boto3)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.aws_endpoint import CREDENTIALS
from tests.cli.conftest import assert_clean_error, user_environment
from tests.providers.aws.test_aws_functions import deployed, fnplan, lam, write_project

_DEADLINE = 60.0


def rollout_project(root: Path, endpoint: str, prefix: str, interval: str, code: str) -> Path:
    write_project(root, endpoint, prefix, code=code)
    main = root / "main.hcl"
    rollout = (
        '  rollout {\n    strategy = "canary"\n    steps = [10, 50]\n'
        f'    interval = "{interval}"\n  }}\n'
    )
    main.write_text(
        main.read_text().replace("  keep_versions = 2\n", f"  keep_versions = 2\n{rollout}")
    )
    return root


def traffic(endpoint: str, name: str) -> tuple[str, dict[str, float]]:
    """(primary version, additional weights) of the function's live alias."""
    alias = lam(endpoint).get_alias(FunctionName=name, Name="live")
    return alias["FunctionVersion"], (alias.get("RoutingConfig") or {}).get(
        "AdditionalVersionWeights", {}
    )


@contextmanager
def background_apply(root: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fnplan", "apply", "--auto-approve"],
        cwd=root,
        env=user_environment(dict(CREDENTIALS)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + _DEADLINE
    while not condition():
        assert process.poll() is None or condition(), process.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_canary_plan_shows_its_steps_and_apply_walks_them_in_order(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"r{uuid.uuid4().hex[:8]}"
    root = rollout_project(tmp_path / "p", aws_endpoint, prefix, "1s", "return 1")
    fnplan(root, "apply", "--auto-approve")
    (function,) = deployed(aws_endpoint, prefix)
    name = function["FunctionName"]
    assert traffic(aws_endpoint, name) == ("1", {})  # a first version takes it all at once

    rollout_project(root, aws_endpoint, prefix, "1s", "return 2")
    plan = fnplan(root, "plan").stdout
    steps = [
        "rollout step 1/3: alias live: 10% of traffic on the new version, 90% on v1, then wait 1s",
        "rollout step 2/3: alias live: 50% of traffic on the new version, 50% on v1, then wait 1s",
        "rollout step 3/3: alias live: all traffic on the new version",
    ]
    positions = [plan.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), plan

    seen: list[tuple[str, dict[str, float]]] = []
    with background_apply(root) as process:
        while process.poll() is None:
            now = traffic(aws_endpoint, name)
            if not seen or seen[-1] != now:
                seen.append(now)
            time.sleep(0.02)
        assert process.returncode == 0, process.communicate()
    seen.append(traffic(aws_endpoint, name))
    assert [s for i, s in enumerate(seen) if i == 0 or seen[i - 1] != s] == [
        ("1", {}),
        ("1", {"2": 0.1}),
        ("1", {"2": 0.5}),
        ("2", {}),
    ]
    state = json.loads(fnplan(root, "state", "pull").stdout)
    outputs = state["resources"]["function.resize"]["outputs"]
    assert outputs["live_arn"].endswith(f":{name}:live") and outputs["version_number"] == 2
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    lam(aws_endpoint).update_alias(FunctionName=name, Name="live", FunctionVersion="1")
    drift = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert drift.returncode == 2 and "version" in drift.stdout, drift.stdout
    fnplan(root, "apply", "--auto-approve")
    assert traffic(aws_endpoint, name) == ("2", {})
    fnplan(root, "destroy", "--auto-approve")


def test_status_promote_and_abort_move_the_alias_while_apply_waits(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"r{uuid.uuid4().hex[:8]}"
    root = rollout_project(tmp_path / "p", aws_endpoint, prefix, "10m", "return 1")
    fnplan(root, "apply", "--auto-approve")
    (function,) = deployed(aws_endpoint, prefix)
    name = function["FunctionName"]
    found = json.loads(fnplan(root, "rollout", "status", "function.resize", "--json").stdout)
    assert found["state"] == "complete" and found["version"] == 1
    assert_clean_error(
        fnplan(root, "rollout", "promote", "function.resize", check=None),
        "no rollout of function.resize is in flight: all traffic is on version 1",
    )
    assert_clean_error(
        fnplan(root, "rollout", "status", "runtime.python", check=None), "has no rollouts on aws"
    )

    rollout_project(root, aws_endpoint, prefix, "10m", "return 2")
    with background_apply(root) as process:
        wait_for(lambda: traffic(aws_endpoint, name) == ("1", {"2": 0.1}), process)
        status = json.loads(fnplan(root, "rollout", "status", "function.resize", "--json").stdout)
        assert status["state"] == "in progress" and status["percent"] == 10, status
        assert (status["version"], status["previous_version"]) == (2, 1)
        fnplan(root, "rollout", "promote", "function.resize")
        assert traffic(aws_endpoint, name) == ("2", {})
        assert process.wait(timeout=_DEADLINE) == 0, process.communicate()
    assert "state: complete" in fnplan(root, "rollout", "status", "function.resize").stdout

    rollout_project(root, aws_endpoint, prefix, "10m", "return 3")
    with background_apply(root) as process:
        wait_for(lambda: traffic(aws_endpoint, name) == ("2", {"3": 0.1}), process)
        fnplan(root, "rollout", "abort", "function.resize")
        assert traffic(aws_endpoint, name) == ("2", {})
        assert process.wait(timeout=_DEADLINE) == 1
        output = "".join(process.communicate())
    assert "rollout of version 3 was aborted" in output and "Traceback" not in output, output
    again = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert again.returncode == 2 and "rollout step 1/3" in again.stdout, again.stdout
    fnplan(root, "destroy", "--auto-approve")


def test_an_interval_that_is_no_duration_is_a_validate_error(
    tmp_path: Path, aws_endpoint: str
) -> None:
    root = rollout_project(tmp_path / "p", aws_endpoint, "v", "5 minutes", "return 1")
    assert_clean_error(fnplan(root, "validate", check=None), "not a duration", "main.hcl:")
