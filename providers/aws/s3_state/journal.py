"""The S3 backend's apply journal: one object per record, numbered, in the local journal's
JSON-lines format and replayed by the same code.

A PUT is durable when it returns, so each record is safe before its provider call proceeds.
The bookkeeping of segments, checkpoints and the lock check before each record is
fnplan.state.remote_journal.NumberedJournal's; this module only stores the records.
"""

from __future__ import annotations

from .objects import Bucket

_DIGITS = 12


class S3Records:
    """The journal records of one workspace, as objects `PREFIX<number>` (a RecordStore)."""

    def __init__(self, bucket: Bucket, prefix: str) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.description = f"{bucket.description}, {prefix}"

    def numbers(self) -> list[int]:
        return [int(key[len(self.prefix) :]) for key in self.bucket.keys(self.prefix)]

    def put(self, number: int, line: str) -> None:
        self.bucket.put(self._key(number), line.encode(), replacing=None)

    def delete(self, number: int) -> None:
        self.bucket.delete(self._key(number))

    def lines(self) -> bytes:
        """The records in order, as the local journal file would hold them."""
        return b"".join(
            stored.data + b"\n"
            for key in self.bucket.keys(self.prefix)
            if (stored := self.bucket.get(key))
        )

    def clear(self) -> None:
        """Remove every record (after a state write that leaves nothing unsettled)."""
        for key in self.bucket.keys(self.prefix):
            self.bucket.delete(key)

    def _key(self, number: int) -> str:
        return f"{self.prefix}{number:0{_DIGITS}d}"
