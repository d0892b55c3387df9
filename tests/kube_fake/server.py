"""Running the fake: Uvicorn in a thread on 127.0.0.1, a kubeconfig that points at it, and
the test hooks (status conditions) that work the same against a real cluster."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
import yaml

from .app import make_app
from .store import Store

_READY_SECONDS = 10.0


@contextlib.contextmanager
def fake_api_server(kubeconfig: Path) -> Iterator[Store]:
    """Serve a fresh fake cluster until the block ends; `kubeconfig` is written for it
    (context "fake", namespace "default"). Yields the store (for assertions only)."""
    store = Store()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        make_app(store), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="kube-fake", daemon=True)
    thread.start()
    deadline = time.monotonic() + _READY_SECONDS
    while not server.started:
        assert thread.is_alive(), "the fake Kubernetes API server exited at start"
        assert time.monotonic() < deadline, "the fake Kubernetes API server did not start"
        time.sleep(0.01)
    write_kubeconfig(kubeconfig, f"http://127.0.0.1:{port}")
    try:
        yield store
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def write_kubeconfig(path: Path, server: str) -> None:
    """A kubeconfig with one context "fake" for the API server at `server`."""
    document: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "fake", "cluster": {"server": server}}],
        "users": [{"name": "fake", "user": {"token": "fake-token"}}],
        "contexts": [
            {"name": "fake", "context": {"cluster": "fake", "user": "fake", "namespace": "default"}}
        ],
        "current-context": "fake",
    }
    path.write_text(yaml.safe_dump(document))


def set_condition(
    api: Any,
    kind_path: str,
    name: str,
    condition: str,
    status: str,
    reason: str = "",
    message: str = "",
) -> None:
    """Set a status condition through the status subresource, as a controller would
    (`api` is a kubernetes.client.ApiClient; `kind_path` the object's collection URL)."""
    patch = {
        "status": {
            "conditions": [
                {"type": condition, "status": status, "reason": reason, "message": message}
            ]
        }
    }
    api.call_api(
        f"{kind_path}/{name}/status",
        "PATCH",
        header_params={"Content-Type": "application/merge-patch+json"},
        body=patch,
        auth_settings=["BearerToken"],
        _preload_content=False,
    )
