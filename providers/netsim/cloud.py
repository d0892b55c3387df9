"""The simulated cloud: a directory of JSON objects that behaves like a remote API.

<root>/objects/<id>.json is one object; every change is written atomically under an
exclusive file lock (<root>/.lock), so several processes and threads may share a root.
Like a real cloud it assigns ids, numbers published versions, and is eventually consistent:
a new object is hidden from reads (get, find) until `visible_at`, while writes addressed by
id or client token (update, delete, an idempotent create) see it at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

OBJECTS = "objects"
_LOCK = ".lock"
_ID_PREFIX = {"runtime": "rt", "function": "fn", "workflow": "wf", "event": "ev", "trigger": "tg"}
_DEFAULT_KEEP = 3

Object = dict[str, Any]


class NotFound(Exception):
    """No visible object answers the request (a 404)."""


class Conflict(Exception):
    """A conditional create met an object it must not coexist with (a 409)."""

    def __init__(self, existing: Object) -> None:
        super().__init__(existing["id"])
        self.existing = existing


class Cloud:
    """The server side of netsim: what a real provider would reach over the network."""

    def __init__(self, root: Path, *, consistency_ms: int = 0, region: str = "sim-1") -> None:
        self.root = root
        self.consistency_ms = consistency_ms
        self.region = region

    # reads: eventually consistent

    def get(self, object_id: str) -> Object:
        """The object `object_id`; NotFound when it is gone or not visible yet."""
        found = self._read(object_id)
        if found is None or not _visible(found):
            raise NotFound(object_id)
        return found

    def find(self, **match: Any) -> list[Object]:
        """Visible objects whose top-level fields (or `tags`) equal the given values."""
        tags = match.pop("tags", {})
        return [
            obj
            for obj in self.objects()
            if _visible(obj)
            and all(obj.get(key) == value for key, value in match.items())
            and all(obj["tags"].get(key) == value for key, value in tags.items())
        ]

    def objects(self) -> list[Object]:
        """Every stored object, visible or not (what an operator of the cloud sees)."""
        directory = self.root / OBJECTS
        if not directory.is_dir():
            return []
        found = (self._read(path.stem) for path in sorted(directory.glob("*.json")))
        return [obj for obj in found if obj is not None]

    # writes: consistent

    def create(
        self,
        type_: str,
        name: str,
        spec: dict[str, Any],
        *,
        code: dict[str, str] | None,
        tags: dict[str, str],
        token: str,
        refuse: Callable[[Object], bool],
    ) -> Object:
        """A new object (`code`: a function's files, path -> sha256); the same client `token`
        again returns the object it created (an idempotent retry after a lost answer), visible
        or not. Conflict when an object of this type and name, visible or not, is one
        `refuse` rejects (a conditional write: consistent)."""
        with self._locked():
            stored = self.objects()
            existing = next((o for o in stored if o.get("client_token") == token), None)
            if existing is not None:
                return existing
            for other in stored:
                if other["type"] == type_ and other["name"] == name and refuse(other):
                    raise Conflict(other)
            object_id = f"{_ID_PREFIX.get(type_, 'ob')}-{secrets.token_hex(6)}"
            now = time.time()
            obj: Object = {
                "id": object_id,
                "type": type_,
                "name": name,
                "arn": f"arn:netsim:{self.region}:{type_}/{object_id}",
                "url": f"https://{object_id}.{self.region}.netsim.test/",
                "spec": spec,
                "code": code,
                "tags": tags,
                "client_token": token,
                "created_at": now,
                "visible_at": now + self.consistency_ms / 1000,
                "versions": [],
            }
            _publish(obj)
            self._write(obj)
            return obj

    def update(self, object_id: str, change: Callable[[Object], None]) -> Object:
        """Apply `change` to the stored object (publishing a new version when its spec's
        `version` is new); NotFound when there is no such object."""
        with self._locked():
            obj = self._read(object_id)
            if obj is None:
                raise NotFound(object_id)
            change(obj)
            _publish(obj)
            self._write(obj)
            return obj

    def delete(self, object_id: str) -> bool:
        """Remove the object; False when there was none."""
        with self._locked():
            path = self._path(object_id)
            if not path.exists():
                return False
            path.unlink()
            return True

    def _path(self, object_id: str) -> Path:
        if not object_id or "/" in object_id or object_id.startswith("."):
            raise NotFound(object_id)
        return self.root / OBJECTS / f"{object_id}.json"

    def _read(self, object_id: str) -> Object | None:
        try:
            data = json.loads(self._path(object_id).read_text())
        except (FileNotFoundError, NotFound):
            return None
        return data if isinstance(data, dict) else None

    def _write(self, obj: Object) -> None:
        path = self._path(str(obj["id"]))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(obj, handle, sort_keys=True, indent=1)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The cloud-wide write lock (one fd per use: flock then also excludes threads)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / _LOCK, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _visible(obj: Object) -> bool:
    return time.time() >= float(obj.get("visible_at", 0))


def _publish(obj: Object) -> None:
    """Number the spec's `version` (a hash) when it is new, like a function registry does,
    and keep the newest `keep_versions`, every `retain_versions` hash and the latest."""
    version = obj["spec"].get("version")
    if not isinstance(version, str):
        return
    versions: list[dict[str, Any]] = obj["versions"]
    current = next((v for v in versions if v["hash"] == version), None)
    if current is None:
        number = 1 + max((int(v["number"]) for v in versions), default=0)
        current = {"number": number, "hash": version}
        versions.append(current)
    keep_versions = obj["spec"].get("keep_versions")
    keep_count = _DEFAULT_KEEP if keep_versions is None else max(1, int(keep_versions))
    newest = sorted(versions, key=lambda v: v["number"], reverse=True)[:keep_count]
    keep = {version, *(obj["spec"].get("retain_versions") or []), *(v["hash"] for v in newest)}
    obj["versions"] = sorted((v for v in versions if v["hash"] in keep), key=lambda v: v["number"])
    obj["version_number"] = current["number"]
