"""The `provider "kubernetes"` block through the CLI: its settings are checked by validate
(file:line:column, what is allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.kube_fake.fixtures import KubeCluster


def _project(root: Path, block: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.hcl").write_text(f'provider "kubernetes" {{\n{block}}}\n')
    return root


def test_a_valid_block_validates(tmp_path: Path, kube_cluster: KubeCluster) -> None:
    block = (
        f'  kubeconfig = "{kube_cluster.kubeconfig}"\n  namespace = "apps"\n'
        '  workflow_engine = "argo"\n  labels = { team = "imaging" }\n'
        '  annotations = { "example.com/owner" = "imaging" }\n'
    )
    run_fnplan("validate", cwd=_project(tmp_path / "p", block))


@pytest.mark.parametrize(
    ("block", "fragments"),
    [
        ('  workflow_engine = "tekton"\n', ["main.hcl:2:", "workflow_engine", "argo"]),
        ('  namespace = "Not_A_Namespace"\n', ["main.hcl:2:", "namespace"]),
        ('  labels = { "bad key!" = "x" }\n', ["main.hcl:2:", "bad key!"]),
        ('  labels = { team = "not a value" }\n', ["main.hcl:2:", "at most 63"]),
        ('  region = "eu-west-1"\n', ["main.hcl:2:", "region"]),
    ],
)
def test_a_bad_setting_is_reported_where_it_is(
    tmp_path: Path, block: str, fragments: list[str]
) -> None:
    result = run_fnplan("validate", cwd=_project(tmp_path / "p", block), check=None)
    assert_clean_error(result, *fragments)
