"""The kubernetes state backend through the real `fnplan` command, against the fake API server
(or a real cluster when $FNPLAN_TEST_KUBECONFIG is set): two concurrent applies, a waiting
apply that says whom it waits for, `force-unlock` of a killed apply's Lease, and `init
--migrate-state` from local files into the cluster."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from fnplan.providers.kubernetes.state import KubeWorkspaces, open_kubernetes_backend

from tests.cli.conftest import assert_clean_error, run_fnplan, user_environment
from tests.kube_fake.fixtures import KubeCluster
from tests.state.backends.projects import FrozenApply, kubernetes_backend, write_project


def _project(tmp_path: Path, cluster: KubeCluster, namespace: str) -> Path:
    return write_project(
        tmp_path / "p", count=4, backend=kubernetes_backend(cluster.kubeconfig, namespace)
    )


def _store(cluster: KubeCluster, namespace: str) -> KubeWorkspaces:
    config = {
        "config_path": str(cluster.kubeconfig),
        "namespace": namespace,
        "secret_suffix": "app",
    }
    return open_kubernetes_backend(config, None, Path("."), 0.0)


def test_a_second_apply_is_refused_and_a_third_waits_saying_for_whom(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    root = _project(tmp_path, kube_cluster, kube_namespace)
    frozen = FrozenApply(root, {})
    try:
        refused = run_fnplan("apply", "--auto-approve", cwd=root, check=None)
        assert_clean_error(
            refused, "the state is locked by another fnplan", "'apply'", f"pid {frozen.process.pid}"
        )
        waiting = subprocess.Popen(
            [sys.executable, "-m", "fnplan", "apply", "--auto-approve", "--lock-timeout", "60"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=user_environment(),
        )
        assert waiting.stderr is not None
        said = waiting.stderr.readline()  # the waiter's first line: whom it waits for
        assert (
            "waiting up to 60s for the state lock" in said and f"pid {frozen.process.pid}" in said
        )
        frozen.resume()
        code, err = frozen.finish()
        assert code == 0, err
        out, err = waiting.communicate(timeout=120)
        assert waiting.returncode == 0, out + err
        assert "No changes" in out, out
    finally:
        frozen.kill()
    assert run_fnplan("plan", "--detailed-exitcode", cwd=root, check=None).returncode == 0


def test_force_unlock_clears_the_lease_of_a_killed_apply(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    root = _project(tmp_path, kube_cluster, kube_namespace)
    frozen = FrozenApply(root, {})
    refused = run_fnplan("plan", cwd=root, check=None)
    found = re.search(r"fnplan force-unlock ([0-9a-f-]{36})", refused.stderr)
    assert found, refused.stderr
    lock_id = found.group(1)
    frozen.kill()  # kill -9: the Lease stays, naming a process that is gone
    store = _store(kube_cluster, kube_namespace)
    lease = store.api.get("Lease", "fnplan-lock-default-app")
    assert lease is not None and lease["spec"]["holderIdentity"] == lock_id
    wrong = run_fnplan("force-unlock", "0" * 8, cwd=root, check=None)
    assert_clean_error(wrong, "does not match the current lock", f"fnplan force-unlock {lock_id}")
    unlocked = run_fnplan("force-unlock", lock_id, cwd=root)
    assert "Removed the lock" in unlocked.stdout
    assert store.api.get("Lease", "fnplan-lock-default-app") is None
    applied = run_fnplan("apply", "--auto-approve", cwd=root)
    assert "broke the state lock" not in applied.stderr
    assert run_fnplan("plan", "--detailed-exitcode", cwd=root, check=None).returncode == 0
    run_fnplan("workspace", "new", "staging", cwd=root)
    listed = run_fnplan("workspace", "list", cwd=root).stdout
    assert listed.split("\n")[:2] == ["  default", "* staging"]
    assert store.list() == ["default", "staging"]


def test_init_migrate_state_moves_every_workspace_into_the_cluster(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    root = write_project(tmp_path / "p", count=1)
    run_fnplan("apply", "--auto-approve", cwd=root)
    run_fnplan("workspace", "new", "Team_A", cwd=root)  # a name Kubernetes folds
    run_fnplan("apply", "--auto-approve", cwd=root)
    local = json.loads(run_fnplan("state", "pull", cwd=root).stdout)
    backend = kubernetes_backend(kube_cluster.kubeconfig, kube_namespace)
    write_project(root, count=1, backend=backend)
    moved = run_fnplan("init", "--migrate-state", cwd=root).stdout
    assert "workspace default: copied" in moved and "workspace Team_A: copied" in moved
    in_cluster = json.loads(run_fnplan("state", "pull", cwd=root).stdout)
    assert (in_cluster["lineage"], in_cluster["serial"]) == (local["lineage"], local["serial"])
    assert in_cluster["resources"] == local["resources"]
    assert run_fnplan("plan", "--detailed-exitcode", cwd=root, check=None).returncode == 0
    assert _store(kube_cluster, kube_namespace).list() == ["Team_A", "default"]
