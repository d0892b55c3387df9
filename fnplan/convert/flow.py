"""Control flow of converted workflows: what a step depends on, under which condition, and
what `$` / `.` (the previous state's data) means in its expressions."""

from __future__ import annotations

from typing import Any

from fnplan.convert.hcl_writer import expr

#: a step a state depends on, with the condition of the path from it (None: always)
Dependency = tuple[str, str | None]


def both(first: str | None, second: str | None) -> str | None:
    """The conjunction of two optional conditions."""
    present = [c for c in (first, second) if c]
    if len(present) > 1:
        return " && ".join(f"({c})" for c in present)
    return present[0] if present else None


def data_source(deps: list[Dependency]) -> str | None:
    """The data a state reads: its one predecessor's output, the run input when it has none,
    None (unknown) when it joins several."""
    steps = {step for step, _ in deps}
    if not steps:
        return "input"
    return f"step.{steps.pop()}.output" if len(steps) == 1 else None


def dependency_attributes(deps: list[Dependency]) -> dict[str, Any]:
    """`when` (when every path to the step has a condition) and `depends_on`."""
    attributes: dict[str, Any] = {}
    conditions = {condition for _, condition in deps}
    if conditions and None not in conditions:
        attributes["when"] = expr(" || ".join(sorted(str(c) for c in conditions)))
    steps = sorted({step for step, _ in deps})
    if steps:
        attributes["depends_on"] = expr("[" + ", ".join(f"step.{s}" for s in steps) + "]")
    return attributes
