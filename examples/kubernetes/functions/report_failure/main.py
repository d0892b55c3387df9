"""report_failure: the thumbnail workflow's error branch; records what failed."""

import sys


def handler(event, context):
    message = f"thumbnail failed for {event.get('url')!r}: {event.get('reason', 'unknown')}"
    print(message, file=sys.stderr)
    return {"reported": True, "message": message}
