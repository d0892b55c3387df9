"""Lambda layers fnplan builds: a runtime's `packages`, installed for the Lambda platform
(pip with --platform/--only-binary, so no compiler and no Lambda image are needed) into a
zip cached by content (packages, Python version, architecture), and published as a layer
version whose description carries that content hash: a function finds the layer version of
its runtime's packages by it, and nothing is built or published twice."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from fnplan.errors import ProviderError
from fnplan.files import write_atomically
from fnplan.naming import LAMBDA_FUNCTION, physical_name

from .clients import Clients, aws_errors, unless_missing
from .packaging import add_file

#: Lambda's architectures and the manylinux platform tags pip installs wheels for
PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
_PIP_SECONDS = 600


def check_requirement(spec: str) -> str | None:
    """Why `spec` is not a plain requirement ("pillow==11.0.0"), or None: a package list is
    passed to pip, and an option ("--index-url=...") or a URL must never get there."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(spec)
    except InvalidRequirement as exc:
        return f"{spec!r} is not a requirement: {exc}"
    if requirement.url:
        return f"{spec!r} names a URL; only packages from the index can be installed"
    return None


def content_hash(packages: list[str], python: str, architecture: str) -> str:
    """What a layer is identified by: its packages, Python version and architecture."""
    data = json.dumps([sorted(packages), python, architecture]).encode()
    return hashlib.sha256(data).hexdigest()


def layer_name(runtime_address: str, prefix: str) -> str:
    return physical_name(runtime_address, LAMBDA_FUNCTION, prefix=prefix)


def build_layer(packages: list[str], python: str, architecture: str, cache_dir: Path) -> bytes:
    """The layer zip (packages under python/), from the cache or built now."""
    key = content_hash(packages, python, architecture)
    cached = cache_dir / "aws-layers" / f"{key}.zip"
    if cached.is_file():
        return cached.read_bytes()
    with tempfile.TemporaryDirectory(prefix="fnplan-layer-") as temp:
        target = Path(temp) / "python"
        _pip_install(packages, python, architecture, target)
        data = _zip_tree(Path(temp))
    cached.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(cached, data)
    return data


def publish_layer(
    clients: Clients,
    address: str,
    name: str,
    data: bytes,
    key: str,
    runtime: str,
    *,
    replacing: str | None = None,
) -> str:
    """The ARN of the layer version holding `data`, published unless one with the same
    content hash exists already (other than `replacing`, one published outside fnplan)."""
    found = find_layer(clients, address, name, key)
    if found is not None and found != replacing:
        return found
    with aws_errors(f"{address}: lambda PublishLayerVersion {name}"):
        published = clients["lambda"].publish_layer_version(
            LayerName=name,
            Description=f"fnplan {key}",
            Content={"ZipFile": data},
            CompatibleRuntimes=[runtime],
        )
    return str(published["LayerVersionArn"])


def find_layer(clients: Clients, address: str, name: str, key: str) -> str | None:
    """The ARN of the newest layer version of `name` built from content `key`, if published
    (functions use the newest one)."""
    lam = clients["lambda"]
    found: list[tuple[int, str]] = []
    with aws_errors(f"{address}: lambda ListLayerVersions {name}"):
        pages = lam.get_paginator("list_layer_versions").paginate(LayerName=name)
        for page in pages:
            for version in page.get("LayerVersions", []):
                if version.get("Description") == f"fnplan {key}":
                    found.append((int(version["Version"]), str(version["LayerVersionArn"])))
    return max(found)[1] if found else None


def delete_layer_versions(clients: Clients, address: str, name: str) -> None:
    """Delete the versions of layer `name` that fnplan published; none left is fine."""
    lam = clients["lambda"]
    with unless_missing(f"{address}: lambda ListLayerVersions {name}"):
        for page in lam.get_paginator("list_layer_versions").paginate(LayerName=name):
            for version in page.get("LayerVersions", []):
                if str(version.get("Description", "")).startswith("fnplan "):
                    number = version["Version"]
                    with unless_missing(f"{address}: lambda DeleteLayerVersion {name}"):
                        lam.delete_layer_version(LayerName=name, VersionNumber=number)


def _pip_install(packages: list[str], python: str, architecture: str, target: Path) -> None:
    command = [
        *(sys.executable, "-m", "pip", "install", "--quiet", "--no-compile"),
        *("--target", str(target), "--platform", PLATFORMS[architecture]),
        *("--implementation", "cp", "--python-version", python, "--only-binary=:all:"),
        "--",
        *packages,
    ]
    environment = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=_PIP_SECONDS, env=environment
        )
    except subprocess.TimeoutExpired:
        raise ProviderError(
            f"installing {', '.join(packages)} took over {_PIP_SECONDS} s"
        ) from None
    if done.returncode != 0:
        detail = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        raise ProviderError(
            f"pip could not install {', '.join(packages)} for Lambda (Python {python}, "
            f"{architecture}): {' '.join(detail) or done.stderr.strip()[-300:]}",
            hint="every package needs a wheel for the Lambda platform (manylinux)",
        )


def _zip_tree(root: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            add_file(archive, path.relative_to(root).as_posix(), path.read_bytes())
    return buffer.getvalue()
