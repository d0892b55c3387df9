"""Waiting on a condition with a deadline, for providers whose reads lag behind writes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_INTERVAL = 0.02


def eventually(read: Callable[[], T], ok: Callable[[T], bool], timeout: float, what: str) -> T:
    """The first value of `read()` that is `ok`, polled until `timeout` seconds have passed;
    then an AssertionError saying `what` (with the last value read)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if ok(value):
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} (within {timeout:g} s; last read: {value!r})")
        time.sleep(_INTERVAL)
