"""The engine reaches providers only through the provider loader (fnplan/provider.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import fnplan

ENGINE = Path(fnplan.__file__).parent
#: the one module allowed to load providers (through entry points)
LOADER = ENGINE / "provider.py"


def provider_imports(path: Path) -> list[str]:
    """`file:line: module` for each import of fnplan.providers (however spelled) in `path`."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        hits = [n for n in names if n == "fnplan.providers" or n.startswith("fnplan.providers.")]
        if hits:
            found.append(f"{path.name}:{node.lineno}: {hits[0]}")
    return found


def test_nothing_in_the_engine_imports_a_provider() -> None:
    offending = [
        f"{path.relative_to(ENGINE.parent).parent}/{hit}"
        for path in sorted(ENGINE.rglob("*.py"))
        if path != LOADER
        for hit in provider_imports(path)
    ]
    assert offending == [], "the engine imports providers directly:\n" + "\n".join(offending)


def test_the_check_sees_every_spelling(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import fnplan.providers.local.store\n"
        "from fnplan.providers.local.store import LocalStore\n"
        "from fnplan import providers\n"
        "def f():\n    from fnplan.providers import local\n"
        "from fnplan.provider import capability\n"
        "import fnplan.providerish\n"
    )
    lines = [hit.split(":")[1] for hit in provider_imports(sample)]
    assert lines == ["1", "2", "3", "5"]
