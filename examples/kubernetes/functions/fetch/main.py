"""fetch: copy the object at `url` (a path, file:// or http(s):// URL) to a work file.

A relative path is read from the project directory (PROJECT_DIR, set in main.hcl), because
handlers run in their own code directory, not where fnplan was started.
"""

import hashlib
import os
import tempfile
import urllib.request


def _read(url: str) -> bytes:
    if url.startswith(("http://", "https://")):
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    path = os.path.join(os.environ.get("PROJECT_DIR", ""), url.removeprefix("file://"))
    with open(path, "rb") as handle:
        return handle.read()


def handler(event, context):
    data = _read(event["url"])
    work = os.path.join(tempfile.gettempdir(), "fnplan-quickstart")
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, hashlib.sha256(data).hexdigest()[:16] + ".orig")
    with open(path, "wb") as handle:
        handle.write(data)
    return {"path": path, "bytes": len(data)}
