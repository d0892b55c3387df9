"""AWS provider benchmark: apply of N functions and N/10 workflows against moto in server mode,
with a fixed latency added to every request by a proxy (benchmarks/latency_proxy.py).

Reports the apply's wall time, the requests it made by AWS operation, and the ratio of the
wall time to the critical-path bound computed from REQUEST_BUDGET (requests per resource
type, each costing the latency; see benchmarks/README.md); targets: ratio ≤ 1.5 and no
operation over its budget.

    python benchmarks/aws.py                      # 200 functions, 20 workflows, 50 ms, 3 runs
    python benchmarks/aws.py --n 50 --latency-ms 20 --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import engine
import harness
from latency_proxy import LatencyProxy

TARGET_RATIO = 1.5
#: the requests the create of one resource needs, by operation (each one waits on the one
#: before it: they form the resource's own path); a runtime without packages needs none
REQUEST_BUDGET: dict[str, dict[str, int]] = {
    "function": {
        "lambda:GetFunction": 1,  # the name is free (another's object is refused)
        "iam:CreateRole": 1,  # its least-privilege role
        "iam:PutRolePolicy": 1,
        "lambda:CreateFunction": 1,
        "lambda:GetFunctionConfiguration": 1,  # wait until Active (AWS: Pending first)
        "lambda:PutFunctionConcurrency": 1,  # scaling.max
        "lambda:PublishVersion": 1,
        "lambda:CreateAlias": 2,  # v-<version> (what workflows call) and live (triggers)
    },
    "workflow": {
        "states:DescribeStateMachine": 1,  # the name is free
        "iam:CreateRole": 1,
        "iam:PutRolePolicy": 1,
        "logs:CreateLogGroup": 1,
        "states:CreateStateMachine": 1,  # with publish: its first version
        "states:CreateStateMachineAlias": 1,  # v-<version>
    },
}
#: requests one apply makes whatever its size (the account's ID, for ARNs)
PER_APPLY = {"sts:GetCallerIdentity": 1}
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextmanager
def moto_server() -> Iterator[tuple[str, int]]:
    """moto in server mode on a free port of 127.0.0.1 (its endpoint and process ID),
    stopped at the end."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("moto server did not start") from None
                time.sleep(0.05)
        yield endpoint, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def cpu_s(pid: int) -> float:
    """User + system CPU seconds process `pid` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def warm_up(endpoint: str) -> None:
    """One call to each service first: moto builds a service's backend on its first request
    (a second or more), which AWS does not make anyone wait for."""
    import boto3

    calls = {
        "sts": "get_caller_identity",
        "iam": "list_roles",
        "lambda": "list_functions",
        "stepfunctions": "list_state_machines",
        "logs": "describe_log_groups",
    }
    for service, call in calls.items():
        getattr(boto3.client(service, endpoint_url=endpoint, region_name="us-east-1"), call)()


def bench(n: int, latency: float, parallelism: int) -> dict[str, object]:
    """Apply the generated project through the latency proxy; wall time and requests."""
    temp = Path(tempfile.mkdtemp(prefix=f"fnplan-bench-aws-{n}-"))
    root = temp / "project"
    saved = {name: os.environ.get(name) for name in (*CREDENTIALS, "FNPLAN_CACHE_DIR")}
    os.environ.update(CREDENTIALS, FNPLAN_CACHE_DIR=str(temp / "cache"))
    try:
        with moto_server() as (upstream, moto_pid), LatencyProxy(upstream, latency) as proxy:
            engine.generate(root, n)
            with (root / "main.hcl").open("a") as config:
                config.write(
                    f'\nprovider "aws" {{\n  region   = "us-east-1"\n'
                    f'  endpoint = "{proxy.url}"\n  max_attempts = 1\n}}\n'
                )
            harness.compile_fnplan()
            warm_up(upstream)

            def fnplan(*args: str) -> harness.Measured:
                return harness.fnplan(*args, cwd=root)

            fnplan("plan", "--out", "bench.plan")
            proxy.reset()
            moto_cpu, proxy_cpu = cpu_s(moto_pid), cpu_s(os.getpid())
            started = time.monotonic()
            applied = fnplan("apply", "--parallelism", str(parallelism), "bench.plan")
            moto_cpu, proxy_cpu = cpu_s(moto_pid) - moto_cpu, cpu_s(os.getpid()) - proxy_cpu
            first, last = proxy.first or started, proxy.last or started
            counts = Counter(proxy.counts)
            answer_s = dict(proxy.upstream_s)
        return {
            "n_functions": n,
            "n_workflows": n // 10,
            "latency_ms": round(latency * 1000),
            "parallelism": parallelism,
            "apply_s": round(applied.wall_s, 3),
            # the apply's process before its first request (start, reading the saved plan,
            # locking the state) and the time from its first request to its last answer
            "start_s": round(first - started, 3),
            "requests_s": round(last - first, 3),
            "cpu_s": round(applied.cpu_s, 3),
            # the CPU time moto and the proxy used meanwhile: the three share the machine
            "moto_cpu_s": round(moto_cpu, 3),
            "proxy_cpu_s": round(proxy_cpu, 3),
            "requests": sum(counts.values()),
            # time-weighted requests in flight (added latency plus moto's answer): how much
            # of the parallelism the apply kept busy
            "mean_in_flight": round(
                (sum(counts.values()) * latency + sum(answer_s.values())) / applied.wall_s, 2
            ),
            "moto_s": round(sum(answer_s.values()), 3),
            "by_operation": dict(sorted(counts.items())),
            "moto_s_by_operation": {k: round(v, 3) for k, v in sorted(answer_s.items())},
        }
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(temp, ignore_errors=True)


def budget(n: int) -> Counter[str]:
    """The requests the apply of the benchmark's project may make, by operation."""
    allowed: Counter[str] = Counter(PER_APPLY)
    for type_, count in (("function", n), ("workflow", n // 10)):
        for name, requests in REQUEST_BUDGET[type_].items():
            allowed[name] += requests * count
    return allowed


def bound_s(n: int, latency: float, parallelism: int) -> float:
    """The least time the apply can take when each request costs `latency`: the longer of
    the critical path (the account's ID, then a function, then the workflow calling it) and
    all budgeted requests spread over `parallelism` concurrent calls."""
    path = sum(PER_APPLY.values()) + sum(sum(REQUEST_BUDGET[t].values()) for t in REQUEST_BUDGET)
    spread = sum(budget(n).values()) / parallelism
    return max(path, spread) * latency


def judged(result: dict[str, Any]) -> dict[str, Any]:
    """The result with the bound, the ratio, and the operations over their budget."""
    n, latency = int(result["n_functions"]), float(result["latency_ms"]) / 1000
    bound = bound_s(n, latency, int(result["parallelism"]))
    allowed = budget(n)
    over = {
        name: {"made": made, "budget": allowed.get(name, 0)}
        for name, made in result["by_operation"].items()
        if made > allowed.get(name, 0)
    }
    ratio = float(result["apply_s"]) / bound if bound else None
    requests_ratio = float(result["requests_s"]) / bound if bound else None
    return {
        **result,
        "budget_requests": sum(allowed.values()),
        "bound_s": round(bound, 3),
        "ratio": None if ratio is None else round(ratio, 3),
        # the same for the time requests were being made (without the process's start)
        "requests_ratio": None if requests_ratio is None else round(requests_ratio, 3),
        "over_budget": over,
        "met": {
            "ratio": ratio is not None and ratio <= TARGET_RATIO,
            "requests_within_budget": not over,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="functions (and n/10 workflows)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="added per request")
    parser.add_argument("--parallelism", type=int, default=10, help="fnplan apply --parallelism")
    parser.add_argument(
        "--runs", type=int, default=3, help="applies, each on a fresh moto; reports the median"
    )
    args = parser.parse_args()
    runs = [
        judged(bench(args.n, args.latency_ms / 1000, args.parallelism)) for _ in range(args.runs)
    ]
    print(json.dumps(summarised(runs), indent=1))


def summarised(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of the runs (with each figure's range), judged on the median ratio; any
    run over its budget fails the budget."""
    result = harness.median_of(runs)
    ratio = result["ratio"]
    result["met"] = {
        "ratio": isinstance(ratio, float) and ratio <= TARGET_RATIO,
        "requests_within_budget": not any(run["over_budget"] for run in runs),
    }
    return result


if __name__ == "__main__":
    main()
