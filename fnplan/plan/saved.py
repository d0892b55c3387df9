"""Saved plans (`fnplan plan --out FILE`, `fnplan apply FILE`): written atomically, read back
with format checks, and refused when the state moved on since the plan was made.

A plan that publishes code carries it: the file is then a zip archive whose first member is
the plan JSON (fnplan.plan.archive); otherwise it is the plan JSON alone."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from fnplan.errors import PlanError
from fnplan.files import write_atomically
from fnplan.plan.archive import PlanArchive, is_archive, write_archive
from fnplan.plan.code import published_sources
from fnplan.plan.model import PLAN_FORMAT_VERSION, Plan
from fnplan.plan.render import plan_json

if TYPE_CHECKING:
    from fnplan.state.model import State

_T = TypeVar("_T")


def save_plan(plan: Plan, path: Path) -> None:
    """Write the plan, with the code it publishes, via a temp file + rename, so a crash never
    leaves half a plan."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sources = published_sources(plan)
    if sources:
        write_archive(path, plan_json(plan) + "\n", sources)
    else:
        write_atomically(path, (plan_json(plan) + "\n").encode("utf-8"), durable=True)


def open_saved_plan(path: Path) -> tuple[Plan, PlanArchive | None]:
    """A saved plan and, when it carries code, its opened archive (the caller closes it)."""
    if not _readable_archive(path):
        return load_plan(path), None
    archive = PlanArchive(path)
    try:
        return _parse(path, archive.plan_bytes()), archive
    except BaseException:
        archive.close()
        raise


def load_plan(path: Path) -> Plan:
    """Read a saved plan (plain or archive); a missing, corrupt or newer-format file raises
    PlanError."""
    if _readable_archive(path):
        with PlanArchive(path) as archive:
            return _parse(path, archive.plan_bytes())
    return _parse(path, _guarded(path, path.read_bytes))


def _readable_archive(path: Path) -> bool:
    return _guarded(path, lambda: is_archive(path))


def _guarded(path: Path, read: Callable[[], _T]) -> _T:
    """`read()`, with a missing or unreadable file reported as a PlanError."""
    try:
        return read()
    except FileNotFoundError as error:
        raise PlanError(f"{path}: no such saved plan file") from error
    except OSError as error:
        raise PlanError(f"{path}: cannot read the saved plan ({error.strerror})") from error


def _parse(path: Path, content: bytes) -> Plan:
    """The plan in `content`, checked: JSON, format version, schema."""
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PlanError(
            f"{path}: not a saved fnplan plan ({error})",
            hint="make a new one with `fnplan plan --out FILE`",
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("format_version"), int):
        raise PlanError(
            f"{path}: not a saved fnplan plan (no format_version)",
            hint="make a new one with `fnplan plan --out FILE`",
        )
    if data["format_version"] > PLAN_FORMAT_VERSION:
        raise PlanError(
            f"{path}: plan format {data['format_version']} is newer than this fnplan "
            f"understands ({PLAN_FORMAT_VERSION})",
            hint="upgrade fnplan, or make the plan again with this version",
        )
    from pydantic import ValidationError

    try:
        return Plan.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PlanError(
            f"{path}: saved plan is damaged: {where}: {first['msg']}",
            hint="make a new one with `fnplan plan --out FILE`",
        ) from error


def check_plan_current(plan: Plan, state: State) -> None:
    """Refuse a saved plan made against another state (lineage) or an older one (serial).

    A plan made before anything was ever saved carries the lineage that state will get: an
    unsaved state (serial 0, nothing recorded) adopts it.
    """
    if plan.serial == 0 and state.serial == 0 and not state.resources:
        state.lineage = plan.lineage
    if plan.lineage != state.lineage:
        raise PlanError(
            "saved plan is stale: it was made for another state "
            f"(lineage {plan.lineage}, now {state.lineage})",
            hint="make a new plan with `fnplan plan --out FILE`",
        )
    if plan.serial != state.serial:
        raise PlanError(
            "saved plan is stale: the state changed since it was made "
            f"(serial {plan.serial}, now {state.serial})",
            hint="make a new plan with `fnplan plan --out FILE`",
        )
