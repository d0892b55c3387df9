"""The fnplan project a conversion builds: blocks added by the format readers, what could not
be converted (with the reason), and the text of DIR/main.hcl."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fnplan.convert.hcl_writer import Block, expr, render
from fnplan.convert.names import Names, identifier
from fnplan.errors import FnplanError


@dataclass(frozen=True)
class Unconverted:
    """An element of the input left out, and why."""

    element: str
    reason: str


@dataclass
class Conversion:
    """Everything converted so far, for one output directory."""

    out_dir: Path
    names: Names = field(default_factory=Names)
    runtimes: dict[tuple[str, str | None], Block] = field(default_factory=dict)
    functions: list[Block] = field(default_factory=list)
    events: dict[str, Block] = field(default_factory=dict)
    workflows: list[Block] = field(default_factory=list)
    triggers: list[Block] = field(default_factory=list)
    schemas: dict[str, Any] = field(default_factory=dict)
    unconverted: list[Unconverted] = field(default_factory=list)

    def skip(self, element: str, reason: str) -> None:
        """Record an element that is not converted; every one is reported."""
        self.unconverted.append(Unconverted(element, reason))

    @contextmanager
    def element(self, where: str) -> Iterator[None]:
        """Convert one element: one of an unexpected shape (a list where a mapping belongs,
        ...) is reported as not converted instead of stopping the conversion."""
        try:
            yield
        except (AttributeError, TypeError, KeyError, ValueError, IndexError, StopIteration) as exc:
            self.skip(where, f"not of the shape this format has ({type(exc).__name__}: {exc})")

    def runtime(self, language: str, image: str | None = None) -> str:
        """The runtime block for a language (and image), created once; its reference."""
        key = (language, image)
        if key not in self.runtimes:
            name = self.names.name(
                "runtime", identifier(image.rsplit("/", 1)[-1] if image else language)
            )
            attributes: dict[str, Any] = {"language": language}
            if image:
                attributes["image"] = image
            self.runtimes[key] = Block("runtime", [name], attributes)
        return f"runtime.{self.runtimes[key].labels[0]}"

    def path(self, target: Path) -> str:
        """`target` relative to the output directory, as fnplan paths are written."""
        relative = Path(os.path.relpath(target.resolve(), self.out_dir.resolve())).as_posix()
        return relative if relative.startswith("..") else f"./{relative}"

    def function(self, original: str, attributes: dict[str, Any], comment: str) -> str:
        """Add a function block; its (normalised) name."""
        name = self.names.name("function", original)
        self.functions.append(Block("function", [name], attributes, comments=[comment]))
        return name

    def event(self, event_type: str, source: str | None = None) -> str:
        """The event block for a CloudEvents type, created once; its name."""
        if event_type not in self.events:
            name = self.names.name("event", event_type.rsplit(".", 1)[-1] or "event")
            attributes = {"type": event_type, **({"source": source} if source else {})}
            self.events[event_type] = Block("event", [name], attributes)
        return self.events[event_type].labels[0]

    def trigger(
        self,
        original: str,
        target: str,
        attributes: dict[str, Any],
        comment: str,
        source: Block | None = None,
    ) -> None:
        """Add a trigger block starting `target` (an address such as `function.x`)."""
        name = self.names.name("trigger", original)
        body = {**attributes, "target": expr(target)}
        blocks = [Block("source", blocks=[source])] if source else []
        self.triggers.append(Block("trigger", [name], body, blocks, comments=[comment]))

    def workflow(
        self, name: str, attributes: dict[str, Any], steps: list[Block], comment: str
    ) -> None:
        """Add a workflow block (its name already chosen with `names`)."""
        self.workflows.append(Block("workflow", [name], attributes, steps, comments=[comment]))

    def schema(self, name: str, document: Any) -> str:
        """Keep a JSON Schema to write as schemas/NAME.json; the path blocks refer to it."""
        relative = f"schemas/{name}.json"
        self.schemas[relative] = document
        return f"./{relative}"

    def converted(self) -> int:
        """How many blocks the inputs produced (runtimes and events do not count alone)."""
        return len(self.functions) + len(self.workflows) + len(self.triggers)

    def text(self, inputs: list[str]) -> str:
        """DIR/main.hcl."""
        header = [f"Converted by fnplan convert from {', '.join(inputs)}."]
        header += [f"name: {note}" for note in self.names.notes()]
        header += [f"not converted: {u.element}: {u.reason}" for u in self.unconverted]
        blocks = [
            Block("provider", ["local"]),
            *self.runtimes.values(),
            *self.functions,
            *self.events.values(),
            *self.workflows,
            *self.triggers,
        ]
        return render(blocks, header)

    def _check_outside_sources(self) -> None:
        """The project may not lie in a function's code: its .fnplan/ would be deployed."""
        out = self.out_dir.resolve()
        for block in self.functions:
            source = (self.out_dir / str(block.attributes["source"])).resolve()
            if out == source or source in out.parents:
                raise FnplanError(
                    f"{self.out_dir} lies inside the code of function {block.labels[0]} "
                    f"({source}): fnplan's data directory would be deployed with it",
                    hint="write the project beside the code, e.g. -o ../NAME-fnplan",
                )

    def write(self, inputs: list[str]) -> list[Path]:
        """Write main.hcl and the schema files; the paths written."""
        self._check_outside_sources()
        if (self.out_dir / "main.hcl").exists():
            raise FnplanError(
                f"{self.out_dir / 'main.hcl'} already exists; convert never overwrites files",
                hint="write into a new directory (-o NEW_DIR)",
            )
        self.out_dir.mkdir(parents=True, exist_ok=True)
        written = [self.out_dir / "main.hcl"]
        written[0].write_text(self.text(inputs))
        for relative, document in self.schemas.items():
            target = self.out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(document, indent=2) + "\n")
            written.append(target)
        return written
