"""User-facing errors: each carries a source position and what is allowed, never a traceback.

The CLI prints `FnplanError.render()` and exits 1; anything else is a bug and is shown
as such (with the traceback only when FNPLAN_DEBUG=1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourcePos:
    """A 1-based line/column position in a configuration file."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @classmethod
    def parse(cls, text: str | None) -> SourcePos | None:
        """Read back the "file:line:column" form models store; None when absent or malformed."""
        if not text:
            return None
        rest, _, column = text.rpartition(":")
        file, _, line = rest.rpartition(":")
        if not (file and line.isdigit() and column.isdigit()):
            return None
        return cls(file, int(line), int(column))


class FnplanError(Exception):
    """An error the user can act on: what is wrong, where, and what is allowed."""

    def __init__(
        self,
        message: str,
        *,
        pos: SourcePos | None = None,
        allowed: Iterable[str] | None = None,
        hint: str | None = None,
        notes: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.allowed = sorted(allowed) if allowed is not None else None
        self.hint = hint
        self.notes = list(notes)

    def render(self) -> str:
        where = f"{_shown(self.pos)}: " if self.pos else ""
        lines = [f"{where}error: {self.message}"]
        if self.allowed is not None:
            lines.append(f"  allowed: {', '.join(self.allowed) if self.allowed else '(none)'}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        lines.extend(f"  {note}" for note in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class ConfigError(FnplanError):
    """The configuration is invalid (syntax, types, references, semantics)."""


class StateError(FnplanError):
    """The state file cannot be read or written safely."""


class LockError(StateError):
    """The state is locked by someone else."""


class LockLostError(LockError):
    """The lock an operation held was broken (force-unlock, or taken by another holder):
    the operation must write nothing more, and an apply walk stops."""


class PlanError(FnplanError):
    """A saved plan cannot be applied (stale, corrupt) or a plan cannot be made."""


class ProviderError(FnplanError):
    """A provider call failed; the message is the provider's own."""


class CallCancelled(ProviderError):
    """A provider call stopped before it finished: the user interrupted the command, or the
    call ran out of time ("timed out after 10m waiting for create of function.x")."""


class ErrorList(FnplanError):
    """Several independent errors found in one pass, reported together."""

    def __init__(self, errors: Sequence[FnplanError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = list(errors)

    def render(self) -> str:
        return "\n".join(error.render() for error in self.errors)


def _shown(pos: SourcePos) -> str:
    """The position with its file relative to the working directory when it lies below it."""
    import os

    file = pos.file
    if os.path.isabs(file):
        relative = os.path.relpath(file)
        if not relative.startswith(".."):
            file = relative
    return f"{file}:{pos.line}:{pos.column}"


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean' hint for a misspelt name, or None when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
