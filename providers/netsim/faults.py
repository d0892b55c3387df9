"""Fault injection, so that tests can make a chosen call fail, lose its answer, slow down or
hang (docs/providers/netsim.md).

Rules come from the environment variable FNPLAN_NETSIM_FAULTS and from the file
<root>/faults, read at every call: `OP:ADDRESS=ACTION`, separated by commas or newlines.
OP is observe, create, update, delete, import, read, move or `*`; ADDRESS is an fnplan
address or a glob (`function.*`); ACTION is `fail`, `lost` (the change is made, then the
call fails as if its answer was lost), `slow:MS` or `hang`. The first matching rule wins.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TypeVar

from fnplan.errors import ProviderError
from fnplan.provider import current_call

ENVIRONMENT = "FNPLAN_NETSIM_FAULTS"
FAULTS_FILE = "faults"
OPERATIONS = frozenset({"observe", "create", "update", "delete", "import", "read", "move", "*"})
ACTIONS = frozenset({"fail", "lost", "slow", "hang"})
_POLL = 0.05

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Fault:
    """One rule: calls of `operation` on addresses matching `pattern` do `action`."""

    operation: str
    pattern: str
    action: str
    delay_ms: int = 0

    def matches(self, operation: str, address: str) -> bool:
        return self.operation in ("*", operation) and fnmatchcase(address, self.pattern)


def parse_faults(text: str) -> list[Fault]:
    """The rules in `text`; a malformed one is a ProviderError naming it."""
    faults = []
    for raw in text.replace("\n", ",").split(","):
        entry = raw.split("#", 1)[0].strip()
        if entry:
            faults.append(_parse(entry))
    return faults


def _parse(entry: str) -> Fault:
    target, _, action = entry.partition("=")
    operation, _, pattern = target.strip().partition(":")
    kind, _, argument = action.strip().partition(":")
    if operation not in OPERATIONS or not pattern or kind not in ACTIONS:
        raise ProviderError(
            f"netsim fault {entry!r} is not OP:ADDRESS=ACTION",
            allowed=[
                f"OP: {', '.join(sorted(OPERATIONS))}",
                f"ACTION: {', '.join(sorted(ACTIONS))}",
            ],
            hint=f"e.g. {ENVIRONMENT}='delete:function.old=fail,create:function.b=hang'",
        )
    if (kind == "slow") != argument.isdigit():
        raise ProviderError(f"netsim fault {entry!r}: write slow:MS, and no argument otherwise")
    return Fault(operation, pattern.strip(), kind, int(argument or 0))


class Injector:
    """Applies the rules in force to each provider call."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def around(self, operation: str, address: str, call: Callable[[], T]) -> T:
        """Run `call` (the real work of `operation` on `address`) as the rules say."""
        fault = self._fault(operation, address)
        if fault is None:
            return call()
        if fault.action == "fail":
            raise ProviderError(f"{address}: injected fault: {operation} failed")
        if fault.action == "hang":
            self._hang(operation, address)
        if fault.action == "slow":
            current_call().progress(f"slowed down by {fault.delay_ms} ms (injected fault)")
            pause(fault.delay_ms / 1000)
        result = call()
        if fault.action == "lost":
            raise ProviderError(f"{address}: injected fault: the answer to {operation} was lost")
        return result

    def _fault(self, operation: str, address: str) -> Fault | None:
        text = os.environ.get(ENVIRONMENT, "")
        with contextlib.suppress(FileNotFoundError):
            text += "\n" + (self._root / FAULTS_FILE).read_text()
        return next((f for f in parse_faults(text) if f.matches(operation, address)), None)

    def _hang(self, operation: str, address: str) -> None:
        """Announce the hang with a marker file, then wait until killed, or until the engine
        cancels the call (Ctrl-C, its timeout)."""
        self._root.mkdir(parents=True, exist_ok=True)
        marker = self._root / f"hanging-{operation}-{address}"
        marker.write_text(f"{os.getpid()}\n")
        call = current_call()
        call.progress("hanging (injected fault)")
        while not call.wait(_POLL):
            pass
        call.check_cancelled()


def pause(seconds: float) -> None:
    """Sleep `seconds`, as a network wait would: cut short (raising) when the call is
    cancelled."""
    if current_call().wait(seconds):
        current_call().check_cancelled()
