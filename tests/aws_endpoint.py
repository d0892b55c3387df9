"""A moto server in server mode on 127.0.0.1 for the AWS tests (the s3 backend, the aws
provider): a real HTTP endpoint (boto3 is never patched), started in a process of its own
(so that the tests' polling does not slow its answers) and stopped at the end. Its Step
Functions interpreter evaluates JSONata (tests/moto_jsonata.py) and runs executions; Lambda
answers without Docker (queued results: `queue_lambda_results`)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

#: credentials moto accepts; set for this process and the children it starts
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
_READY_SECONDS = 30.0
_SERVER = Path(__file__).with_name("moto_jsonata.py")
#: Step Functions executions really run (moto's interpreter); Lambda answers without Docker
_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """The endpoint URL of a running moto server."""
    saved = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(endpoint, process)
        _post(endpoint, "/moto-api/config", _CONFIG)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def queue_lambda_results(endpoint: str, results: list[object], region: str = "us-east-1") -> None:
    """What the next Lambda invocations answer, in order (moto runs no code without Docker)."""
    body = {"results": [json.dumps(result) for result in results], "region": region}
    _post(endpoint, "/moto-api/static/lambda-simple/response", body)


def queue_rds_data_results(
    endpoint: str, results: list[dict[str, object]], region: str = "us-east-1"
) -> None:
    """What the next RDS Data API statements answer, in order (moto runs no database)."""
    body = {"account_id": "123456789012", "region": region, "results": results}
    _post(endpoint, "/moto-api/static/rds-data/statement-results", body)


def _post(endpoint: str, path: str, body: object) -> None:
    request = urllib.request.Request(
        f"{endpoint}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def create_bucket(endpoint: str, name: str) -> None:
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=name)


def create_lock_table(endpoint: str, name: str) -> None:
    """A DynamoDB table as the s3 backend's `dynamodb_table` (and Terraform's) expects."""
    import boto3

    boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(endpoint: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _READY_SECONDS
    while True:
        assert process.poll() is None, "moto server exited at start"
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            assert time.monotonic() < deadline, "moto server did not answer in time"
            time.sleep(0.05)
