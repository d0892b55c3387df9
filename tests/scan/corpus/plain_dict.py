# A scan corpus file: the older typing styles are written on purpose.
"""Fetch a file and report its size.

Written without type hints: the scan reads how the event is used.
"""

import os


def handler(event, context):
    url = event["url"]
    width = event.get("width", 64)
    label = event.get("label")
    if not os.path.exists(url):
        return {"path": url, "bytes": 0, "missing": True}
    return {"path": url, "bytes": os.path.getsize(url) * width, "label": label}
