"""Repeated CloudEvents: a (source, id) seen within a window is delivered once.

CloudEvents senders retry, and a retried event keeps its `source` and `id`
(the spec makes the pair unique); `fnplan serve` acknowledges a repeat without running
its triggers again. The memory is bounded by the window and by a maximum number of pairs.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

#: How long a (source, id) pair is remembered, in seconds.
DEFAULT_WINDOW = 600.0
#: Most pairs remembered at once; the oldest are forgotten first beyond it.
MAX_REMEMBERED = 100_000

Key = tuple[str, str]


class SeenEvents:
    """(source, id) pairs delivered in the last `window` seconds; thread-safe."""

    def __init__(
        self,
        window: float = DEFAULT_WINDOW,
        capacity: int = MAX_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.capacity = capacity
        self._clock = clock
        self._seen: OrderedDict[Key, float] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, keys: Iterable[Key]) -> list[bool]:
        """For each key in order: True when it is new (and now remembered), False for a repeat
        (also of an earlier key in the same call)."""
        with self._lock:
            now = self._clock()
            self._forget_before(now - self.window)
            fresh: list[bool] = []
            for key in keys:
                new = key not in self._seen
                fresh.append(new)
                if new and self.window > 0:
                    self._seen[key] = now
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            return fresh

    def _forget_before(self, horizon: float) -> None:
        while self._seen:
            oldest = next(iter(self._seen.values()))
            if oldest > horizon:
                return
            self._seen.popitem(last=False)
