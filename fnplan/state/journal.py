"""The apply journal: a JSON-lines log of each provider call's intent and result.

An apply records its intent before every provider call and the result after it, so a
killed apply loses nothing: the next read of the state replays the journal. Records reach
the OS at once (one write per line); fsync is batched by a background thread (group commit).
Before each write the journal asks its backend whether the state lock is still held: once it
is not, the file belongs to the new holder and this journal writes nothing more.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from fnplan.errors import LockLostError, StateError
from fnplan.state._fs import fsync_directory, write_all
from fnplan.state.model import ResourceState, State

Action = Literal["create", "update", "delete"]
FSYNC_INTERVAL = 0.05
#: the journal address of a deposed object (State.deposed): "deposed:KEY"
DEPOSED_PREFIX = "deposed:"


def deposed_address(key: str) -> str:
    """Where the journal records the deposed object `key` (its result: kept, or None: gone)."""
    return DEPOSED_PREFIX + key


class Journal:
    """Appends intent/result records for one apply; thread-safe, cheap per record."""

    def __init__(
        self,
        path: Path,
        state: State,
        *,
        on_close: Callable[[Journal], None] | None = None,
        check: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        self._on_close = on_close
        self._check = check  # raises LockLostError when the state lock is no longer ours
        self._lost: LockLostError | None = None
        self._mutex = threading.Lock()
        self._outstanding: dict[str, bytes] = {}  # address -> its intent line, until settled
        self._records = 0  # records since the last begin line
        self._dirty = False
        self._closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._ensure_ours()
        _drop_torn_tail(path)
        self._fd = _open_append(path)
        self._append(_begin_line(state.lineage, state.serial))
        fsync_directory(path.parent)
        self._records = 0
        self._wake = threading.Event()
        self._syncer = threading.Thread(target=self._sync_loop, name="fnplan-journal", daemon=True)
        self._syncer.start()

    def intend(self, address: str, action: Action, resource: ResourceState | None) -> None:
        """Record, before the provider call, what is about to happen to `address`."""
        body = resource.model_dump_json() if resource is not None else "null"
        line = (
            f'{{"kind":"intend","address":{json.dumps(address)},'
            f'"action":{json.dumps(action)},"resource":{body}}}\n'
        ).encode()
        with self._mutex:
            self._append(line)
            self._outstanding[address] = line

    def done(self, address: str, result: ResourceState | None) -> None:
        """Record, after the provider call succeeded, the new state of `address` (None: deleted)."""
        body = result.model_dump_json() if result is not None else "null"
        line = f'{{"kind":"done","address":{json.dumps(address)},"result":{body}}}\n'
        with self._mutex:
            self._append(line.encode())
            self._outstanding.pop(address, None)

    def failed(self, address: str, error: str) -> None:
        """Record that the provider call failed; the prior record of `address` stands."""
        line = json.dumps({"kind": "failed", "address": address, "error": error}) + "\n"
        with self._mutex:
            self._append(line.encode())
            self._outstanding.pop(address, None)

    def close(self) -> None:
        """Sync and close; a journal with nothing since its last checkpoint is removed."""
        with self._mutex:
            if self._closed:
                return
            self._closed = True
        self._wake.set()
        self._syncer.join()
        with self._mutex:
            os.fsync(self._fd)
            os.close(self._fd)
            if self._records == 0 and self._lost is None:
                self.path.unlink(missing_ok=True)
        if self._on_close is not None:
            self._on_close(self)

    def checkpoint(self, state: State) -> None:
        """Start afresh after `state` was saved: keep only intents still awaiting their result."""
        with self._mutex:
            if self._closed:
                return
            self._ensure_ours()
            tmp = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
            try:
                lines = [_begin_line(state.lineage, state.serial), *self._outstanding.values()]
                write_all(fd, b"".join(lines))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
            fsync_directory(self.path.parent)
            os.close(self._fd)
            self._fd = _open_append(self.path)
            self._records = len(self._outstanding)
            self._dirty = False

    def _append(self, line: bytes) -> None:
        if self._closed:
            raise StateError(f"{self.path}: the journal is closed; no more records can be added")
        self._ensure_ours()
        write_all(self._fd, line)
        self._records += 1
        self._dirty = True

    def _ensure_ours(self) -> None:
        """LockLostError, now and for every later write, once the state lock is lost."""
        if self._lost is None and self._check is not None:
            try:
                self._check()
            except LockLostError as lost:
                self._lost = lost
        if self._lost is not None:
            raise self._lost

    def _sync_loop(self) -> None:
        """Group commit: fsync what was written, outside the mutex so writers never wait on disk."""
        while not self._closed:
            self._wake.wait(FSYNC_INTERVAL)
            with self._mutex:
                if not self._dirty or self._closed:
                    continue
                fd = os.dup(self._fd)  # stays valid even if a checkpoint swaps the file
                self._dirty = False
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def replay_journal(path: Path, state: State, *, state_exists: bool) -> State:
    """`state` with the journal at `path` applied: results recorded, unfinished intents pending."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return state
    return replay_records(data, path, state, state_exists=state_exists)


def replay_records(data: bytes, path: Path, state: State, *, state_exists: bool) -> State:
    """`state` with journal lines `data` applied; `path` names the journal in messages (a
    backend that keeps its journal elsewhere, e.g. in a database table, replays through this)."""
    segments = _read_segments(data, path)
    if not segments:
        return state
    lineage, serial = segments[0][0]["lineage"], segments[0][0]["serial"]
    if not state_exists:
        state = state.model_copy(update={"lineage": lineage, "serial": serial})
    resources = dict(state.resources)
    deposed = dict(state.deposed)
    for begin, records in segments:
        if begin["lineage"] != state.lineage:
            raise StateError(
                f"{path}: this apply journal belongs to another state (lineage "
                f"{begin['lineage']}, the state file has {state.lineage})",
                hint="if the journal is unrelated to this state, move it out of the way",
            )
        if begin["serial"] < state.serial:
            continue  # its results were saved before the journal could be removed
        try:
            _apply_segment(records, resources, deposed)
        except (KeyError, TypeError, ValueError) as exc:  # ValidationError is a ValueError
            raise StateError(
                f"{path}: the apply journal is corrupt: a record is malformed ({exc})",
                hint=_MOVE_ASIDE,
            ) from None
    return state.model_copy(update={"resources": resources, "deposed": deposed})


def _apply_segment(
    records: list[dict[str, Any]],
    resources: dict[str, ResourceState],
    deposed: dict[str, ResourceState],
) -> None:
    intents: dict[str, dict[str, Any]] = {}  # validated only if no result follows
    for record in records:
        address = record["address"]
        kind = record["kind"]
        if address.startswith(DEPOSED_PREFIX):
            _apply_deposed(record, address.removeprefix(DEPOSED_PREFIX), deposed)
        elif kind == "intend":
            intents[address] = record
        elif kind == "done":
            intents.pop(address, None)
            if record["result"] is None:
                resources.pop(address, None)
            else:
                resources[address] = ResourceState.model_validate(record["result"])
        else:
            intents.pop(address, None)
    for address, record in intents.items():
        action: Action = record["action"]
        if action not in _ACTIONS:
            raise ValueError(f"unknown action {action!r} for {address}")
        if action == "delete" and address in resources:
            base: ResourceState | None = resources[address]
        elif record["resource"] is not None:
            base = ResourceState.model_validate(record["resource"])
        else:
            base = None
        if base is not None:
            resources[address] = base.model_copy(update={"pending": action})


def _apply_deposed(record: dict[str, Any], key: str, deposed: dict[str, ResourceState]) -> None:
    """A deposed object recorded (kept until its delete is done) or deleted; an unfinished
    delete leaves it deposed, for the next plan to delete again."""
    if record["kind"] != "done":
        return
    if record["result"] is None:
        deposed.pop(key, None)
    else:
        deposed[key] = ResourceState.model_validate(record["result"])


def _read_segments(text: bytes, path: Path) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The journal's records grouped under their begin lines; a torn last line is dropped."""
    *lines, _torn = text.split(b"\n")  # _torn: b"" after a complete last line
    segments: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for number, line in enumerate(lines, start=1):
        record = _parse_record(line, path, number, last=number == len(lines))
        if record is None:
            continue
        if record["kind"] == "begin":
            segments.append((record, []))
        elif not segments:
            raise _corrupt(path, number, "a record comes before the journal's begin line")
        else:
            segments[-1][1].append(record)
    return segments


def _parse_record(line: bytes, path: Path, number: int, *, last: bool) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        if last:
            return None  # written up to its newline but not parseable: treat as torn
        raise _corrupt(path, number, "the line is not valid JSON") from None
    if not isinstance(record, dict) or record.get("kind") not in _KINDS:
        raise _corrupt(path, number, "the line is not a journal record")
    return record


_KINDS = {"begin", "intend", "done", "failed"}
_ACTIONS = {"create", "update", "delete"}
_MOVE_ASIDE = (
    "the journal records an interrupted apply; inspect it, then move it out of the way "
    "to continue (the next plan will observe the real objects)"
)


def _corrupt(path: Path, number: int, reason: str) -> StateError:
    return StateError(
        f"{path}:{number}: the apply journal is corrupt: {reason}",
        hint=_MOVE_ASIDE,
    )


def _begin_line(lineage: str, serial: int) -> bytes:
    record = {"kind": "begin", "lineage": lineage, "serial": serial, "pid": os.getpid()}
    return (json.dumps(record) + "\n").encode()


def _open_append(path: Path) -> int:
    return os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)


def _drop_torn_tail(path: Path) -> None:
    """Cut a torn last line left by a crash, so only the last line can ever be torn."""
    try:
        with path.open("r+b") as handle:
            data = handle.read()
            if data and not data.endswith(b"\n"):
                handle.truncate(data.rfind(b"\n") + 1)
    except FileNotFoundError:
        return
