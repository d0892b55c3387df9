"""Checks that each Python function's `handler` exists in its source, by reading the module
with `ast`: importing it would run the user's code (and need its packages) at validate time.

"pkg.mod.handler" names the module pkg/mod.py or pkg/mod/__init__.py under the function's
source directory (the worker puts that directory first on sys.path) and a top-level binding
`handler` in it: a def, async def or class, an assignment, or an import.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator, Mapping
from typing import Any

from fnplan.compile.index import Entry, Index, to_pos
from fnplan.config.model import Function
from fnplan.errors import ConfigError, ErrorList, FnplanError, SourcePos, did_you_mean

#: statements whose bodies still bind module globals (`try: import x except: def x`)
_BLOCKS = (ast.If, ast.Try, ast.TryStar, ast.With, ast.For, ast.While)


def check_handlers(index: Index, runtimes: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise every handler problem of the configuration's functions at once."""
    errors: list[FnplanError] = []
    for address, entry in index.functions.items():
        runtime = index.resolve(entry.config, entry.block.runtime, ("runtime",), address)
        errors.extend(handler_errors(entry, str(runtimes[runtime]["language"])))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)


def handler_errors(entry: Entry[Function], language: str) -> Iterator[FnplanError]:
    """What is wrong with the function's handler (nothing for non-Python runtimes)."""
    function = entry.block
    if not language.startswith("python") or not os.path.isdir(function.source):
        return  # other languages are the provider's business; a bad source is reported elsewhere
    pos = to_pos(function.pos_of("handler"))
    what = f"{entry.address} handler {function.handler!r}"
    module, _, name = function.handler.rpartition(".")
    if not module or not all(part.isidentifier() for part in function.handler.split(".")):
        yield ConfigError(
            f"{what} must be 'module.function' (e.g. 'main.handler')",
            pos=pos,
            hint="the module is a .py file (or package) in the function's source directory",
        )
        return
    candidates = _module_files(function.source, module)
    path = next((path for path in candidates if os.path.isfile(path)), None)
    if path is None:
        looked = " or ".join(os.path.relpath(p, function.source) for p in candidates)
        modules = _top_level_modules(function.source)
        yield ConfigError(
            f"{what}: there is no module {module!r} in {function.source} (looked for {looked})",
            pos=pos,
            allowed=modules,
            hint=did_you_mean(module, modules),
        )
        return
    yield from _binding_errors(what, os.path.relpath(path, function.source), path, name, pos)


def _binding_errors(
    what: str, shown: str, path: str, name: str, pos: SourcePos | None
) -> Iterator[FnplanError]:
    """Whether the module at `path` binds `name` at top level, read with `ast`."""
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except OSError as error:
        yield ConfigError(f"{what}: cannot read {path}: {error.strerror}", pos=pos)
        return
    except (SyntaxError, ValueError) as error:
        line = f" (line {error.lineno})" if isinstance(error, SyntaxError) else ""
        message = error.msg if isinstance(error, SyntaxError) else str(error)
        yield ConfigError(f"{what}: {path} is not valid Python: {message}{line}", pos=pos)
        return
    bound, functions, dynamic = _bindings(tree.body)
    if name in bound or dynamic:
        return
    yield ConfigError(
        f"{what}: {shown} ({path}) defines no top-level {name!r}",
        pos=pos,
        allowed=functions,
        hint=did_you_mean(name, functions) or f"define `def {name}(event, context)` in {shown}",
    )


def _module_files(source: str, module: str) -> list[str]:
    """Where the worker's import finds `module`: a .py file, else a package's __init__.py."""
    base = os.path.join(source, *module.split("."))
    return [f"{base}.py", os.path.join(base, "__init__.py")]


def _top_level_modules(source: str) -> list[str]:
    """The modules and packages directly in the source directory."""
    found = []
    for name in sorted(os.listdir(source)):
        full = os.path.join(source, name)
        if name.endswith(".py") and os.path.isfile(full):
            found.append(name[: -len(".py")])
        elif os.path.isfile(os.path.join(full, "__init__.py")):
            found.append(name)
    return found


def _bindings(body: list[ast.stmt]) -> tuple[set[str], list[str], bool]:
    """(every name the module binds at top level, its functions, whether it binds names
    that cannot be read statically: `from x import *` or a module `__getattr__`)."""
    bound: set[str] = set()
    functions: list[str] = []
    dynamic = False
    for statement in _top_level(body):
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            bound.add(statement.name)
            functions.append(statement.name)
            dynamic = dynamic or statement.name == "__getattr__"
        elif isinstance(statement, ast.ClassDef):
            bound.add(statement.name)
        elif isinstance(statement, ast.Import | ast.ImportFrom):
            for alias in statement.names:
                dynamic = dynamic or alias.name == "*"
                bound.add(alias.asname or alias.name.partition(".")[0])
        elif isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets: list[ast.expr] = (
                statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            )
            bound.update(_names(targets))
    return bound, sorted(set(functions)), dynamic


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, descending into blocks that do not open a new scope."""
    for statement in body:
        yield statement
        if isinstance(statement, _BLOCKS):
            for field in ("body", "orelse", "finalbody"):
                yield from _top_level(getattr(statement, field, []))
            for handler in getattr(statement, "handlers", []):
                yield from _top_level(handler.body)


def _names(targets: list[ast.expr]) -> Iterator[str]:
    """The plain names an assignment binds (tuple unpacking included)."""
    for target in targets:
        if isinstance(target, ast.Name):
            yield target.id
        elif isinstance(target, ast.Tuple | ast.List):
            yield from _names(list(target.elts))
        elif isinstance(target, ast.Starred):
            yield from _names([target.value])
