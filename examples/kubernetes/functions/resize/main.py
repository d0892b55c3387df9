"""resize: make a "thumbnail" of a work file by sampling at most width*width of its bytes."""

import os


def handler(event, context):
    width = int(event.get("width", 64))
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    with open(event["image"], "rb") as handle:
        data = handle.read()
    limit = width * width
    step = max(1, -(-len(data) // limit))
    thumbnail = data[::step]
    path = os.path.splitext(event["image"])[0] + f".w{width}.thumb"
    with open(path, "wb") as handle:
        handle.write(thumbnail)
    return {"path": path, "bytes": len(thumbnail), "width": width}
