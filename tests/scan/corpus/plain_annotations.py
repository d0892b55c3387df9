# A scan corpus file: the older typing styles are written on purpose.
from typing import Any


def handler(event: dict[str, int], context: Any) -> list[str]:
    """Names of the counters above zero."""
    return [key for key, value in event.items() if value > 0]
