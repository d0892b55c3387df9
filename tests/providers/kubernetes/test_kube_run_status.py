"""Argo Workflow status snapshots as fnplan log records (run_status.NodeRecorder): retried
steps (a Retry node and its attempts `<task>(<n>)`), caught failures and skipped steps, as
Argo's controller reports them one update after another."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fnplan.providers.kubernetes.run_status import NodeRecorder

from fnplan.run import RunLog

STEPS = json.dumps(
    {
        "resize": {"step": "resize", "type": "function", "catch": False},
        "notify": {"step": "notify", "type": "function", "catch": True},
        "audit": {"step": "audit", "type": "function", "catch": False},
    }
)


def _node(node_id: str, name: str, phase: str, kind: str = "HTTP", **more: Any) -> dict[str, Any]:
    return {
        node_id: {
            "id": node_id,
            "displayName": name,
            "type": kind,
            "phase": phase,
            "startedAt": f"2026-01-01T00:00:0{node_id[-1]}Z",
            **({"finishedAt": f"2026-01-01T00:00:0{node_id[-1]}.5Z"} if phase != "Running" else {}),
            **more,
        }
    }


def _recorder(tmp_path: Path) -> tuple[NodeRecorder, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    log = RunLog(tmp_path, "workflow.thumbs", "abc", "e1", lambda r: seen.append(r.model_dump()))
    logs = {"w-2": "second attempt printed this\n"}
    return NodeRecorder.from_annotation(log, STEPS, lambda node: logs.get(node, "")), seen


def test_a_retried_step_records_each_attempt(tmp_path: Path) -> None:
    recorder, seen = _recorder(tmp_path)
    retry = {"children": ["w-1", "w-2"]}
    snapshots = [
        {**_node("w-0", "resize", "Running", "Retry"), **_node("w-1", "resize(0)", "Running")},
        {
            **_node("w-0", "resize", "Running", "Retry", **retry),
            **_node("w-1", "resize(0)", "Failed", message="HTTP 503"),
            **_node("w-2", "resize(1)", "Running", "Pod"),
        },
        {
            **_node(
                "w-0", "resize", "Succeeded", "Retry", outputs={"result": '{"ok": 1}'}, **retry
            ),
            **_node("w-1", "resize(0)", "Failed", message="HTTP 503"),
            **_node("w-2", "resize(1)", "Succeeded", "Pod"),
        },
    ]
    for nodes in snapshots:
        recorder.record({"status": {"phase": "Running", "nodes": nodes}})
    recorder.record(
        {
            "status": {
                "phase": "Succeeded",
                "nodes": snapshots[-1],
                "outputs": {"parameters": [{"name": "output", "value": '{"ok": 1}'}]},
            }
        }
    )
    events = [(r["event"], r["step"], r["attempt"]) for r in seen]
    assert events == [
        ("started", "resize", 1),
        ("retrying", "resize", 1),
        ("started", "resize", 2),
        ("succeeded", "resize", 2),
        ("run_succeeded", None, None),
    ]
    assert seen[1]["error"]["message"] == "HTTP 503"
    assert seen[3]["output"] == {"ok": 1}
    assert Path(seen[3]["stdout_path"]).read_text() == "second attempt printed this\n"
    assert recorder.output == {"ok": 1} and recorder.error is None


def test_caught_failures_and_skips_do_not_fail_the_run_but_a_failure_does(
    tmp_path: Path,
) -> None:
    recorder, seen = _recorder(tmp_path)
    nodes = {
        **_node("w-1", "notify", "Failed", message="no route"),
        **_node("w-2", "resize", "Omitted"),
        **_node("w-3", "audit", "Error", message="pod deleted"),
    }
    recorder.record({"status": {"phase": "Failed", "nodes": nodes, "message": "child failed"}})
    assert [(r["event"], r["step"]) for r in seen] == [
        ("started", "notify"),
        ("caught", "notify"),
        ("skipped", "resize"),
        ("started", "audit"),
        ("failed", "audit"),
        ("run_failed", None),
    ]
    assert recorder.failed_step == "audit"
    assert recorder.error is not None and recorder.error.message == "pod deleted"
    assert seen[-1]["message"] == "step 'audit' failed"


def test_a_pod_log_that_cannot_be_read_is_said_not_fatal(tmp_path: Path) -> None:
    import socket

    from fnplan.providers.kubernetes.client import KubeClient
    from fnplan.providers.kubernetes.config import KubernetesConfig
    from fnplan.providers.kubernetes.runner import KubeRunner

    from tests.kube_fake import write_kubeconfig

    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    write_kubeconfig(tmp_path / "kubeconfig", f"http://127.0.0.1:{port}")
    client = KubeClient.connect(str(tmp_path / "kubeconfig"), None, "default")
    try:
        runner = KubeRunner(client, KubernetesConfig(), tmp_path)
        text = runner._node_log("w", "w-1")
    finally:
        client.close()
    assert text.startswith("(fnplan could not read this step's pod log: kubernetes: cannot reach")
