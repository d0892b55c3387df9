"""The kubernetes backend's state lock: a coordination.k8s.io/v1 Lease per workspace.

The Lease's holderIdentity is the lock ID and its `fnplan.io/lock` annotation the whole
LockInfo (operation, user, pid, host, lease), so `kubectl get lease` shows who holds it.
Exactly one create wins (409 for the others); a Lease left without a holder is taken over by
an update on its resourceVersion. Renewals replace it on its resourceVersion, and release,
breaking and `force-unlock` delete it on a resourceVersion precondition, so none of them ever
touches a lock someone else took meanwhile. Waiting, breaking a dead local holder's lock and
naming any other holder are fnplan.state.lock.acquire's, as for every backend.
"""

from __future__ import annotations

import contextlib
import math
from datetime import UTC, datetime

from pydantic import ValidationError

from fnplan.errors import LockError
from fnplan.state.lock import (
    DEFAULT_LEASE,
    LockInfo,
    Warn,
    check_unlock,
)
from fnplan.state.remote_backend import RemoteLease
from fnplan.state.remote_journal import lost_lock

from .api import Conflict, KubeApi, Obj
from .names import StateObjects

LOCK_ANNOTATION = "fnplan.io/lock"


class LeaseLock(RemoteLease):
    """Acquire, renew, release and break the Lease of one workspace (a LockSlot)."""

    def __init__(
        self,
        api: KubeApi,
        objects: StateObjects,
        *,
        timeout: float,
        lease: float = DEFAULT_LEASE,
        who: str | None,
        warn: Warn,
    ) -> None:
        self.api = api
        self.objects = objects
        self.name = objects.lock
        super().__init__(timeout=timeout, lease=lease, who=who, warn=warn)
        self._version: str | None = None  # resourceVersion of our Lease while held

    def _release(self, info: LockInfo) -> None:
        """Delete our Lease on its resourceVersion (gone or taken already: nothing to do)."""
        with contextlib.suppress(Conflict):
            self.api.delete("Lease", self.name, version=self._version)
        self._version = None

    def try_create(self, info: LockInfo) -> bool:
        """Create the Lease holding `info`, or take over one that holds nothing (LockSlot)."""
        try:
            self._version = _version(self.api.create("Lease", self._body(info)))
            return True
        except Conflict:
            pass
        found = self.api.get("Lease", self.name)
        if found is None or (found.get("spec") or {}).get("holderIdentity"):
            return False
        taken = self._body(info, found["metadata"]["resourceVersion"])
        try:
            self._version = _version(self.api.replace("Lease", taken))
        except Conflict:
            return False
        return True

    def blocker(self) -> LockInfo | LockError | None:
        """The Lease's holder, None when it holds nothing (LockSlot)."""
        found = self.api.get("Lease", self.name)
        return None if found is None else self._holder(found)

    def break_lock(self, holder: LockInfo) -> bool:
        """Delete the Lease if `holder` still holds it (LockSlot)."""
        found = self.api.get("Lease", self.name)
        if found is None or _holder_id(found) != holder.id:
            return False
        try:
            return self.api.delete("Lease", self.name, version=_version(found))
        except Conflict:
            return False  # renewed, released or taken meanwhile

    def current(self) -> LockInfo | None:
        """The lock as it is now, or None when unlocked."""
        holder = self.blocker()
        if isinstance(holder, LockError):
            raise holder
        return holder

    def check(self, info: LockInfo) -> None:
        """LockLostError unless the Lease still names our lock."""
        found = self.api.get("Lease", self.name)
        if self.lost.is_set() or found is None or _holder_id(found) != info.id:
            raise lost_lock(info)

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Delete the Lease if its lock ID is `lock_id` (the user's explicit override)."""
        found = self.api.get("Lease", self.name)
        holder = None if found is None else self._holder(found)
        if isinstance(holder, LockError):
            raise holder
        unlocked = check_unlock(holder, lock_id, f"{self.api.description}, lease {self.name}")
        assert found is not None  # check_unlock refuses when nothing is locked
        try:
            self.api.delete("Lease", self.name, version=_version(found))
        except Conflict:
            raise LockError(
                f"lease {self.name} changed while it was being unlocked", hint="run it again"
            ) from None
        return unlocked

    def renew(self, info: LockInfo) -> LockInfo | None:
        """Extend our lease; None when the Lease is no longer ours (broken or replaced)."""
        renewed = info.renewed(self.lease)
        try:
            self._version = _version(self.api.replace("Lease", self._body(renewed, self._version)))
        except Conflict:
            return None
        return renewed

    def _holder(self, found: Obj) -> LockInfo | LockError | None:
        holder_id = _holder_id(found)
        if not holder_id:
            return None
        text = ((found.get("metadata") or {}).get("annotations") or {}).get(LOCK_ANNOTATION)
        try:
            return LockInfo.model_validate_json(text or "")
        except ValidationError:
            return LockError(
                f"{self.api.description}: lease {self.name} is held by {holder_id!r}, "
                "which is not a fnplan lock",
                hint=f"if nothing holds it any more: kubectl delete lease {self.name} "
                f"-n {self.api.namespace}",
            )

    def _body(self, info: LockInfo, version: str | None = None) -> Obj:
        metadata = self.objects.metadata(
            self.name, "lock", {LOCK_ANNOTATION: info.model_dump_json()}
        )
        if version is not None:
            metadata["resourceVersion"] = version
        return {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": metadata,
            "spec": {
                "holderIdentity": info.id,
                "leaseDurationSeconds": max(1, math.ceil(self.lease)),
                "acquireTime": _micro_time(info.created),
                "renewTime": _micro_time(datetime.now(UTC)),
            },
        }


def _holder_id(lease: Obj) -> str:
    return str((lease.get("spec") or {}).get("holderIdentity") or "")


def _version(obj: Obj) -> str:
    return str(obj["metadata"]["resourceVersion"])


def _micro_time(moment: datetime) -> str:
    """Kubernetes' MicroTime: RFC 3339 with microseconds, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
