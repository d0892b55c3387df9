"""The context of one provider call (protocol v2, "Long operations and threads").

The engine sets it around every observe/create/update/delete; a provider reads it with
`fnplan.provider.current_call()` to report progress during a long wait, to notice that the
user pressed Ctrl-C or that the call's time is up, and to size its own waits. A provider
called outside the engine (its own tests) gets a detached call: no deadline, never cancelled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from fnplan.errors import CallCancelled

T = TypeVar("T")


class Call:
    """One provider call in progress: what it is, its deadline, its progress and cancellation.

    operation  "create", "update", "delete", "observe", ...
    address    the resource address the call works on ("" for a detached call)
    timeout    seconds the call may take (None: no limit); the deadline counts from the start
    """

    def __init__(
        self,
        operation: str = "",
        address: str = "",
        *,
        timeout: float | None = None,
        on_progress: Callable[[Call, str], None] | None = None,
    ) -> None:
        self.operation = operation
        self.address = address
        self.timeout = timeout
        self.started = time.monotonic()
        self._on_progress = on_progress
        #: the last text given to progress() ("" before any)
        self.last_progress = ""
        self._reason = ""  # set once: the call is cancelled

    @property
    def deadline(self) -> float | None:
        """The time.monotonic() value the call must end by (None: no limit)."""
        return None if self.timeout is None else self.started + self.timeout

    def remaining(self) -> float | None:
        """Seconds left before the deadline (never negative; None: no limit)."""
        deadline = self.deadline
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def progress(self, text: str) -> None:
        """Tell the user what the call is waiting for ("waiting for function Active"); shown
        in the apply display with the time elapsed."""
        self.last_progress = text
        if self._on_progress is not None:
            self._on_progress(self, text)

    def cancelled(self) -> bool:
        """Whether the call should stop: the user interrupted, or its time is up."""
        if self._reason:
            return True
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            self.cancel(self.timed_out_message())
        return bool(self._reason)

    def check_cancelled(self) -> None:
        """Raise CallCancelled (saying why) when the call should stop."""
        if self.cancelled():
            raise CallCancelled(self._reason)

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds` (and never past the deadline), waking at once on
        cancellation; True when the call is cancelled. For polling loops."""
        remaining = self.remaining()
        limit = seconds if remaining is None else min(seconds, remaining)
        with _WAKE:
            _WAKE.wait_for(lambda: bool(self._reason), max(0.0, limit))
        return self.cancelled()

    @property
    def reason(self) -> str:
        """Why the call was cancelled ("" while it is not)."""
        return self._reason

    def cancel(self, reason: str) -> None:
        """Engine side: ask the call to stop (the first reason given is kept)."""
        with _WAKE:
            if not self._reason:
                self._reason = reason or "cancelled"
                _WAKE.notify_all()

    def timed_out_message(self) -> str:
        """ "timed out after 10m waiting for create of function.x (last: waiting for ...)"."""
        what = f"{self.operation} of {self.address}" if self.address else self.operation
        last = f" (last progress: {self.last_progress})" if self.last_progress else ""
        return f"timed out after {duration_text(self.timeout or 0.0)} waiting for {what}{last}"


def duration_text(seconds: float) -> str:
    """A short human duration: "500ms", "45s", "10m", "1h30m"."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:g}s" if seconds != int(seconds) else f"{int(seconds)}s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return "".join(parts)


#: wakes calls sleeping in Call.wait when one is cancelled (one for all: a Call is created
#: for every provider call, and an Event per call would cost more than a local observe)
_WAKE = threading.Condition()
_DETACHED = Call()
_CURRENT: ContextVar[Call] = ContextVar("fnplan_provider_call", default=_DETACHED)


def current_call() -> Call:
    """The call this provider code runs in (a detached one outside the engine)."""
    return _CURRENT.get()


def run_in_call(call: Call, function: Callable[[], T]) -> T:
    """Run `function` with `call` as the current call (the engine's side of current_call)."""
    token = _CURRENT.set(call)
    try:
        return function()
    finally:
        _CURRENT.reset(token)
