"""Open any backend from a small JSON-able spec, in the test process or in a child process
that holds a lock, writes a journal or writes states until it is killed."""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from fnplan.state.backend import DEFAULT_WORKSPACE, StateBackend, Workspaces
from fnplan.state.backends import open_workspaces
from fnplan.state.model import ResourceState, State

REPO = Path(__file__).resolve().parents[3]
Spec = dict[str, str]


def workspaces(spec: Spec) -> Workspaces:
    """The backend the spec names, as the CLI would open it."""
    if spec["kind"] == "pg":
        config = {"conn_str": spec["conn_str"], "schema_name": spec["schema"]}
        return open_workspaces("pg", config, None, Path("."))
    if spec["kind"] == "s3":
        return open_workspaces("s3", _s3_config(spec), None, Path("."))
    if spec["kind"] == "kubernetes":
        return open_workspaces("kubernetes", _kube_config(spec), None, Path("."))
    return open_workspaces("local", {}, None, Path(spec["root"]))


def _kube_config(spec: Spec) -> dict[str, str]:
    return {k: spec[k] for k in ("config_path", "namespace", "secret_suffix")}


def _kube_state(spec: Spec, workspace: str) -> Any:
    """The workspace's KubeBackend, with its API client and object names."""
    from fnplan.providers.kubernetes.state import KubeWorkspaces

    kube = workspaces(spec)
    assert isinstance(kube, KubeWorkspaces)
    return kube.state(workspace)


def _s3_config(spec: Spec) -> dict[str, str]:
    names = ("bucket", "key", "endpoint", "dynamodb_table")
    return {name: spec[name] for name in names if name in spec}


def _s3_bucket(spec: Spec) -> Any:
    """The spec's bucket as the s3 backend's own client sees it."""
    from fnplan.providers.aws.s3_state.objects import open_bucket

    return open_bucket(spec["bucket"], _s3_config(spec))


def _s3_key(spec: Spec, workspace: str) -> str:
    from fnplan.providers.aws.s3_state import S3Workspaces

    s3 = workspaces(spec)
    assert isinstance(s3, S3Workspaces)
    return s3.key_of(workspace)


def open_state(spec: Spec, workspace: str = DEFAULT_WORKSPACE, **options: Any) -> StateBackend:
    """One workspace's StateBackend, with lock options (lease, operation_holder, warn, ...)."""
    if spec["kind"] == "pg":
        from fnplan.state.pg import PgBackend, pg_database

        db = pg_database({"conn_str": spec["conn_str"], "schema_name": spec["schema"]}, None)
        return PgBackend(db, workspace, **options)
    if spec["kind"] == "s3":
        from fnplan.providers.aws.s3_state import S3Backend
        from fnplan.providers.aws.s3_state.stores import LockItem, open_table

        key = _s3_key(spec, workspace)
        if "dynamodb_table" in spec:  # the lock an item of the table, LockID "bucket/key"
            table = open_table(_s3_config(spec))
            lock = LockItem(table, spec["dynamodb_table"], f"{spec['bucket']}/{key}")
            options = {**options, "lock_store": lock}
        return S3Backend(_s3_bucket(spec), key, **options)
    if spec["kind"] == "kubernetes":
        from fnplan.providers.kubernetes.state import KubeBackend

        plain = _kube_state(spec, workspace)
        return KubeBackend(plain.api, plain.objects, **options)
    from fnplan.state.local import LocalBackend

    return LocalBackend(_local_path(spec, workspace), **options)


def store_raw(spec: Spec, data: bytes, workspace: str = DEFAULT_WORKSPACE) -> None:
    """Put bytes where the backend keeps the state, bypassing it (a newer or corrupt state)."""
    if spec["kind"] == "pg":
        import psycopg

        open_state(spec, workspace).read()  # creates the tables
        with psycopg.connect(spec["conn_str"], autocommit=True) as conn:
            conn.execute(
                f'INSERT INTO "{spec["schema"]}".states (name, data, version) VALUES (%s, %s, 1) '
                "ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data, version = 1000",
                (workspace, data.decode()),
            )
        return
    if spec["kind"] == "s3":
        bucket, key = _s3_bucket(spec), _s3_key(spec, workspace)
        bucket.client.put_object(Bucket=bucket.name, Key=key, Body=data)
        return
    if spec["kind"] == "kubernetes":
        kube = _kube_state(spec, workspace)
        packed = base64.b64encode(gzip.compress(data)).decode()
        secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": kube.objects.state},
                  "data": {"state": packed}}  # fmt: skip
        kube.api.create("Secret", secret)
        return
    path = _local_path(spec, workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def raw_stored(spec: Spec, workspace: str = DEFAULT_WORKSPACE) -> bytes | None:
    """The stored state's bytes as the backend keeps them."""
    if spec["kind"] == "pg":
        import psycopg

        with psycopg.connect(spec["conn_str"]) as conn:
            row = conn.execute(
                f'SELECT data FROM "{spec["schema"]}".states WHERE name = %s', (workspace,)
            ).fetchone()
        return None if row is None else str(row[0]).encode()
    if spec["kind"] == "s3":
        stored = _s3_bucket(spec).get(_s3_key(spec, workspace))
        return None if stored is None else stored.data
    if spec["kind"] == "kubernetes":
        kube = _kube_state(spec, workspace)
        found = kube.api.get("Secret", kube.objects.state)
        return None if found is None else gzip.decompress(base64.b64decode(found["data"]["state"]))
    path = _local_path(spec, workspace)
    return path.read_bytes() if path.exists() else None


def _local_path(spec: Spec, workspace: str) -> Path:
    root = Path(spec["root"]) / ".fnplan"
    if workspace == DEFAULT_WORKSPACE:
        return root / "state.json"
    return root / "workspaces" / workspace / "state.json"


def resource(address: str, **attributes: object) -> ResourceState:
    return ResourceState(
        address=address, type=address.split(".")[-2], provider="local", attributes=attributes
    )


def sample_state(count: int = 3) -> State:
    state = State()
    for index in range(count):
        item = resource(f"function.f{index}", memory=128 + index, env={"K": str(index)})
        state.resources[item.address] = item
    return state


_CHILD = """
import json, sys, time
from tests.state.backends.harness import open_state, resource, sample_state
spec, mode, arg = json.loads(sys.argv[1]), sys.argv[2], float(sys.argv[3])
if mode == "hold":
    backend = open_state(spec, lease=arg, operation_holder="tester@ci")
    with backend.lock("apply") as info:
        print(info.model_dump_json(), flush=True)
        sys.stdin.readline()
    print("released", flush=True)
elif mode == "journal":
    backend = open_state(spec)
    with backend.lock("apply"):
        state = backend.read()
        journal = backend.journal(state)
        journal.intend("function.a", "create", resource("function.a", n=1))
        journal.done("function.a", resource("function.a", n=1, done=True))
        journal.intend("function.b", "create", resource("function.b", n=2))
        journal.intend("function.f0", "delete", None)
        print("recorded", flush=True)
        sys.stdin.readline()
elif mode == "write":
    backend = open_state(spec)
    state = sample_state(int(arg))
    while True:
        backend.write(state)
        print(state.serial, flush=True)
"""


class Child:
    """A real process working on a backend: `hold` a lock, write a `journal`, or `write`."""

    def __init__(self, spec: Spec, mode: str, arg: float = 30.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, json.dumps(spec), mode, str(arg)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )

    def line(self) -> str:
        assert self.process.stdout is not None
        text = self.process.stdout.readline()
        assert text, f"child exited with {self.process.wait(timeout=10)} before printing"
        return text.strip()

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        self.process.wait(timeout=20)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=20)
