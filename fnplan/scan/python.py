"""`fnplan scan` for Python: the handler, its description, schemas, routes and events,
read with `ast` (the code is never imported or run)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from fnplan.errors import FnplanError
from fnplan.scan.model import EmittedEvent, Route, ScanResult
from fnplan.scan.python_infer import input_from_use, output_from_returns
from fnplan.scan.python_types import TypeSchemas, first_paragraph, literal, name_of

#: entry files looked for, in this order, when a directory is scanned
ENTRY_FILES = ("main.py", "handler.py", "lambda_function.py", "app.py", "index.py")
_HANDLER_NAMES = ("handler", "lambda_handler", "main")
_HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
_EMIT_CALLS = ("emit", "emit_event", "publish_event", "send_event")
_CE_HEADERS = ("ce-type", "ce_type", "Ce-Type")

Function = ast.FunctionDef | ast.AsyncFunctionDef


def scan_python(path: Path, module: str, handler: str | None) -> ScanResult:
    """Scan one Python file whose import path is `module`; `handler` names the function
    when given, else it is found (`handler`, `lambda_handler`, an `(event, context)` one)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except SyntaxError as exc:
        raise FnplanError(f"{path}:{exc.lineno}:{exc.offset}: not valid Python: {exc.msg}") from exc
    notes: list[str] = []
    functions = {n.name: n for n in tree.body if isinstance(n, Function)}
    name = handler or _find_handler(tree, functions, path)
    if name not in functions and not _binds(tree, name):
        raise FnplanError(
            f"{path}: no top-level function {name!r}",
            allowed=sorted(functions),
        )
    result = ScanResult(file=str(path), module=module, handler=f"{module}.{name}")
    types = TypeSchemas(tree, notes)
    routes = _routes(functions.values())
    result.routes = routes
    result.events = _events(tree)
    function = functions.get(name)
    if function is not None:
        doc = ast.get_docstring(function) or ast.get_docstring(tree)
        result.input_schema, result.output_schema = _schemas(function, routes, types)
    else:
        doc = ast.get_docstring(tree)
        notes.append(f"{name} is not a function (an adapter such as Mangum(app)): no schemas")
    result.description = first_paragraph(doc) if doc else None
    result.notes = notes
    return result


def _find_handler(tree: ast.Module, functions: dict[str, Function], path: Path) -> str:
    for name in _HANDLER_NAMES:
        if name in functions or _binds(tree, name):
            return name
    for function in functions.values():
        params = [a.arg for a in function.args.args]
        if params[:2] == ["event", "context"]:
            return function.name
    raise FnplanError(
        f"{path}: no handler found: no function named {', '.join(_HANDLER_NAMES)} and none "
        "taking (event, context)",
        allowed=sorted(functions),
        hint="name the handler with --handler NAME",
    )


def _binds(tree: ast.Module, name: str) -> bool:
    """True when the module assigns `name` at top level (`handler = Mangum(app)`)."""
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        for node in tree.body
    )


def _schemas(
    function: Function, routes: list[Route], types: TypeSchemas
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Input from the first parameter's type (a route's body model), output from the return
    type (or `response_model=`); without hints, from how the code uses them."""
    params = function.args.args
    body = next((p for p in params if types.is_model(p.annotation)), None)
    is_route = any(route.function == function.name for route in routes)
    first = body if is_route else (params[0] if params else None)
    if first is not None and first.annotation is not None:
        input_schema: dict[str, Any] | None = types.schema(first.annotation)
    else:
        input_schema = None if is_route else input_from_use(function)
    returns = _response_model(function) or function.returns
    if returns is not None:
        output_schema: dict[str, Any] | None = types.schema(returns)
    else:
        output_schema = output_from_returns(function)
    return _document(input_schema), _document(output_schema)


def _document(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """A schema file's content: with `$schema`; None when nothing is known."""
    if not schema:
        return None
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _response_model(function: Function) -> ast.expr | None:
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "response_model":
                    return keyword.value
    return None


def _routes(functions: Any) -> list[Route]:
    """FastAPI (`@app.get("/x")`, `@router.api_route`) and Flask (`@app.route`) routes."""
    routes: list[Route] = []
    for function in functions:
        for decorator in function.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            kind = decorator.func.attr
            ok, path = literal(decorator.args[0]) if decorator.args else (False, None)
            if not (ok and isinstance(path, str) and path.startswith("/")):
                continue
            if kind in _HTTP_METHODS:
                methods = [kind.upper()]
            elif kind in ("route", "api_route"):
                listed = literal(
                    next((k.value for k in decorator.keywords if k.arg == "methods"), None)
                )[1]
                methods = [str(m).upper() for m in listed] if listed else ["GET"]
            else:
                continue
            routes.extend(Route(m, path, function.name, decorator.lineno) for m in methods)
    return routes


def _events(tree: ast.Module) -> list[EmittedEvent]:
    """CloudEvents types the code sends: `CloudEvent({"type": ...})`, EventBridge
    `put_events(Entries=[{"DetailType": ...}])`, `ce-type` headers, `emit("type", ...)`."""
    constants = _constants(tree)
    found: dict[str, EmittedEvent] = {}

    def value(node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        ok, text = literal(node)
        return text if ok and isinstance(text, str) else None

    def add(kind: str | None, line: int, source: str | None = None) -> None:
        if kind and kind not in found:
            found[kind] = EmittedEvent(type=kind, line=line, source=source)

    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            entries = _dict_entries(node, value)
            add(next((entries[h] for h in _CE_HEADERS if h in entries), None), node.lineno)
            if "DetailType" in entries:
                add(entries["DetailType"], node.lineno, entries.get("Source"))
        if isinstance(node, ast.Call):
            called = name_of(node.func)
            attributes = node.args[0] if node.args else _keyword(node, "attributes")
            if called == "CloudEvent" and isinstance(attributes, ast.Dict):
                entries = _dict_entries(attributes, value)
                add(entries.get("type"), node.lineno, entries.get("source"))
            elif called in _EMIT_CALLS and node.args:
                add(value(node.args[0]), node.lineno)
    return sorted(found.values(), key=lambda event: event.line)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _dict_entries(node: ast.Dict, value: Any) -> dict[str, str]:
    """The string-valued entries of a dict literal (names resolved through constants)."""
    entries: dict[str, str] = {}
    for key_node, item in zip(node.keys, node.values, strict=True):
        ok, key = literal(key_node)
        text = value(item)
        if ok and isinstance(key, str) and text is not None:
            entries[key] = text
    return entries


def _constants(tree: ast.Module) -> dict[str, str]:
    """Top-level string constants, so `EVENT_TYPE = "com.x"` is followed where it is used."""
    constants: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            ok, text = literal(node.value)
            for target in targets:
                if isinstance(target, ast.Name) and ok and isinstance(text, str):
                    constants[target.id] = text
    return constants
