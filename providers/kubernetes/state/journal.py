"""The kubernetes backend's apply journal: one Secret per record, numbered in its name.

A create is durable once the API server answers (etcd has it), so each record is safe
before its provider call proceeds; the records are in the local journal's JSON-lines format
and replayed by the same code (fnplan.state.journal). The bookkeeping of segments and
checkpoints is fnplan.state.remote_journal.NumberedJournal's; Secrets, because a record
may carry sensitive values.
"""

from __future__ import annotations

import base64
from typing import Any

from fnplan.errors import StateError

from .api import Conflict, KubeApi
from .names import StateObjects


class SecretRecords:
    """The journal records of one workspace, as Secrets (a RecordStore)."""

    def __init__(self, api: KubeApi, objects: StateObjects) -> None:
        self.api = api
        self.objects = objects
        self.description = f"{api.description}, journal of workspace {objects.workspace!r}"

    def numbers(self) -> list[int]:
        return [self.objects.number_of(item["metadata"]["name"]) for item in self._records()]

    def put(self, number: int, line: str) -> None:
        name = self.objects.journal(number)
        body = {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": self.objects.metadata(name, "journal"),
            "data": {"line": base64.b64encode(line.encode()).decode()},
        }
        try:
            self.api.create("Secret", body)
        except Conflict:
            raise StateError(
                f"{self.description}: record {name} exists already "
                "(another apply writing this journal?)"
            ) from None

    def delete(self, number: int) -> None:
        self.api.delete("Secret", self.objects.journal(number))

    def lines(self) -> bytes:
        """Every record in order, as the local journal file would hold them."""
        return b"".join(
            base64.b64decode((item.get("data") or {}).get("line", "")) + b"\n"
            for item in self._records()
        )

    def clear(self) -> None:
        """Remove every record (after a state write that leaves nothing unsettled)."""
        for number in self.numbers():
            self.delete(number)

    def _records(self) -> list[dict[str, Any]]:
        return self.api.matching("Secret", self.objects.labels("journal"))
