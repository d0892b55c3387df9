"""The fake API server's objects: CRUD with resourceVersion, server-side apply with
managedFields per manager, label selectors, finalizers (see tests/kube_fake/__init__.py)."""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Path = tuple[str, ...]
Obj = dict[str, Any]
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
#: what a manager owns is not tracked below these (Kubernetes' own bookkeeping)
_UNOWNED = {("metadata", "managedFields"), ("metadata", "resourceVersion"), ("status",)}


class ApiFailure(Exception):
    """An answer other than success: HTTP `code`, Kubernetes `reason` and message."""

    def __init__(self, code: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


@dataclass(frozen=True, slots=True)
class Key:
    """An object's identity: its resource (group/version/plural), namespace and name."""

    resource: str
    namespace: str
    name: str


class Store:
    """Every object of the fake cluster, under one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._objects: dict[Key, Obj] = {}
        self._version = 0
        for name in ("default", "kube-system"):
            self._create(Key("v1/namespaces", "", name), _namespace(name), "fake", "Update")

    def get(self, key: Key) -> Obj:
        with self._lock:
            return copy.deepcopy(self._found(key))

    def list(self, resource: str, namespace: str, selector: str) -> list[Obj]:
        wanted = _parse_selector(selector)
        with self._lock:
            return [
                copy.deepcopy(obj)
                for key, obj in sorted(self._objects.items(), key=lambda item: item[0].name)
                if key.resource == resource
                and (not namespace or key.namespace == namespace)
                and _matches(obj, wanted)
            ]

    def create(self, key: Key, body: Obj, manager: str) -> Obj:
        _check_body(key, body)
        with self._lock:
            return self._create(key, body, manager, "Update")

    def replace(self, key: Key, body: Obj, manager: str, *, status: bool = False) -> Obj:
        """PUT: optimistic concurrency on metadata.resourceVersion (409 when stale)."""
        _check_body(key, body)
        with self._lock:
            old = self._found(key)
            given = (body.get("metadata") or {}).get("resourceVersion")
            if given and given != old["metadata"]["resourceVersion"]:
                raise ApiFailure(
                    409,
                    "Conflict",
                    f'Operation cannot be fulfilled on "{key.name}": the object has been '
                    "modified; please apply your changes to the latest version and try again",
                )
            new = _replaced(old, body, status)
            return self._changed(key, old, new, manager, "Update")

    def merge_patch(self, key: Key, patch: Obj, manager: str, *, status: bool = False) -> Obj:
        """A JSON merge patch (RFC 7386) of the object or of its status."""
        with self._lock:
            old = self._found(key)
            if status:
                patch = {"status": patch.get("status") or {}}
            else:
                patch = {k: v for k, v in patch.items() if k != "status"}
            new = _merged(copy.deepcopy(old), patch)
            return self._changed(key, old, new, manager, "Update")

    def apply(self, key: Key, applied: Obj, manager: str, force: bool) -> Obj:
        """Server-side apply: the applied fields merge into the object; fields another
        manager owns with another value conflict (409) unless forced; fields this manager
        applied before and no longer does are removed unless someone else owns them."""
        _check_body(key, applied)
        applied = copy.deepcopy(applied)
        applied.get("metadata", {}).pop("resourceVersion", None)
        applied.pop("status", None)
        with self._lock:
            if key not in self._objects:
                return self._create(key, applied, manager, "Apply")
            old = self._found(key)
            mine = _leaves(applied)
            owners = _owners(old)
            conflicts = [
                (path, who)
                for path in mine
                for who, fields in owners.items()
                if who != manager and path in fields and _at(old, path) != _at(applied, path)
            ]
            if conflicts and not force:
                listed = "; ".join(f'conflict with "{who}": .{".".join(p)}' for p, who in conflicts)
                raise ApiFailure(
                    409, "Conflict", f"Apply failed with {len(conflicts)} conflict(s): {listed}"
                )
            new = _merged(copy.deepcopy(old), applied)
            before = owners.get(manager, set())
            others = (
                set().union(*(f for w, f in owners.items() if w != manager)) if owners else set()
            )
            for path in before - mine - others:
                _remove(new, path)
            entries = [
                e for e in old["metadata"].get("managedFields", []) if e["manager"] != manager
            ]
            for entry in entries:
                entry["fieldsV1"] = _fields_v1(_paths(entry) - mine)
            entries.append(_entry(manager, "Apply", mine))
            new["metadata"]["managedFields"] = [e for e in entries if e["fieldsV1"]]
            return self._finish(key, old, new)

    def delete(self, key: Key, preconditions: dict[str, str] | None = None) -> Obj | None:
        """The object while finalizers hold it (deletionTimestamp set), None once gone; 409
        when a precondition (uid, resourceVersion) names another version of it."""
        with self._lock:
            obj = self._found(key)
            for field, wanted in (preconditions or {}).items():
                actual = obj["metadata"].get(field)
                if actual != wanted:
                    raise ApiFailure(
                        409,
                        "Conflict",
                        f"Precondition failed: {field} in precondition: {wanted}, "
                        f"{field} in object meta: {actual}",
                    )
            if obj["metadata"].get("finalizers"):
                obj["metadata"].setdefault("deletionTimestamp", _now())
                return copy.deepcopy(self._store(key, obj))
            del self._objects[key]
            return None

    def _create(self, key: Key, body: Obj, manager: str, operation: str) -> Obj:
        if key in self._objects:
            raise ApiFailure(409, "AlreadyExists", f'"{key.name}" already exists')
        self._check_namespace(key)
        obj = copy.deepcopy(body)
        meta = obj.setdefault("metadata", {})
        meta.pop("resourceVersion", None)
        meta.update(
            uid=f"uid-{self._version + 1}",
            generation=1,
            creationTimestamp=_now(),
            managedFields=[_entry(manager, operation, _leaves(obj))],
        )
        if key.namespace:
            meta["namespace"] = key.namespace
        return self._store(key, obj)

    def _changed(self, key: Key, old: Obj, new: Obj, manager: str, operation: str) -> Obj:
        changed = {p for p in _leaves(new) if _at(old, p) != _at(new, p)}
        entries = [e for e in old["metadata"].get("managedFields", [])]
        for entry in entries:
            entry["fieldsV1"] = _fields_v1(_paths(entry) - changed)
        mine = [e for e in entries if e["manager"] == manager and e["operation"] == operation]
        if mine:
            mine[0]["fieldsV1"] = _fields_v1(_paths(mine[0]) | changed)
        elif changed:
            entries.append(_entry(manager, operation, changed))
        new["metadata"]["managedFields"] = [e for e in entries if e["fieldsV1"]]
        return self._finish(key, old, new)

    def _finish(self, key: Key, old: Obj, new: Obj) -> Obj:
        if _spec(old) != _spec(new):
            new["metadata"]["generation"] = old["metadata"].get("generation", 1) + 1
        if new["metadata"].get("deletionTimestamp") and not new["metadata"].get("finalizers"):
            del self._objects[key]
            return new
        return copy.deepcopy(self._store(key, new))

    def _store(self, key: Key, obj: Obj, bump: bool = True) -> Obj:
        if bump:
            self._version += 1
        obj["metadata"]["resourceVersion"] = str(self._version)
        self._objects[key] = obj
        return copy.deepcopy(obj)

    def _found(self, key: Key) -> Obj:
        found = self._objects.get(key)
        if found is None:
            what = key.resource.rsplit("/", 1)[-1]
            raise ApiFailure(404, "NotFound", f'{what} "{key.name}" not found')
        return found

    def _check_namespace(self, key: Key) -> None:
        if key.namespace and Key("v1/namespaces", "", key.namespace) not in self._objects:
            raise ApiFailure(404, "NotFound", f'namespaces "{key.namespace}" not found')


def _check_body(key: Key, body: Obj) -> None:
    """422 for what the API server refuses in any object: a missing or malformed name."""
    name = (body.get("metadata") or {}).get("name")
    if name != key.name:
        raise ApiFailure(
            422, "Invalid", f"metadata.name: Invalid value: {name!r}: must be {key.name!r}"
        )
    if len(name) > 253 or not _NAME.match(name):
        raise ApiFailure(
            422,
            "Invalid",
            f"metadata.name: Invalid value: {name!r}: a lowercase RFC 1123 subdomain must "
            "consist of lower case alphanumeric characters, '-' or '.'",
        )


def _replaced(old: Obj, body: Obj, status: bool) -> Obj:
    """The object after a PUT: the body, keeping what the server sets (or, for the status
    subresource, only the body's status)."""
    new = copy.deepcopy(old)
    if status:
        new["status"] = copy.deepcopy(body.get("status") or {})
        return new
    new = {k: copy.deepcopy(v) for k, v in body.items() if k != "status"}
    if "status" in old:
        new["status"] = copy.deepcopy(old["status"])
    meta = new.setdefault("metadata", {})
    for kept in (
        "uid",
        "creationTimestamp",
        "generation",
        "managedFields",
        "deletionTimestamp",
        "namespace",
    ):
        if kept in old["metadata"]:
            meta[kept] = copy.deepcopy(old["metadata"][kept])
    return new


def _merged(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict) or not isinstance(target, dict):
        return copy.deepcopy(patch)
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = _merged(target.get(key), value)
    return target


def _leaves(obj: Any, prefix: Path = ()) -> set[Path]:
    """The field paths of `obj`'s leaves (lists are atomic, as in a map-free schema)."""
    if prefix in _UNOWNED or (prefix and prefix[0] == "status"):
        return set()
    if isinstance(obj, dict) and obj:
        found: set[Path] = set()
        for key, value in obj.items():
            found |= _leaves(value, (*prefix, key))
        return found
    return {prefix} if prefix else set()


def _at(obj: Any, path: Path) -> Any:
    for part in path:
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def _remove(obj: Obj, path: Path) -> None:
    parent = _at(obj, path[:-1])
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


def _entry(manager: str, operation: str, paths: set[Path]) -> Obj:
    return {
        "manager": manager,
        "operation": operation,
        "apiVersion": "v1",
        "time": _now(),
        "fieldsType": "FieldsV1",
        "fieldsV1": _fields_v1(paths),
    }


def _fields_v1(paths: set[Path]) -> Obj:
    """Kubernetes' FieldsV1 notation: {"f:spec": {"f:replicas": {}}}."""
    tree: Obj = {}
    for path in paths:
        node = tree
        for part in path:
            node = node.setdefault(f"f:{part}", {})
    return tree


def _paths(entry: Obj) -> set[Path]:
    found: set[Path] = set()

    def walk(node: Obj, prefix: Path) -> None:
        if not node and prefix:
            found.add(prefix)
        for key, child in node.items():
            walk(child, (*prefix, key[2:]))

    walk(entry.get("fieldsV1") or {}, ())
    return found


def _owners(obj: Obj) -> dict[str, set[Path]]:
    owners: dict[str, set[Path]] = {}
    for entry in obj["metadata"].get("managedFields", []):
        owners.setdefault(entry["manager"], set()).update(_paths(entry))
    return owners


def _spec(obj: Obj) -> Obj:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status")}


def _parse_selector(selector: str) -> list[tuple[str, str, str]]:
    """`a=b,c!=d,e` → [(key, op, value)]: equality, inequality and existence."""
    found = []
    for term in filter(None, (t.strip() for t in selector.split(","))):
        for op in ("!=", "==", "="):
            if op in term:
                key, value = term.split(op, 1)
                found.append((key.strip(), "!=" if op == "!=" else "=", value.strip()))
                break
        else:
            found.append((term.lstrip("!"), "!" if term.startswith("!") else "exists", ""))
    return found


def _matches(obj: Obj, wanted: list[tuple[str, str, str]]) -> bool:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    for key, op, value in wanted:
        ok = {
            "=": labels.get(key) == value,
            "!=": labels.get(key) != value,
            "exists": key in labels,
            "!": key not in labels,
        }[op]
        if not ok:
            return False
    return True


def _namespace(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
