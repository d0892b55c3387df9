"""The expression function: a Lambda handler that evaluates a step's run-time values with
fnplan's own evaluator, for the expressions JSONata cannot express exactly.

The state machine calls it with {"when", "values", "input", "steps", "status"}; it answers
with every {"$expr"} leaf replaced, exactly as the local executor would (a leaf that refers
to a step that did not succeed is null). A failing expression raises ExpressionError,
which Step Functions sees as an error of that name, as retry and catch expect.
"""

from __future__ import annotations

from typing import Any

from fnplan.run import StepFailure, resolve


class ExpressionError(Exception):
    """An expression failed at run time (the error name retry and catch match)."""


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: {"when": bool, "values": ...} for the event's `when` and `values`.

    `when` is evaluated first, as the local executor does: when it is false the values are
    not evaluated (an expression there may read what only a running step can) and are null.
    """
    status = event.get("status") or {}
    unavailable = frozenset(name for name, state in status.items() if state != "succeeded")
    scope = {"input": event.get("input"), "step": event.get("steps") or {}}
    try:
        when = resolve(event.get("when"), scope, unavailable)
        if when is False:
            return {"when": False, "values": None}
        if when not in (True, None):
            raise ExpressionError(f"when must be true or false, got {when!r}")
        return {"when": True, "values": resolve(event.get("values"), scope, unavailable)}
    except StepFailure as failure:
        raise ExpressionError(failure.info.message) from None
