"""Test providers for long operations and the thread contract, usable in-process and, through
an entry point written by `register_entry_points`, by a real `fnplan` subprocess.

Objects live in one JSON file under the workspace data dir (`longops/objects.json`).
FNPLAN_TEST_LONGOPS="create:function.slow=progress,create:function.stuck=hang" picks a
behaviour per call:

- progress: says "waiting for function Active", writes the marker `entered-OP-ADDRESS`,
  then waits (honouring cancellation) until the file `release` exists;
- hang: writes the marker and waits for `release`, ignoring cancellation (a stuck call).

Every call counts how many calls of this provider instance run at once; the largest number
is written to `longops/NAME-concurrency`. Opening and `close()` each append a line
("opened PID ID" / "closed PID ID") to `longops/lifecycle.log`.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from fnplan.providers.local.provider import LocalProvider

from fnplan.errors import ProviderError
from fnplan.provider import BaseProvider, Observation, ProviderContext, current_call
from fnplan.provider_schema import ResourceSchema
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

BEHAVIOUR_ENV = "FNPLAN_TEST_LONGOPS"
T = TypeVar("T")


class LongOpsProvider(BaseProvider):
    """A threaded provider whose calls can report progress, wait or hang on request."""

    name: ClassVar[str] = "longops"
    node_types: ClassVar[frozenset[str]] = frozenset({"function", "workflow"})
    resource_schemas: ClassVar[Mapping[str, ResourceSchema]] = {
        kind: ResourceSchema(attributes=schema.attributes, outputs={"id": "create"})
        for kind, schema in LocalProvider.resource_schemas.items()
    }
    threaded: ClassVar[bool] = True

    def __init__(self, context: ProviderContext) -> None:
        self.root = context.data_dir / "longops"
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._running = 0
        self.max_running = 0
        #: in-process tests: set to make every call wait until this many calls overlap
        self.overlap: int = 0
        self.overlap_wait = 5.0
        self.overlapped = threading.Condition(self._lock)
        self._log_lifecycle("opened")

    # -- the protocol -------------------------------------------------------------------
    def observe(self, prior: ResourceState) -> Observation:
        def read() -> Observation:
            if prior.address not in self._objects():
                return Observation(exists=False)
            # attributes are not read back (code is handed from a staging directory)
            return Observation(exists=True, outputs={"id": prior.address})

        return self._counted("observe", prior.address, read)

    def create(self, resource: Resource) -> dict[str, Any]:
        return self._counted("create", resource.address, lambda: self._store(resource))

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self._counted("update", resource.address, lambda: self._store(resource))

    def delete(self, prior: ResourceState) -> None:
        def remove() -> None:
            objects = self._objects()
            objects.pop(prior.address, None)
            self._write(objects)

        self._counted("delete", prior.address, remove)

    def close(self) -> None:
        self._log_lifecycle("closed")

    def _log_lifecycle(self, event: str) -> None:
        with (self.root / "lifecycle.log").open("a") as log:
            log.write(f"{event} {os.getpid()} {id(self)}\n")

    # -- behaviour ----------------------------------------------------------------------
    def _counted(self, operation: str, address: str, work: Callable[[], T]) -> T:
        with self._lock:
            self._running += 1
            self.max_running = max(self.max_running, self._running)
            self.overlapped.notify_all()
            if self.overlap:  # hold until enough calls overlap (bounded: never hangs a test)
                wanted = self.overlap
                self.overlapped.wait_for(lambda: self._running >= wanted, self.overlap_wait)
        try:
            self._behave(operation, address)
            return work()
        finally:
            with self._lock:
                self._running -= 1
                (self.root / f"{self.name}-concurrency").write_text(str(self.max_running))

    def _behave(self, operation: str, address: str) -> None:
        wanted = _behaviours().get(f"{operation}:{address}")
        if wanted is None:
            return
        if wanted not in ("progress", "hang"):
            raise ProviderError(f"unknown test behaviour {wanted!r}")
        call = current_call()
        if wanted == "progress":
            call.progress("waiting for function Active")
        (self.root / f"entered-{operation}-{address}").touch()
        release = self.root / "release"
        while not release.exists():
            if wanted == "progress" and call.wait(0.05):
                call.check_cancelled()
            if wanted == "hang":
                time.sleep(0.05)  # a stuck call: it notices nothing

    # -- storage ------------------------------------------------------------------------
    def _store(self, resource: Resource) -> dict[str, Any]:
        with self._lock:
            objects = self._objects()
            objects[resource.address] = dict(resource.attributes)
            self._write(objects)
        return {"id": resource.address}

    def _objects(self) -> dict[str, Any]:
        path = self.root / "objects.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def _write(self, objects: dict[str, Any]) -> None:
        temporary = self.root / f"objects.{threading.get_ident()}.tmp"
        temporary.write_text(json.dumps(objects))
        temporary.replace(self.root / "objects.json")


class SerialLongOpsProvider(LongOpsProvider):
    """The same, declaring `threaded = False`: the engine must call it one call at a time."""

    name: ClassVar[str] = "longops_serial"
    threaded: ClassVar[bool] = False


def _behaviours() -> dict[str, str]:
    text = os.environ.get(BEHAVIOUR_ENV, "")
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {key.strip(): value.strip() for key, value in pairs}


def register_entry_points(directory: Path) -> dict[str, str]:
    """A distribution's metadata in `directory` registering both providers; the environment
    (PYTHONPATH) under which a `fnplan` subprocess finds them."""
    info = directory / "fnplan_longops_test-1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fnplan-longops-test\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[fnplan.providers]\n"
        f"longops = {__name__}:LongOpsProvider\n"
        f"longops_serial = {__name__}:SerialLongOpsProvider\n"
    )
    repo = Path(__file__).resolve().parents[2]
    return {"PYTHONPATH": os.pathsep.join([str(directory), str(repo)])}
