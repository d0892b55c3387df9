"""`fnplan convert`: Serverless Framework, AWS SAM, Knative and CNCF Serverless Workflow
documents as an fnplan project (DIR/main.hcl and schema files).

One module per source format, each with `detect(document)` and
`convert(document(s), path, conversion)`; the format is detected unless named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fnplan.convert import knative, sam, serverless, sw
from fnplan.convert.aws_values import TemplateLoader
from fnplan.convert.project import Conversion, Unconverted
from fnplan.errors import FnplanError


@dataclass(frozen=True)
class Format:
    """A source format: how it is recognised and converted."""

    name: str
    title: str
    detect: Callable[[Any], bool]
    convert: Callable[[Any, Path, Conversion], None]


FORMATS = (
    Format(
        "serverless", "Serverless Framework serverless.yml", serverless.detect, serverless.convert
    ),
    Format("sam", "AWS SAM template", sam.detect, sam.convert),
    Format("knative", "Knative Service manifest", knative.detect, knative.convert),
    Format("sw", "CNCF Serverless Workflow (DSL 1.0)", sw.detect, sw.convert),
)


@dataclass
class Report:
    """What a conversion wrote and left out."""

    formats: dict[str, str]  # input file → format name
    written: list[Path]
    unconverted: list[Unconverted]
    renamed: list[str]
    converted: int


def convert_files(files: list[Path], source_format: str | None, out_dir: Path) -> Report:
    """Convert every file into one project under `out_dir`; FnplanError when a file is none
    of the formats (or not the one named) or nothing could be converted."""
    conversion = Conversion(out_dir)
    formats: dict[str, str] = {}
    for path in files:
        documents = _documents(path)
        chosen = _format(path, documents, source_format)
        formats[str(path)] = chosen.name
        with conversion.element(str(path)):
            chosen.convert(
                documents if chosen.name == "knative" else documents[0], path, conversion
            )
    if conversion.converted() == 0:
        raise FnplanError(
            f"nothing in {', '.join(map(str, files))} could be converted",
            notes=[f"not converted: {u.element}: {u.reason}" for u in conversion.unconverted],
        )
    written = conversion.write([p.name for p in files])
    return Report(
        formats, written, conversion.unconverted, conversion.names.notes(), conversion.converted()
    )


def _documents(path: Path) -> list[Any]:
    try:
        documents = [d for d in yaml.load_all(path.read_text(), Loader=TemplateLoader) if d]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FnplanError(f"{path}: cannot be read as YAML or JSON: {exc}") from exc
    return documents or [None]


def _format(path: Path, documents: list[Any], source_format: str | None) -> Format:
    allowed = [f"{f.name} ({f.title})" for f in FORMATS]
    if source_format is not None:
        chosen = next(f for f in FORMATS if f.name == source_format)
        if not any(chosen.detect(d) for d in documents):
            raise FnplanError(f"{path} is not a {chosen.title}", allowed=allowed)
        return chosen
    for candidate in FORMATS:
        if any(candidate.detect(d) for d in documents):
            return candidate
    raise FnplanError(f"{path} is none of the formats fnplan converts", allowed=allowed)
