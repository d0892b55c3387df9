"""Backends and workspaces through the real `fnplan` command: two concurrent applies on pg,
`init --migrate-state` local -> pg -> local, and workspaces on local, pg and s3."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.aws_endpoint import CREDENTIALS, create_bucket
from tests.cli.conftest import assert_clean_error, run_fnplan, user_environment

from .projects import FrozenApply, pg_backend, s3_backend, write_project


@pytest.fixture
def pg_env(pg_conn_str: str) -> dict[str, str]:
    return {"PG_CONN_STR": pg_conn_str}


@pytest.fixture(params=["local", "pg", "s3"])
def project(request: pytest.FixtureRequest, tmp_path: Path, pg_schema: str) -> Iterator[Path]:
    """A small project on each backend (pg: its own schema, PG_CONN_STR in the environment;
    s3: a bucket of its own on the moto server, credentials in the environment)."""
    if request.param == "pg":
        env = request.getfixturevalue("pg_env")
        root = write_project(tmp_path / "p", backend=pg_backend(pg_schema))
    elif request.param == "s3":
        endpoint: str = request.getfixturevalue("s3_endpoint")
        bucket = f"app-{uuid.uuid4().hex[:12]}"
        create_bucket(endpoint, bucket)
        env = dict(CREDENTIALS)
        root = write_project(tmp_path / "p", backend=s3_backend(bucket, endpoint))
    else:
        env = {}
        root = write_project(tmp_path / "p")
    root.joinpath(".env.json").write_text(json.dumps(env))
    yield root


def fnplan(project: Path, *args: str, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    env = json.loads(project.joinpath(".env.json").read_text())
    return run_fnplan(*args, cwd=project, check=check, env=env)


def pulled(project: Path) -> dict[str, object]:
    return dict(json.loads(fnplan(project, "state", "pull").stdout))


def test_two_workspaces_keep_separate_states(project: Path) -> None:
    fnplan(project, "apply", "--auto-approve")
    default = pulled(project)
    assert fnplan(project, "output", "env").stdout.strip() == "env-default"
    fnplan(project, "workspace", "new", "staging")
    assert fnplan(project, "workspace", "show").stdout.strip() == "staging"
    assert pulled(project)["resources"] == {}
    fnplan(project, "apply", "--auto-approve")
    staging = pulled(project)
    assert fnplan(project, "output", "env").stdout.strip() == "env-staging"
    assert staging["lineage"] != default["lineage"]
    assert fnplan(project, "workspace", "list").stdout.split("\n")[:2] == ["  default", "* staging"]
    fnplan(project, "workspace", "select", "default")
    assert pulled(project) == default
    assert fnplan(project, "output", "env").stdout.strip() == "env-default"
    assert fnplan(project, "plan", "--detailed-exitcode").returncode == 0
    refused = fnplan(project, "workspace", "delete", "staging", check=None)
    assert_clean_error(refused, "still records", "--force")
    fnplan(project, "workspace", "delete", "staging", "--force")
    assert fnplan(project, "workspace", "list").stdout.strip() == "* default"
    missing = fnplan(project, "workspace", "select", "staging", check=None)
    assert_clean_error(missing, "workspace 'staging' does not exist", "allowed: default")


def test_two_concurrent_applies_on_pg(
    tmp_path: Path, pg_env: dict[str, str], pg_schema: str
) -> None:
    """One apply holds the lock row (frozen mid-walk): a second is refused naming it, a third
    with --lock-timeout waits, then finds nothing left to do."""
    root = write_project(tmp_path / "p", count=4, backend=pg_backend(pg_schema))
    root.joinpath(".env.json").write_text(json.dumps(pg_env))
    frozen = FrozenApply(root, pg_env)
    try:
        refused = fnplan(root, "apply", "--auto-approve", check=None)
        assert_clean_error(
            refused, "the state is locked by another fnplan", "'apply'", f"pid {frozen.process.pid}"
        )
        waiting = subprocess.Popen(
            [sys.executable, "-m", "fnplan", "apply", "--auto-approve", "--lock-timeout", "60"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=user_environment(pg_env),
        )
        frozen.resume()
        code, err = frozen.finish()
        assert code == 0, err
        out, err = waiting.communicate(timeout=120)
        assert waiting.returncode == 0, out + err
        assert "No changes" in out, out
    finally:
        frozen.kill()
    assert fnplan(root, "plan", "--detailed-exitcode").returncode == 0
    assert pulled(root)["serial"] == 1


def test_migrate_state_local_to_pg_and_back_keeps_lineage_and_serial(
    tmp_path: Path, pg_env: dict[str, str], pg_schema: str
) -> None:
    root = write_project(tmp_path / "p")
    root.joinpath(".env.json").write_text(json.dumps(pg_env))
    fnplan(root, "apply", "--auto-approve")
    fnplan(root, "workspace", "new", "staging")
    fnplan(root, "apply", "--auto-approve")
    fnplan(root, "workspace", "select", "default")
    local = pulled(root)
    write_project(root, backend=pg_backend(pg_schema))
    changed = fnplan(root, "init", check=None)
    assert_clean_error(changed, "the backend changed", "--migrate-state")
    moved = fnplan(root, "init", "--migrate-state")
    assert f"workspace default: copied (lineage {local['lineage']}, serial 1)" in moved.stdout
    assert "workspace staging: copied" in moved.stdout
    on_pg = pulled(root)
    assert (on_pg["lineage"], on_pg["serial"]) == (local["lineage"], local["serial"])
    assert on_pg["resources"] == local["resources"]
    assert fnplan(root, "plan", "--detailed-exitcode").returncode == 0
    write_project(root, backend=pg_backend(pg_schema), version=10)  # new code: serial 2 on pg
    fnplan(root, "apply", "--auto-approve")
    ahead = pulled(root)
    assert (ahead["lineage"], ahead["serial"]) == (local["lineage"], 2)
    write_project(root, version=10)
    back = fnplan(root, "init", "--migrate-state")
    assert "workspace default: copied" in back.stdout
    assert "workspace staging: already there" in back.stdout
    assert pulled(root) == ahead
    assert fnplan(root, "plan", "--detailed-exitcode").returncode == 0


def test_migrate_state_refuses_a_target_of_another_lineage(
    tmp_path: Path, pg_env: dict[str, str], pg_schema: str
) -> None:
    first = write_project(tmp_path / "first", backend=pg_backend(pg_schema))
    first.joinpath(".env.json").write_text(json.dumps(pg_env))
    fnplan(first, "apply", "--auto-approve")
    other = write_project(tmp_path / "other")
    other.joinpath(".env.json").write_text(json.dumps(pg_env))
    fnplan(other, "apply", "--auto-approve")
    before = pulled(first)
    write_project(other, backend=pg_backend(pg_schema))
    refused = fnplan(other, "init", "--migrate-state", check=None)
    assert_clean_error(refused, "cannot migrate workspace 'default'", "different state", "lineage")
    assert pulled(first) == before


def test_backend_mistakes_are_clean_errors_at_the_block(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", backend='backend "pg" {\n    schema_name = "x"\n  }')
    root.joinpath(".env.json").write_text(json.dumps({"PG_CONN_STR": ""}))
    missing = fnplan(root, "plan", check=None)
    assert_clean_error(missing, "main.hcl:2:3", "needs a connection string", "PG_CONN_STR")
    write_project(root, backend='backend "pg" {\n    schema = "x"\n  }')
    unknown = fnplan(root, "plan", check=None)
    assert_clean_error(unknown, "main.hcl:2:3", "unknown setting 'schema'", "conn_str, schema_name")
    write_project(root, backend='backend "gcs" {}')
    kind = fnplan(root, "plan", check=None)
    assert_clean_error(kind, "main.hcl:2:3", "backend 'gcs' is not available", "local, pg, s3")
    write_project(root, backend='backend "s3" {\n    bucket = "Not_A_Bucket"\n  }')
    bucket = fnplan(root, "plan", check=None)
    assert_clean_error(bucket, "main.hcl:2:3", "bucket must be an S3 bucket name")
    write_project(root, backend='backend "s3" {\n    bucket = "b-1"\n    key = "../x"\n  }')
    key = fnplan(root, "plan", check=None)
    assert_clean_error(key, "main.hcl:2:3", "key must be a relative object key")
    port = _closed_port()
    root.joinpath(".env.json").write_text(
        json.dumps({"PG_CONN_STR": f"postgresql://fnplan@127.0.0.1:{port}/postgres"})
    )
    write_project(root, backend=pg_backend("x"))
    down = fnplan(root, "plan", check=None)
    assert_clean_error(down, "cannot connect to the pg (schema x of postgres at 127.0.0.1:")


def test_fnplan_workspace_environment_variable_overrides_the_selection(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", count=1)
    root.joinpath(".env.json").write_text(json.dumps({"FNPLAN_WORKSPACE": "prod"}))
    unknown = fnplan(root, "plan", check=None)
    assert_clean_error(unknown, "workspace 'prod' does not exist", "fnplan workspace new prod")
    root.joinpath(".env.json").write_text("{}")
    fnplan(root, "workspace", "new", "prod")
    fnplan(root, "workspace", "select", "default")
    root.joinpath(".env.json").write_text(json.dumps({"FNPLAN_WORKSPACE": "prod"}))
    fnplan(root, "apply", "--auto-approve")
    assert fnplan(root, "output", "env").stdout.strip() == "env-prod"
    assert (root / ".fnplan" / "workspaces" / "prod" / "state.json").exists()
    assert not (root / ".fnplan" / "state.json").exists()


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_each_workspace_deploys_its_own_objects(tmp_path: Path) -> None:
    """Destroying staging leaves default's deployment whole; each runs its own code."""
    root = write_project(tmp_path / "p", count=2)
    root.joinpath(".env.json").write_text("{}")
    fnplan(root, "apply", "--auto-approve")
    fnplan(root, "workspace", "new", "staging")
    write_project(root, count=2, version=100)
    fnplan(root, "apply", "--auto-approve")
    staged = fnplan(root, "invoke", "function.f1", "--json")
    assert json.loads(staged.stdout)["output"] == 101
    assert (root / ".fnplan" / "workspaces" / "staging" / "local").is_dir()
    fnplan(root, "destroy", "--auto-approve")
    fnplan(root, "workspace", "select", "default")
    write_project(root, count=2)
    assert fnplan(root, "plan", "--detailed-exitcode").returncode == 0
    assert json.loads(fnplan(root, "invoke", "function.f1", "--json").stdout)["output"] == 1


def test_a_versioned_bucket_keeps_every_state_the_s3_backend_wrote(
    tmp_path: Path, s3_endpoint: str
) -> None:
    """The state is one object of a versioned bucket (as Terraform recommends): each write
    is a version S3 keeps, so any earlier state can be restored from the bucket."""
    import boto3

    bucket = f"app-{uuid.uuid4().hex[:12]}"
    create_bucket(s3_endpoint, bucket)
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **_keys())
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    root = write_project(tmp_path / "p", count=1, backend=s3_backend(bucket, s3_endpoint))
    root.joinpath(".env.json").write_text(json.dumps(CREDENTIALS))
    fnplan(root, "apply", "--auto-approve")
    write_project(root, count=2, backend=s3_backend(bucket, s3_endpoint))
    fnplan(root, "apply", "--auto-approve")
    versions = s3.list_object_versions(Bucket=bucket, Prefix="app/state.json")["Versions"]
    states = [v for v in versions if v["Key"] == "app/state.json"]
    serials = sorted(
        json.loads(
            s3.get_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])["Body"].read()
        )["serial"]
        for v in states
    )
    assert len(serials) >= 2 and serials == sorted(set(serials)), serials
    assert serials[-1] == pulled(root)["serial"]


def _keys() -> dict[str, str]:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }
