"""A function's code as a Lambda deployment package: a zip of its source tree, byte for byte
the same for the same files (sorted entries, fixed timestamps and modes), checked against the
function's `source_hash` so that what is uploaded is exactly what the plan showed."""

from __future__ import annotations

import hashlib
import io
import zipfile

from fnplan.errors import ProviderError
from fnplan.versions import UnsafeLink, source_files, tree_hash

_EPOCH = (1980, 1, 1, 0, 0, 0)
#: Lambda's limit for a zip uploaded directly (larger ones go through S3)
MAX_DIRECT_UPLOAD = 50 * 1024 * 1024


def function_zip(address: str, source: str, source_hash: str) -> bytes:
    """The deployment package of `source`; ProviderError when its content is not the one
    the plan was made from, or when it is too large to upload directly."""
    try:
        files = source_files(source)
    except (UnsafeLink, OSError) as exc:
        raise ProviderError(f"{address}: cannot package {source}: {exc}") from None
    digests = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, path in files:
            with open(path, "rb") as handle:
                data = handle.read()
            digests.append((relative, hashlib.sha256(data).hexdigest()))
            add_file(archive, relative, data)
    found = tree_hash(digests)
    if found != source_hash:
        raise ProviderError(
            f"{address}: the code in {source} changed since the plan was made "
            f"(planned {source_hash[:19]}, found {found[:19]})",
            hint="make a new plan; a saved plan deploys the code it carries",
        )
    package = buffer.getvalue()
    if len(package) > MAX_DIRECT_UPLOAD:
        raise ProviderError(
            f"{address}: the deployment package is {len(package) // 1024 // 1024} MB, over "
            "Lambda's 50 MB limit for a direct upload"
        )
    return package


def add_file(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    """One entry with a fixed timestamp and mode, so equal files make equal zips."""
    entry = zipfile.ZipInfo(name, date_time=_EPOCH)
    entry.external_attr = 0o644 << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(entry, data)


def package_sha256(package: bytes) -> str:
    """The CodeSha256 Lambda reports for an uploaded package (base64 of its sha256)."""
    import base64

    return base64.b64encode(hashlib.sha256(package).digest()).decode()
