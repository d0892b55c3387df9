"""Names, labels and annotations of the objects one workspace's state is kept in.

As Terraform's kubernetes backend names `tfstate-<workspace>-<suffix>`: the state is the
Secret `fnplan-state-<workspace>-<suffix>`, its previous version `fnplan-backup-…`, the
lock the Lease `fnplan-lock-…` and each journal record the Secret `fnplan-journal-…-<N>`.
A workspace name that is not a lowercase DNS label (fnplan allows `_` and capitals) is
folded to one with a hash of the exact name, which an annotation keeps.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any

MANAGED_BY = "app.kubernetes.io/managed-by"
SUFFIX_LABEL = "fnplan.io/state-suffix"
WORKSPACE_LABEL = "fnplan.io/state-workspace"
OBJECT_LABEL = "fnplan.io/state-object"
WORKSPACE_ANNOTATION = "fnplan.io/workspace"
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
_JOURNAL_DIGITS = 12


def workspace_key(name: str) -> str:
    """`name` where it is a DNS label already; else folded to one, with a hash of `name`."""
    if DNS_LABEL.fullmatch(name):
        return name
    folded = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:54].strip("-")
    digest = base64.b32encode(hashlib.sha256(name.encode()).digest()).decode()[:8].lower()
    return f"{folded}-{digest}" if folded else digest


@dataclass(frozen=True, slots=True)
class StateObjects:
    """The objects of one workspace's state in the backend's namespace."""

    workspace: str
    suffix: str

    @property
    def key(self) -> str:
        return workspace_key(self.workspace)

    @property
    def state(self) -> str:
        return f"fnplan-state-{self.key}-{self.suffix}"

    @property
    def backup(self) -> str:
        return f"fnplan-backup-{self.key}-{self.suffix}"

    @property
    def lock(self) -> str:
        return f"fnplan-lock-{self.key}-{self.suffix}"

    def journal(self, number: int) -> str:
        """The name of journal record `number` (names sort as numbers do)."""
        return f"fnplan-journal-{self.key}-{self.suffix}-{number:0{_JOURNAL_DIGITS}d}"

    def number_of(self, journal_name: str) -> int:
        return int(journal_name.rsplit("-", 1)[-1])

    def labels(self, role: str) -> dict[str, str]:
        """The labels of the object playing `role` (state, backup, lock, journal)."""
        return {
            MANAGED_BY: "fnplan",
            SUFFIX_LABEL: self.suffix,
            WORKSPACE_LABEL: self.key,
            OBJECT_LABEL: role,
        }

    def metadata(
        self, name: str, role: str, annotations: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """metadata for an object: its name, labels, the exact workspace name and
        `annotations`."""
        return {
            "name": name,
            "labels": self.labels(role),
            "annotations": {WORKSPACE_ANNOTATION: self.workspace, **(annotations or {})},
        }


def suffix_labels(suffix: str, role: str) -> dict[str, str]:
    """The labels shared by every workspace's object playing `role` (listing workspaces)."""
    return {MANAGED_BY: "fnplan", SUFFIX_LABEL: suffix, OBJECT_LABEL: role}
