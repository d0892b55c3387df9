"""Providers use only the engine's public API (docs/providers/protocol.md, "What a provider
may import"), so the engine's internals can change without breaking a provider."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.test_engine_boundary import ENGINE

PROVIDERS = ENGINE.parent / "providers"
#: the engine modules a provider may import (a package: also its submodules)
PUBLIC = frozenset(
    {
        "fnplan.addresses",
        "fnplan.errors",
        "fnplan.expr",
        "fnplan.files",
        "fnplan.naming",
        "fnplan.provider",
        "fnplan.provider_schema",
        "fnplan.resources",
        "fnplan.rollouts",
        "fnplan.run",
        "fnplan.state.backend",  # for providers that ship a state backend: its interface
        "fnplan.state.lock",  # and the lock record and lease helpers every backend shares,
        "fnplan.state.codec",  # the state's own serialisation,
        "fnplan.state.journal",  # the journal replay every backend uses on read,
        "fnplan.state.remote_journal",  # and the journal lines kept outside a local file
        "fnplan.state.remote_backend",  # with the lock and journal bookkeeping around them
        "fnplan.state.model",
        "fnplan.versions",
        "fnplan.workflow.model",
    }
)
#: public packages whose submodules are public too
PUBLIC_PACKAGES = frozenset({"fnplan.expr"})
#: the providers' own package
OWN = "fnplan.providers"


def is_public(module: str) -> bool:
    """Whether a provider may import `module` (`fnplan` itself: `from fnplan import X` is
    checked as fnplan.X)."""
    if module in ("fnplan", OWN) or module.startswith(OWN + "."):
        return True
    return module in PUBLIC or any(module.startswith(p + ".") for p in PUBLIC_PACKAGES)


def engine_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for each engine module `path` imports, however spelled: `import a.b`,
    `from a.b import c` (c too, when it is a module of a.b) and `from a import b`."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            modules += [
                f"{node.module}.{alias.name}"
                for alias in node.names
                if _is_module(f"{node.module}.{alias.name}")
            ]
        else:
            continue
        found += [(node.lineno, m) for m in modules if m == "fnplan" or m.startswith("fnplan.")]
    return found


def _is_module(dotted: str) -> bool:
    """Whether `dotted` names an engine module or package (rather than a name in one)."""
    parts = dotted.split(".")
    if parts[0] != "fnplan":
        return False
    base = ENGINE.joinpath(*parts[1:])
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def test_providers_import_only_the_public_engine_api() -> None:
    offending = [
        f"{path.relative_to(PROVIDERS.parent)}:{line}: {module}"
        for path in sorted(PROVIDERS.rglob("*.py"))
        for line, module in engine_imports(path)
        if not is_public(module)
    ]
    assert offending == [], "providers import engine internals:\n" + "\n".join(offending)


def test_the_check_sees_every_spelling(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import fnplan.compile.functions\n"
        "from fnplan.run.history import RunLogs\n"
        "from fnplan.run import history\n"
        "from fnplan import compile\n"
        "def f():\n    from fnplan.plan.planner import make_plan\n"
        "from fnplan.run import RunLogs, runs_dir\n"
        "from fnplan.expr import ast as nodes\n"
        "from fnplan.providers.local.store import LocalStore\n"
        "from . import store\n"
    )
    found = [(line, module) for line, module in engine_imports(sample) if not is_public(module)]
    assert found == [
        (1, "fnplan.compile.functions"),
        (2, "fnplan.run.history"),
        (3, "fnplan.run.history"),
        (4, "fnplan.compile"),
        (6, "fnplan.plan.planner"),
    ]
