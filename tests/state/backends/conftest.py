"""Every backend test runs once per backend: `local` in a temporary directory, `pg` in a schema
of its own on one real PostgreSQL server per test session, `s3` in a bucket of its own on one
moto server per test session (`s3-dynamodb`: with its lock in a DynamoDB table of its own),
`kubernetes` in a namespace of its own on the fake Kubernetes API server (a real cluster when
$FNPLAN_TEST_KUBECONFIG is set)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.aws_endpoint import create_bucket, create_lock_table, moto_server
from tests.kube_fake.fixtures import kube_cluster, kube_namespace

from .harness import Child, Spec
from .pg_server import postgres_server

#: "s3-dynamodb": the s3 backend with its lock in a DynamoDB table (dynamodb_table)
BACKENDS = ["local", "pg", "s3", "s3-dynamodb", "kubernetes"]
__all__ = ["kube_cluster", "kube_namespace"]


@pytest.fixture(scope="session")
def pg_conn_str() -> Iterator[str]:
    """One server for the whole session, stopped at its end."""
    with postgres_server() as conn_str:
        yield conn_str


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def pg_schema() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


@pytest.fixture(params=BACKENDS)
def spec(request: pytest.FixtureRequest, tmp_path: Path, pg_schema: str) -> Spec:
    if request.param == "pg":
        conn_str: str = request.getfixturevalue("pg_conn_str")
        return {"kind": "pg", "conn_str": conn_str, "schema": pg_schema}
    if request.param == "s3":
        endpoint: str = request.getfixturevalue("s3_endpoint")
        bucket = f"state-{uuid.uuid4().hex[:12]}"
        create_bucket(endpoint, bucket)
        return {"kind": "s3", "endpoint": endpoint, "bucket": bucket, "key": "team/state.json"}
    if request.param == "s3-dynamodb":
        endpoint = request.getfixturevalue("s3_endpoint")
        bucket, table = f"state-{uuid.uuid4().hex[:12]}", f"locks-{uuid.uuid4().hex[:12]}"
        create_bucket(endpoint, bucket)
        create_lock_table(endpoint, table)
        return {
            "kind": "s3",
            "endpoint": endpoint,
            "bucket": bucket,
            "key": "team/state.json",
            "dynamodb_table": table,
        }
    if request.param == "kubernetes":
        cluster = request.getfixturevalue("kube_cluster")
        namespace: str = request.getfixturevalue("kube_namespace")
        return {
            "kind": "kubernetes",
            "config_path": str(cluster.kubeconfig),
            "namespace": namespace,
            "secret_suffix": "app",
        }
    return {"kind": "local", "root": str(tmp_path)}


@pytest.fixture
def children() -> Iterator[list[Child]]:
    """Child processes started by a test; any still running at its end are killed."""
    started: list[Child] = []
    yield started
    for child in started:
        child.kill()
