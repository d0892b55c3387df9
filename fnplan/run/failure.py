"""The exception node runners raise when an attempt fails; its type is what retry/catch match."""

from __future__ import annotations

from fnplan.run.records import ErrorInfo


class StepFailure(Exception):
    """An attempt of a step failed at run time (not a bug in fnplan, not a configuration error)."""

    def __init__(self, type: str, message: str, traceback: str | None = None) -> None:
        super().__init__(f"{type}: {message}")
        self.info = ErrorInfo(type=type, message=message, traceback=traceback)


def matches(error_type: str, patterns: list[str]) -> bool:
    """Whether a retry or catch `errors` list covers this error type ("any" covers all)."""
    return "any" in patterns or error_type in patterns
