"""Function versions on this machine: immutable code snapshots with a manifest each.

local/functions/<address>/<version>/{code/, manifest.json} is one published version;
local/functions/<address>/versions.json records {"latest", "source", "keep_versions",
"retain_versions", "versions": [{number, hash, path, created, python}]}. Publishing copies to
a temp directory and renames it into place, then prunes versions beyond keep_versions that
are not retained.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fnplan.provider import Observation
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

from . import snapshot
from .disk import (
    LOCKS,
    Layout,
    atomic_write_json,
    encode_address,
    make_dirs,
    prune_empty,
    read_json,
    remove_tree,
)
from .integrity import check_publishable, code_hash, identity_drift
from .leases import leased, store_guard
from .problems import resource_error
from .runtimes import interpreter

VERSIONS = "versions.json"
MANIFEST = "manifest.json"
CODE = "code"
_TMP_PREFIX = ".tmp-"
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_DEFAULT_KEEP = 3
#: attributes that describe the deployment, not one version (not in the version hash):
#: recorded in versions.json at every apply
_DEPLOYMENT_KEYS = ("source", "keep_versions", "retain_versions")
#: of those, the ones that have no meaning for a version, observed from versions.json (the
#: manifest keeps `source`, which is not observed)
_PRUNING_KEYS = ("keep_versions", "retain_versions")


class Functions:
    """Publish, observe, prune and delete function versions."""

    def __init__(self, layout: Layout, project_dir: Path) -> None:
        self._layout = layout
        self._project_dir = project_dir
        self._functions = str(layout.functions)

    def observe(self, prior: ResourceState) -> Observation:
        """The latest stored version with its identity re-checked (a broken one shows as
        drift). A directory left half-deleted still exists, so that its delete is finished.
        `source` is not observed: where the code came from is not part of what is stored."""
        # plain str paths: pathlib's overhead would dominate at 1,000 functions
        directory = os.path.join(self._functions, encode_address(prior.address))
        record = read_json(os.path.join(directory, VERSIONS))
        if not isinstance(record, dict) or not record.get("latest"):
            if not os.path.isdir(directory):
                return Observation(exists=False)
            return _damaged(f"{VERSIONS} is missing")
        version_dir = os.path.join(directory, record["latest"])
        manifest = read_json(os.path.join(version_dir, MANIFEST))
        if not _well_formed(manifest):
            return _damaged(f"version {record['latest']} has no {MANIFEST}")
        try:
            actual = snapshot.check(os.path.join(version_dir, CODE), manifest["files"])
        except FileNotFoundError:
            return _damaged(f"version {record['latest']} has no code")
        attributes = {k: v for k, v in manifest["attributes"].items() if k != "source"}
        attributes.update({key: record.get(key) for key in _PRUNING_KEYS})
        attributes.update(identity_drift(manifest, actual or code_hash(manifest["files"])))
        outputs = _outputs(directory, record, manifest)
        return Observation(exists=True, attributes=attributes, outputs=outputs)

    def create(self, resource: Resource) -> dict[str, Any]:
        """Publish the version unless an intact copy is stored, then prune."""
        directory = self._layout.function_dir(resource.address)
        with LOCKS.get(f"function:{resource.address}"):
            try:
                return self._publish(resource, directory)
            except BaseException:
                if not (directory / VERSIONS).exists():
                    prune_empty(directory, self._layout.root)
                raise

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        """Same as create: versions are immutable, a new one is published beside."""
        return self.create(resource)

    def delete(self, prior: ResourceState) -> None:
        """Remove every stored version of this function."""
        with LOCKS.get(f"function:{prior.address}"):
            directory = self._layout.function_dir(prior.address)
            remove_tree(directory)
            prune_empty(directory.parent, self._layout.root)

    def _publish(self, resource: Resource, directory: Path) -> dict[str, Any]:
        version = resource.attributes.get("version")
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            raise resource_error(resource, f"the function's `version` {version!r} is not a hash")
        source = self._source(resource)
        python = self._python(resource)
        make_dirs(directory)
        _remove_leftovers(directory)
        record = _load_record(directory)
        entry = next((v for v in record["versions"] if v["hash"] == version), None)
        manifest = _intact_manifest(directory / version) if entry else None
        if manifest is None:
            number = entry["number"] if entry else _next_number(record)
            manifest = _write_version(resource, source, directory, number, python)
            others = [v for v in record["versions"] if v["hash"] != version]
            record["versions"] = [*others, _entry(directory, manifest)]
        with store_guard(self._layout.root):  # no run may lease a version being pruned
            removed = _prune(record, resource, version, leased(self._layout.root, resource.address))
            atomic_write_json(directory / VERSIONS, record)
            for hash_ in removed:
                remove_tree(directory / hash_)
        return _outputs(str(directory), record, manifest)

    def _source(self, resource: Resource) -> Path:
        raw = resource.attributes.get("source")
        if not isinstance(raw, str) or not raw:
            raise resource_error(resource, "the function has no `source` directory")
        source = self._project_dir / raw
        if not source.is_dir():
            raise resource_error(resource, f"source directory {source} does not exist")
        handler = resource.attributes.get("handler")
        if not isinstance(handler, str) or "." not in handler:
            raise resource_error(
                resource,
                f"handler {handler!r} is not of the form MODULE.FUNCTION",
                hint='e.g. handler = "main.handler" for def handler(event, context) in main.py',
            )
        module = handler.rpartition(".")[0].replace(".", "/")
        if not ((source / f"{module}.py").is_file() or (source / module / "__init__.py").is_file()):
            raise resource_error(resource, f"handler module {module}.py not found in {source}")
        return source

    def _python(self, resource: Resource) -> str:
        runtime = resource.attributes.get("runtime")
        if not isinstance(runtime, dict):
            return sys.executable
        language = runtime.get("language")
        if isinstance(language, str) and not language.startswith("python"):
            raise resource_error(
                resource,
                f"the local provider runs Python functions; {language!r} is not supported",
                allowed=["python3.X"],
            )
        python = interpreter(self._layout, str(runtime.get("address")), runtime)
        if not Path(python).exists():
            raise resource_error(
                resource,
                f"the environment of {runtime.get('address')} is not built ({python} is missing)",
                hint="apply the runtime first (it is a dependency of the function)",
            )
        return python


def _load_record(directory: Path) -> dict[str, Any]:
    """versions.json, or one rebuilt from the manifests on disk when it was lost."""
    record = read_json(directory / VERSIONS)
    if isinstance(record, dict) and isinstance(record.get("versions"), list):
        return record
    manifests = [read_json(path) for path in directory.glob(f"*/{MANIFEST}")]
    versions = [_entry(directory, m) for m in manifests if _well_formed(m)]
    return {"versions": sorted(versions, key=lambda v: v["number"])}


def _well_formed(manifest: Any) -> bool:
    """Whether a parsed manifest has what observe and publish read (it may have been edited)."""
    return (
        isinstance(manifest, dict)
        and isinstance(manifest.get("files"), dict)
        and isinstance(manifest.get("attributes"), dict)
        and isinstance(manifest.get("version_number"), int)
        and all(isinstance(manifest.get(key), str) for key in ("version", "created", "python"))
    )


def _intact_manifest(version_dir: Path) -> dict[str, Any] | None:
    """The version's manifest when its snapshot is exactly as published, else None."""
    manifest = read_json(version_dir / MANIFEST)
    if not _well_formed(manifest):
        return None
    try:
        intact = snapshot.check(version_dir / CODE, manifest["files"]) is None
    except FileNotFoundError:
        return None
    return (
        manifest if intact and not identity_drift(manifest, code_hash(manifest["files"])) else None
    )


def _damaged(reason: str) -> Observation:
    """A function whose store is partly there: it exists (a delete must finish, an apply
    must repair it) but matches no recorded attributes."""
    return Observation(exists=True, attributes={"source_hash": f"damaged: {reason}"})


def _next_number(record: dict[str, Any]) -> int:
    return 1 + max((int(v["number"]) for v in record["versions"]), default=0)


def _write_version(
    resource: Resource, source: Path, directory: Path, number: int, python: str
) -> dict[str, Any]:
    """Copy the source into a new version directory atomically; returns its manifest."""
    version = str(resource.attributes["version"])
    staging = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=directory))
    try:
        try:
            snapshot.copy_source(source, staging / CODE)
        except OSError as exc:
            raise resource_error(resource, f"cannot copy {source}: {exc}") from exc
        files = snapshot.fingerprint(staging / CODE)
        check_publishable(resource, files)
        manifest = {
            "address": resource.address,
            "version": version,
            "version_number": number,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": python,
            "attributes": {k: v for k, v in resource.attributes.items() if k not in _PRUNING_KEYS},
            "files": files,
        }
        # The staging directory is private until renamed, so a plain write is atomic enough.
        (staging / MANIFEST).write_text(json.dumps(manifest, sort_keys=True) + "\n")
        _swap_into_place(staging, directory / version)
    finally:
        remove_tree(staging)
    return manifest


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`, moving a (damaged) existing `target` aside first."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=target.parent))
        target.rename(old / "old")
        staging.rename(target)
        remove_tree(old)
    else:
        staging.rename(target)


def _entry(directory: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": manifest["version_number"],
        "hash": manifest["version"],
        "path": str(directory / manifest["version"] / CODE),
        "created": manifest["created"],
        "python": manifest["python"],
    }


def _prune(record: dict[str, Any], resource: Resource, latest: str, in_use: set[str]) -> list[str]:
    """Keep the newest keep_versions, every retained hash, `latest` and the versions running
    executions use (`in_use`); returns removed hashes."""
    keep_versions = resource.attributes.get("keep_versions")
    retain_versions = resource.attributes.get("retain_versions")
    keep_count = _DEFAULT_KEEP if keep_versions is None else max(1, int(keep_versions))
    retained = [str(h) for h in retain_versions or []]
    newest = sorted(record["versions"], key=lambda v: v["number"], reverse=True)[:keep_count]
    keep = {latest, *retained, *in_use, *(v["hash"] for v in newest)}
    removed = [v["hash"] for v in record["versions"] if v["hash"] not in keep]
    record["versions"] = sorted(
        (v for v in record["versions"] if v["hash"] in keep), key=lambda v: v["number"]
    )
    record.update({key: resource.attributes.get(key) for key in _DEPLOYMENT_KEYS}, latest=latest)
    return removed


def _remove_leftovers(directory: Path) -> None:
    """Remove staging directories left by an interrupted publish."""
    for path in directory.glob(f"{_TMP_PREFIX}*"):
        remove_tree(path)


def _outputs(directory: str, record: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    def code(version: str) -> str:
        return os.path.join(directory, version, CODE)

    return {
        "version": manifest["version"],
        "version_number": manifest["version_number"],
        "versions": [
            {"number": v["number"], "hash": v["hash"], "path": code(v["hash"])}
            for v in record["versions"]
        ],
        "python": manifest["python"],
        "code": code(manifest["version"]),
        "handler": manifest["attributes"].get("handler"),
    }
