"""A content-addressed cache of parsed configuration files (HCL and YAML), so a warm load
skips tree-sitter and the YAML composer entirely."""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fnplan.config import syntax
from fnplan.config.hcl import parse_hcl
from fnplan.config.syntax import Body
from fnplan.errors import ConfigError, SourcePos
from fnplan.expr import ast
from fnplan.files import write_atomically

# Bump when the syntax tree or AST classes change shape, so old entries are never reused.
CACHE_FORMAT = "fnplan-syntax-1"


def parse_hcl_cached(path: Path, cache_dir: Path | None) -> Body:
    """`parse_hcl` of a file, reusing a pickled Body keyed by the file's path and content."""
    return parse_cached(path, cache_dir, parse_hcl)


def parse_cached(path: Path, cache_dir: Path | None, parse: Callable[[bytes, str], Body]) -> Body:
    """`parse(source, filename)` of a file, reusing a pickled Body keyed by the file's path
    and content (no cache when `cache_dir` is None)."""
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    if cache_dir is None:
        return parse(source, str(path))
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{path}\0".encode() + source).hexdigest()
    entry = cache_dir / f"parse-{digest}.pickle"
    cached = _load(entry)
    if cached is not None:
        return cached
    body = parse(source, str(path))
    _store(entry, body)
    return body


def _load(entry: Path) -> Body | None:
    was_enabled = gc.isenabled()
    gc.disable()  # loading creates ~100,000 objects that are never garbage; skip GC passes
    try:
        with entry.open("rb") as handle:
            body = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # a corrupt or stale entry is ignored and rewritten
        return None
    finally:
        if was_enabled:
            gc.enable()
    return body if isinstance(body, Body) else None


def _store(entry: Path, body: Body) -> None:
    """Write atomically (temp file + rename); a cache that cannot be written is skipped."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(entry, pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return


def _constructor_reducer(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    names = [f.name for f in dataclasses.fields(cls)]

    def reduce(obj: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, tuple(getattr(obj, name) for name in names)

    return reduce


def _register_reducers() -> None:
    """Pickle syntax nodes as constructor calls: about twice as fast to load as the default
    state protocol of slotted dataclasses, which matters for 100,000-node files."""
    classes = [SourcePos, syntax.Attribute, syntax.Block, syntax.Body]
    classes += [
        c for c in vars(ast).values() if isinstance(c, type) and dataclasses.is_dataclass(c)
    ]
    for cls in classes:
        copyreg.pickle(cls, _constructor_reducer(cls))


_register_reducers()
