"""What a scan finds in a function's source, independent of its language."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Route:
    """An HTTP route the code serves (a FastAPI or Flask decorator)."""

    method: str
    path: str
    function: str  # the route function's name in the module
    line: int


@dataclass
class EmittedEvent:
    """A CloudEvents type the code sends, and where."""

    type: str
    line: int
    source: str | None = None


@dataclass
class ScanResult:
    """A function recognised in one source file."""

    file: str  # the scanned file, as given
    module: str  # the handler's module path ("main", "pkg.mod")
    handler: str  # the handler attribute ("main.handler")
    description: str | None = None
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    routes: list[Route] = field(default_factory=list)
    events: list[EmittedEvent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be inferred, and why

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
