"""The AWS benchmark's measuring tools (benchmarks/aws.py, benchmarks/latency_proxy.py): the
proxy adds its latency to every request and names each request's AWS operation, whatever
the service's protocol; the bound and the budget are those benchmarks/README.md documents."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))

import aws
from latency_proxy import LatencyProxy

LATENCY = 0.05


def client(service: str, endpoint: str) -> Any:
    config = Config(retries={"total_max_attempts": 1})
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", config=config)


def test_the_proxy_delays_and_names_every_operation(aws_endpoint: str) -> None:
    with LatencyProxy(aws_endpoint, LATENCY) as proxy:
        lam, iam = client("lambda", proxy.url), client("iam", proxy.url)
        states = client("stepfunctions", proxy.url)
        start = time.perf_counter()
        lam.list_functions()  # REST
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_function(FunctionName="fnplan-proxy-test-missing")
        with pytest.raises(iam.exceptions.NoSuchEntityException):
            iam.get_role(RoleName="fnplan-proxy-test-missing")  # query protocol
        states.list_state_machines()  # JSON protocol
        elapsed = time.perf_counter() - start
    assert proxy.counts == {
        "lambda:ListFunctions": 1,
        "lambda:GetFunction": 1,
        "iam:GetRole": 1,
        "states:ListStateMachines": 1,
    }
    assert elapsed >= 4 * LATENCY
    assert set(proxy.upstream_s) == set(proxy.counts)


def test_the_proxy_adds_no_delay_of_its_own(aws_endpoint: str) -> None:
    """Without its latency, a request through the proxy takes about as long as one straight
    to moto: no 40 ms waits for a delayed ACK (Nagle's algorithm on the proxy's sockets)."""

    def median_s(lam: Any) -> float:
        lam.list_functions()  # connected
        took = []
        for _ in range(9):
            start = time.perf_counter()
            lam.list_functions()
            took.append(time.perf_counter() - start)
        return statistics.median(took)

    direct = median_s(client("lambda", aws_endpoint))
    with LatencyProxy(aws_endpoint, 0.0) as proxy:
        proxied = median_s(client("lambda", proxy.url))
    assert proxied - direct < 0.02, (proxied, direct)


def test_the_bound_is_the_budget_spread_over_the_parallelism() -> None:
    function, workflow = (sum(aws.REQUEST_BUDGET[t].values()) for t in ("function", "workflow"))
    assert (function, workflow) == (9, 6)
    assert sum(aws.budget(200).values()) == 200 * 9 + 20 * 6 + 1
    assert aws.bound_s(200, LATENCY, 10) == pytest.approx((200 * 9 + 20 * 6 + 1) / 10 * LATENCY)
    assert aws.bound_s(10, LATENCY, 100) == pytest.approx((1 + 9 + 6) * LATENCY)  # the path
    made = {**aws.budget(10), "lambda:UpdateAlias": 3}
    result = {"n_functions": 10, "latency_ms": 50, "parallelism": 10, "apply_s": 1.0}
    result["requests_s"] = 0.9
    judged = aws.judged({**result, "by_operation": made})
    assert judged["over_budget"] == {"lambda:UpdateAlias": {"made": 3, "budget": 0}}
    assert judged["met"]["requests_within_budget"] is False


def test_several_runs_are_judged_on_their_median() -> None:
    result = {"n_functions": 10, "latency_ms": 50, "parallelism": 10, "requests_s": 0.9}
    runs = [
        aws.judged({**result, "apply_s": apply_s, "by_operation": made})
        for apply_s, made in ((1.0, aws.budget(10)), (9.0, aws.budget(10)), (1.1, aws.budget(10)))
    ]
    summary = aws.summarised(runs)
    assert summary["apply_s"] == 1.1 and summary["range"]["apply_s"] == [1.0, 9.0]
    assert summary["met"] == {"ratio": True, "requests_within_budget": True}
    runs[0] = aws.judged({**result, "apply_s": 1.0, "by_operation": {"lambda:UpdateAlias": 1}})
    assert aws.summarised(runs)["met"]["requests_within_budget"] is False
