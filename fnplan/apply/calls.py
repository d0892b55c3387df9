"""Every provider call of a command goes through here (refresh and apply alike).

It makes the thread contract true (a provider that is not `threaded` is called by one thread
at a time, however many workers the walk runs for threaded ones), bounds each call by a
timeout, relays the call's progress and passes cancellation (Ctrl-C) to running calls.
A thread cannot be killed, so a call runs on a helper thread and its caller waits at most
its timeout: a call that overruns fails its resource while the helper finishes in the
background (it is told through `Call.cancelled()` that nobody waits for it any more).
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from fnplan.errors import CallCancelled, FnplanError
from fnplan.provider_call import Call, duration_text, run_in_call

if TYPE_CHECKING:
    from fnplan.provider import Provider

T = TypeVar("T")

#: seconds each operation may take unless the provider (`timeouts`) or the user says otherwise
DEFAULT_TIMEOUTS: Mapping[str, float] = {
    "observe": 5 * 60.0,
    "create": 20 * 60.0,
    "update": 20 * 60.0,
    "delete": 20 * 60.0,
}
_FALLBACK_TIMEOUT = 20 * 60.0

_Box = queue.SimpleQueue[tuple[str, Any]]


class ProviderCalls:
    """The provider calls of one command. `timeout` (seconds, from `--timeout`) overrides
    every per-operation timeout when given."""

    def __init__(self, *, timeout: float | None = None) -> None:
        self.timeout = timeout
        self._guard = threading.Lock()
        self._serial: dict[int, threading.Lock] = {}
        self._active: dict[Call, tuple[_Box | None, bool]] = {}
        self._stop_reason = ""
        self._helpers = _Helpers()

    @property
    def cancelled(self) -> bool:
        """Whether the command was interrupted: no new call starts."""
        return bool(self._stop_reason)

    def cancel(self, reason: str) -> None:
        """Start no new call and tell every running one to stop (`Call.cancelled()`); the
        callers of read-only calls stop waiting at once, the others wait for the provider."""
        with self._guard:
            self._stop_reason = self._stop_reason or reason
            active = list(self._active.items())
        for call, (box, abandon) in active:
            call.cancel(reason)
            if abandon and box is not None:
                box.put(("cancelled", None))

    def timeout_for(self, provider: Provider, operation: str) -> float:
        """The user's --timeout, else the provider's own `timeouts`, else the default."""
        if self.timeout is not None:
            return self.timeout
        declared: Mapping[str, float] = getattr(provider, "timeouts", {})
        return float(declared.get(operation, DEFAULT_TIMEOUTS.get(operation, _FALLBACK_TIMEOUT)))

    def call(
        self,
        provider: Provider,
        operation: str,
        address: str,
        function: Callable[[], T],
        *,
        on_progress: Callable[[Call, str], None] | None = None,
        read_only: bool = False,
        inline: bool = False,
    ) -> T:
        """`function()` (a call of `provider` for `address`) within the contract; raises
        CallCancelled when it times out or the command was interrupted before it started.
        `inline` runs it in this thread, without a helper's hand-off (which costs more than a
        local provider's observe): its deadline is then only seen by the provider."""
        timeout = self.timeout_for(provider, operation)
        serial = self._serial_lock(provider)
        if serial is not None and not serial.acquire(timeout=timeout):
            raise CallCancelled(
                f"timed out after {duration_text(timeout)} waiting for {operation} of "
                f"{address}: provider {provider.name} takes one call at a time and an earlier "
                "call has not returned"
            )
        call = Call(operation, address, timeout=timeout, on_progress=on_progress)
        box: _Box | None = None if inline else queue.SimpleQueue()
        with self._guard:
            stopped = self._stop_reason
            if not stopped:
                self._active[call] = (box, read_only)
        if stopped:
            if serial is not None:
                serial.release()
            raise CallCancelled(f"{operation} of {address} not started: {stopped}")
        try:
            if box is None:
                return _run_inline(call, function, serial)
            self._helpers.submit(lambda: _run(call, function, serial, box))
            try:
                kind, value = box.get(timeout=timeout)
            except queue.Empty:
                call.cancel(call.timed_out_message())
                raise CallCancelled(call.timed_out_message()) from None
        finally:
            with self._guard:
                self._active.pop(call, None)
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        if kind == "cancelled":
            raise CallCancelled(f"{operation} of {address} stopped: {call.reason}")
        raise value

    def _serial_lock(self, provider: Provider) -> threading.Lock | None:
        """The lock that keeps a provider which is not `threaded` to one call at a time (a
        plain Lock: the helper thread that ends the call releases it)."""
        if getattr(provider, "threaded", True):
            return None
        with self._guard:
            return self._serial.setdefault(id(provider), threading.Lock())


def _run_inline(call: Call, function: Callable[[], T], serial: threading.Lock | None) -> T:
    try:
        return run_in_call(call, function)
    finally:
        if serial is not None:
            serial.release()


def _run(call: Call, function: Callable[[], Any], serial: threading.Lock | None, box: _Box) -> None:
    """Helper thread: the call itself, its result or exception posted to its caller."""
    try:
        box.put(("ok", run_in_call(call, function)))
    except BaseException as error:  # handed to the caller, who raises it in its own thread
        box.put(("error", error))
    finally:
        if serial is not None:
            serial.release()


class _Helpers:
    """Daemon threads that run provider calls, reused while idle; a new one starts when all
    are busy, so a call that never returns holds one thread, never the command's exit."""

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._idle = 0
        self._lock = threading.Lock()

    def submit(self, task: Callable[[], None]) -> None:
        with self._lock:
            start = self._idle == 0
            if not start:
                self._idle -= 1
        self._tasks.put(task)
        if start:
            threading.Thread(target=self._work, name="provider-call", daemon=True).start()

    def _work(self) -> None:
        while True:
            self._tasks.get()()
            with self._lock:
                self._idle += 1


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")


def parse_duration(text: str) -> float:
    """Seconds in "90", "90s", "10m", "1h30m" or "500ms"; FnplanError naming the forms."""
    cleaned = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        seconds = float(cleaned)
    elif cleaned and re.fullmatch(f"(?:{_DURATION.pattern})+", cleaned):
        unit = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
        seconds = sum(float(n) * unit[u] for n, u in _DURATION.findall(cleaned))
    else:
        raise FnplanError(
            f"invalid duration {text!r}",
            hint='use seconds or units, e.g. "90", "45s", "10m", "1h30m"',
        )
    if seconds <= 0:
        raise FnplanError(f"invalid duration {text!r}: it must be more than zero")
    return seconds


@contextmanager
def cancel_on_interrupt(calls: ProviderCalls, notify: Callable[[str], None]) -> Iterator[None]:
    """While inside: the first Ctrl-C (SIGINT) cancels `calls` (nothing new starts, running
    calls are told, the caller records what finished); a second one exits at once (code 130),
    leaving the journal to settle the state on the next command. Only in the main thread."""
    import os
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(signum: int, frame: object) -> None:
        if calls.cancelled:
            notify("Interrupted again: exiting now; the next command settles the state.")
            os._exit(130)
        notify(
            "Interrupt received: starting nothing new and waiting for the operations in "
            "progress (press Ctrl-C again to exit at once)."
        )
        calls.cancel("the apply was interrupted")

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
