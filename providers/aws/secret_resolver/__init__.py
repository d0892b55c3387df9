"""The code of the layer that resolves a function's secrets before its handler runs
(fnplan_secrets.py, installed as /opt/fnplan-secrets): the layer's zip, built the same way
every time so that its content hash names it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

#: where the wrapper lands in the function's environment (layers unpack under /opt)
WRAPPER_PATH = "/opt/fnplan-secrets"
_SOURCE = Path(__file__).with_name("fnplan_secrets.py")
_EPOCH = (1980, 1, 1, 0, 0, 0)


def layer_zip() -> bytes:
    """The layer: the wrapper at the zip's root, executable."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entry = zipfile.ZipInfo(WRAPPER_PATH.removeprefix("/opt/"), date_time=_EPOCH)
        entry.external_attr = 0o755 << 16
        entry.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(entry, _SOURCE.read_bytes())
    return buffer.getvalue()


def layer_key() -> str:
    """The content hash the published layer version is found by."""
    return "secrets-" + hashlib.sha256(_SOURCE.read_bytes()).hexdigest()[:16]
