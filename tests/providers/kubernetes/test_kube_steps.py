"""http, sql and shell steps on the kubernetes provider: what validate refuses before apply
(a catch on named errors, which Argo cannot tell apart), and the sql step's script run on a
real PostgreSQL with the language's `:name` parameters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fnplan.providers.kubernetes.argo_templates import SQL_SCRIPT

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.state.backends.pg_server import postgres_server

MAIN = """
provider "kubernetes" {
  namespace = "apps"
}

workflow "ping" {
  step "status" {
    http {
      url = "http://status.example/healthz"
    }
    catch {
      errors = [%s]
      next   = step.offline
    }
  }

  step "offline" {
    shell {
      script = "echo offline"
    }
  }
}
"""


SENSITIVE = """
provider "kubernetes" {
  namespace = "apps"
}

variable "password" {
  default   = "s3cret-pw"
  sensitive = true
}

workflow "report" {
  step "record" {
    sql        = "SELECT 1"
    connection = "postgresql://app:${var.password}@db/app"
  }

  step "notify" {
    shell {
      script = %s
    }
  }
}
"""


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    with postgres_server() as connection:
        yield connection


def test_a_catch_on_named_errors_is_refused_at_validate(tmp_path: Path) -> None:
    (tmp_path / "main.hcl").write_text(MAIN % '"Timeout"')
    result = run_fnplan("validate", cwd=tmp_path, check=None)
    assert_clean_error(result, "main.hcl:6:1", "step 'status'", 'errors = ["any"]')


def test_a_catch_on_any_error_validates(tmp_path: Path) -> None:
    (tmp_path / "main.hcl").write_text(MAIN % '"any"')
    run_fnplan("validate", cwd=tmp_path)


def test_a_sensitive_value_in_a_shell_script_is_refused_at_validate(tmp_path: Path) -> None:
    """The script is written into the template; a connection reaches it through the Secret."""
    (tmp_path / "main.hcl").write_text(SENSITIVE % '"curl -u app:${var.password} https://x"')
    result = run_fnplan("validate", cwd=tmp_path, check=None)
    assert_clean_error(result, "main.hcl:11:1", "step 'notify'", "sensitive", "env")
    assert "s3cret-pw" not in result.stdout + result.stderr


def test_a_sensitive_connection_validates(tmp_path: Path) -> None:
    (tmp_path / "main.hcl").write_text(SENSITIVE % '"echo done"')
    run_fnplan("validate", cwd=tmp_path)


def sql(postgres: str, statement: str, params: dict[str, object] | None = None) -> object:
    """The sql step's script as Argo runs it (its inputs in the environment): its output."""
    env = {
        **os.environ,
        "FNPLAN_CONNECTION": json.dumps(postgres),
        "FNPLAN_PARAMS": json.dumps(params),
        "FNPLAN_STATEMENT": statement,
    }
    done = subprocess.run(
        [sys.executable, "-c", SQL_SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_sql_steps_take_named_parameters_as_everywhere_else(postgres: str) -> None:
    """The quickstart's statements: `:name` parameters, a `::` cast and a literal `%`."""
    sql(postgres, "CREATE TABLE IF NOT EXISTS catalog (url TEXT, summary TEXT, bytes INTEGER)")
    params = {"url": "data/sample.txt", "summary": "100% text", "bytes": 42}
    insert = "INSERT INTO catalog (url, summary, bytes) VALUES (:url, :summary, :bytes)"
    assert sql(postgres, insert, params) == {"rows": [], "row_count": 1}
    found = sql(
        postgres,
        "SELECT url, bytes::text AS size, '50%' AS half FROM catalog WHERE url = :url",
        {"url": "data/sample.txt"},
    )
    assert found == {
        "rows": [{"url": "data/sample.txt", "size": "42", "half": "50%"}],
        "row_count": 1,
    }
    counted = sql(postgres, "SELECT COUNT(*) AS files, '10%' AS note FROM catalog")
    assert counted == {"rows": [{"files": 1, "note": "10%"}], "row_count": 1}


def test_sql_steps_take_a_sqlalchemy_url_as_the_local_provider_does(postgres: str) -> None:
    """`postgresql+psycopg://...` (what a configuration shared with local names) connects."""
    url = postgres.replace("postgresql://", "postgresql+psycopg://", 1)
    assert url != postgres
    assert sql(url, "SELECT 1 AS one") == {"rows": [{"one": 1}], "row_count": 1}
