# A scan corpus file: the older typing styles are written on purpose.
"""Sends notifications through a helper."""

from notify import emit


class Unknown:
    pass


def process(event: Unknown, context) -> int:
    emit("com.example.user.notified", {"user": event})
    emit("com.example.user.notified", {"again": True})
    return 1
