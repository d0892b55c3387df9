"""Cross-check parse_hcl against python-hcl2 on realistic files (corpus, examples, modules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fnplan.config.hcl import parse_hcl
from fnplan.config.syntax import Body
from fnplan.expr import ast, to_source

hcl2 = pytest.importorskip("hcl2")

HERE = Path(__file__).parent
REPO = HERE.parents[1]
FILES = sorted(
    [*HERE.glob("corpus/*.hcl"), *REPO.glob("examples/**/*.hcl"), *REPO.glob("modules/**/*.hcl")]
)


def _value(expr: ast.Expr) -> Any:
    """Our expression in python-hcl2's output shape."""
    if isinstance(expr, ast.Literal):
        return to_source(expr) if isinstance(expr.value, str) else expr.value
    if isinstance(expr, ast.Template):
        return to_source(expr)
    if isinstance(expr, ast.ListExpr):
        return [_value(item) for item in expr.items]
    if isinstance(expr, ast.ObjectExpr):
        return {_key(k): _value(v) for k, v in expr.items}
    return "${" + to_source(expr) + "}"


def _key(expr: ast.Expr) -> str:
    return expr.value if isinstance(expr, ast.Literal) and isinstance(expr.value, str) else "?"


def _body(body: Body) -> dict[str, Any]:
    shape: dict[str, Any] = {name: _value(a.expr) for name, a in body.attributes.items()}
    for block in body.blocks:
        inner: Any = {**_body(block.body), "__is_block__": True}
        for label in reversed(block.labels):
            inner = {label: inner}
        shape.setdefault(block.type, []).append(inner)
    return shape


_COMMENTS = frozenset({"__comments__", "__inline_comments__"})


def _normalise(value: Any) -> Any:
    """python-hcl2 keeps quotes on labels and quoted keys, and spacing inside ${...}."""
    if isinstance(value, dict):
        return {k.strip('"'): _normalise(v) for k, v in value.items() if k not in _COMMENTS}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, str) and value.startswith("${"):
        bare = value[2:-1]
        return bare if bare.isidentifier() else "".join(value.split())
    return value


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_values_as_python_hcl2(path: Path) -> None:
    ours = _body(parse_hcl(path.read_bytes(), str(path)))
    theirs = hcl2.loads(path.read_text())
    assert _normalise(ours) == _normalise(theirs)


def test_corpus_is_present() -> None:
    assert len(list(HERE.glob("corpus/*.hcl"))) >= 8
