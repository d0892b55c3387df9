"""fetch: copy the object at `url` (a local path, file:// or http(s):// URL) to a work file."""

import hashlib
import os
import tempfile
import urllib.request


def _read(url: str) -> bytes:
    if url.startswith(("http://", "https://")):
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    with open(url.removeprefix("file://"), "rb") as handle:
        return handle.read()


def handler(event, context):
    data = _read(event["url"])
    work = os.path.join(tempfile.gettempdir(), "fnplan-quickstart")
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, hashlib.sha256(data).hexdigest()[:16] + ".orig")
    with open(path, "wb") as handle:
        handle.write(data)
    return {"path": path, "bytes": len(data)}
