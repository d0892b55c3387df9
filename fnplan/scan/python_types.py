"""JSON Schemas from Python type hints, read from the syntax tree (nothing is imported).

Understands builtin and `typing` types, `X | None`, `Literal`, `Annotated`, and the classes
the module defines: pydantic models (with `Field(...)` constraints), TypedDicts (`total`,
`Required`/`NotRequired`), dataclasses and Enums. A name it cannot resolve is left
unconstrained (`{}`) and noted.
"""

from __future__ import annotations

import ast
from typing import Any

_SCALARS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "bytes": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "Decimal": {"type": "number"},
    "bool": {"type": "boolean"},
    "None": {"type": "null"},
    "NoneType": {"type": "null"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "time": {"type": "string", "format": "time"},
    "UUID": {"type": "string", "format": "uuid"},
    "EmailStr": {"type": "string", "format": "email"},
    "HttpUrl": {"type": "string", "format": "uri"},
    "AnyUrl": {"type": "string", "format": "uri"},
    "Any": {},
    "object": {},
}
_ARRAYS_ALL = frozenset(
    {"list", "List", "Sequence", "Iterable", "set", "Set", "frozenset", "FrozenSet"}
    | {"tuple", "Tuple", "MutableSequence", "Collection"}
)
_OBJECTS = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})
_WRAPPERS = frozenset({"Required", "NotRequired", "Final", "ReadOnly"})
#: pydantic Field(...) keywords that are JSON Schema keywords under another name
_FIELD_KEYWORDS = {
    "description": "description",
    "title": "title",
    "ge": "minimum",
    "gt": "exclusiveMinimum",
    "le": "maximum",
    "lt": "exclusiveMaximum",
    "min_length": "minLength",
    "max_length": "maxLength",
    "pattern": "pattern",
    "examples": "examples",
}


def name_of(node: ast.expr) -> str | None:
    """`x` for `x` and `a.b.x`; None for other expressions."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def literal(node: ast.expr | None) -> tuple[bool, Any]:
    """(True, value) when `node` is a JSON-compatible literal."""
    if node is None:
        return False, None
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None
    return isinstance(value, str | int | float | bool | list | dict | type(None)), value


class TypeSchemas:
    """Schemas for the annotations of one module."""

    def __init__(self, module: ast.Module, notes: list[str]) -> None:
        self.classes = {n.name: n for n in module.body if isinstance(n, ast.ClassDef)}
        self.aliases: dict[str, ast.expr] = {}
        for node in module.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and _looks_like_type(node.value):
                    self.aliases[target.id] = node.value
        self.notes = notes
        self._open: list[str] = []

    def is_model(self, annotation: ast.expr | None) -> bool:
        """True when the annotation names a class of this module that makes an object."""
        name = name_of(annotation) if annotation is not None else None
        return name in self.classes and self._kind(self.classes[name]) != "enum"

    def schema(self, node: ast.expr) -> dict[str, Any]:
        """The JSON Schema of one annotation."""
        if isinstance(node, ast.Constant):
            if node.value is None:
                return {"type": "null"}
            if isinstance(node.value, str):  # a forward reference
                try:
                    return self.schema(ast.parse(node.value.strip(), mode="eval").body)
                except SyntaxError:
                    self.notes.append(f"line {node.lineno}: type {node.value!r} is not Python")
                    return {}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._union([node.left, node.right])
        if isinstance(node, ast.Subscript):
            return self._generic(node)
        name = name_of(node)
        if name is None:
            self.notes.append(f"line {node.lineno}: type {ast.unparse(node)} left unconstrained")
            return {}
        return self._named(name, node)

    def _named(self, name: str, node: ast.expr) -> dict[str, Any]:
        if name in _SCALARS:
            return dict(_SCALARS[name])
        if name in _ARRAYS_ALL:
            return {"type": "array"}
        if name in _OBJECTS:
            return {"type": "object"}
        if name in self.classes:
            return self._class(self.classes[name])
        if name in self.aliases and name not in self._open:
            self._open.append(name)
            try:
                return self.schema(self.aliases[name])
            finally:
                self._open.pop()
        self.notes.append(
            f"line {node.lineno}: type {ast.unparse(node)} is not defined in this file; "
            "left unconstrained"
        )
        return {}

    def _generic(self, node: ast.Subscript) -> dict[str, Any]:
        base = name_of(node.value) or ""
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Optional":
            return self._union([args[0], ast.Constant(None)])
        if base == "Union":
            return self._union(args)
        if base == "Literal":
            return _enum([literal(arg)[1] for arg in args])
        if base in ("Annotated", *_WRAPPERS):
            annotated = self.schema(args[0])
            for meta in args[1:]:
                annotated.update(_field_keywords(meta))
            return annotated
        if base in ("tuple", "Tuple"):
            return self._tuple(args)
        if base in _ARRAYS_ALL:
            items = self.schema(args[0])
            array: dict[str, Any] = {"type": "array", **({"items": items} if items else {})}
            if base in ("set", "Set", "frozenset", "FrozenSet"):
                array["uniqueItems"] = True
            return array
        if base in _OBJECTS:
            values = self.schema(args[-1])
            return {"type": "object", **({"additionalProperties": values} if values else {})}
        return self.schema(node.value)

    def _tuple(self, args: list[ast.expr]) -> dict[str, Any]:
        if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
            return {"type": "array", "items": self.schema(args[0])}
        items = [self.schema(arg) for arg in args]
        return {
            "type": "array",
            "prefixItems": items,
            "minItems": len(items),
            "maxItems": len(items),
        }

    def _union(self, members: list[ast.expr]) -> dict[str, Any]:
        schemas = []
        for member in members:
            schema = self.schema(member)
            for one in schema.get("anyOf", [schema]):
                if one not in schemas:
                    schemas.append(one)
        simple = [s.get("type") for s in schemas if set(s) == {"type"}]
        if len(simple) == len(schemas) and all(isinstance(t, str) for t in simple):
            return {"type": simple if len(simple) > 1 else simple[0]}
        return {"anyOf": schemas}

    def _class(self, node: ast.ClassDef) -> dict[str, Any]:
        kind = self._kind(node)
        if kind == "enum":
            return _enum([literal(s.value)[1] for s in node.body if isinstance(s, ast.Assign)])
        if node.name in self._open:
            self.notes.append(
                f"line {node.lineno}: {node.name} refers to itself; nested level left as an object"
            )
            return {"type": "object"}
        if kind is None:
            self.notes.append(
                f"line {node.lineno}: class {node.name} is not a pydantic model, TypedDict, "
                "dataclass or Enum; only its being an object is known"
            )
            return {"type": "object"}
        self._open.append(node.name)
        try:
            return self._object(node, kind)
        finally:
            self._open.pop()

    def _kind(self, node: ast.ClassDef) -> str | None:
        """pydantic, typeddict, dataclass or enum (also through a base defined here)."""
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if name_of(target) == "dataclass":
                return "dataclass"
        for base in node.bases:
            name = name_of(base)
            if name == "BaseModel":
                return "pydantic"
            if name == "TypedDict":
                return "typeddict"
            if name in ("Enum", "IntEnum", "StrEnum"):
                return "enum"
            if name in self.classes and name != node.name:
                return self._kind(self.classes[name])
        return None

    def _object(self, node: ast.ClassDef, kind: str) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for cls in self._lineage(node):
            total = _keyword(cls, "total") is not False
            for statement in cls.body:
                if not (
                    isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                ):
                    continue
                if name_of(_unsubscript(statement.annotation)) == "ClassVar":
                    continue
                key, field_schema, needed = self._field(statement, kind, total)
                properties[key] = field_schema
                if needed and key not in required:
                    required.append(key)
                elif not needed and key in required:
                    required.remove(key)
        schema: dict[str, Any] = {"type": "object", "title": node.name}
        doc = ast.get_docstring(node)
        if doc:
            schema["description"] = first_paragraph(doc)
        schema["properties"] = properties
        if required:
            schema["required"] = required
        return schema

    def _lineage(self, node: ast.ClassDef) -> list[ast.ClassDef]:
        """The class and its bases defined in this module, bases first."""
        chain: list[ast.ClassDef] = []
        for base in node.bases:
            name = name_of(base)
            if name in self.classes and name != node.name:
                chain.extend(self._lineage(self.classes[name]))
        return [*chain, node]

    def _field(
        self, statement: ast.AnnAssign, kind: str, total: bool
    ) -> tuple[str, dict[str, Any], bool]:
        """(property name, schema, required) of one annotated class attribute."""
        assert isinstance(statement.target, ast.Name)
        key = statement.target.id
        annotation = statement.annotation
        schema = self.schema(annotation)
        value = statement.value
        if kind == "typeddict":
            wrapper = name_of(_unsubscript(annotation))
            return key, schema, wrapper == "Required" or (total and wrapper != "NotRequired")
        call = value if isinstance(value, ast.Call) else None
        if call is not None and name_of(call.func) in ("Field", "field"):
            schema.update(_field_keywords(call))
            alias = _keyword(call, "alias")
            key = alias if isinstance(alias, str) else key
            default = _field_default(call)
            has_default = default is not None or _keyword_node(call, "default_factory") is not None
            value = default
        else:
            has_default = value is not None
        if value is not None:
            ok, default_value = literal(value)
            if ok and not (isinstance(value, ast.Constant) and value.value is Ellipsis):
                schema["default"] = default_value
        if isinstance(value, ast.Constant) and value.value is Ellipsis:
            has_default = False
        return key, schema, not has_default


def first_paragraph(doc: str) -> str:
    """A docstring's first paragraph on one line."""
    return " ".join(doc.strip().split("\n\n")[0].split())


def _enum(values: list[Any]) -> dict[str, Any]:
    types = {type(v) for v in values}
    names = {str: "string", int: "integer", float: "number", bool: "boolean"}
    schema: dict[str, Any] = {"enum": values}
    if len(types) == 1 and next(iter(types)) in names:
        schema = {"type": names[next(iter(types))], **schema}
    return schema


def _unsubscript(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Subscript) else node


def _keyword_node(call: ast.Call | ast.ClassDef, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _keyword(call: ast.Call | ast.ClassDef, name: str) -> Any:
    return literal(_keyword_node(call, name))[1]


def _field_default(call: ast.Call) -> ast.expr | None:
    """The default of `Field(default, ...)` / `field(default=...)`: None when required."""
    if call.args:
        return call.args[0]
    return _keyword_node(call, "default")


def _field_keywords(meta: ast.expr) -> dict[str, Any]:
    """JSON Schema keywords from a `Field(...)` call (or Annotated metadata)."""
    if not isinstance(meta, ast.Call):
        return {}
    found: dict[str, Any] = {}
    for keyword in meta.keywords:
        ok, value = literal(keyword.value)
        if keyword.arg in _FIELD_KEYWORDS and ok:
            found[_FIELD_KEYWORDS[keyword.arg]] = value
    return found


def _looks_like_type(node: ast.expr) -> bool:
    """An assignment that reads as a type alias: `Tags = list[str]`, `Id = int | str`."""
    if isinstance(node, ast.Subscript):
        return name_of(node.value) in (
            *_ARRAYS_ALL,
            *_OBJECTS,
            "Optional",
            "Union",
            "Literal",
            "Annotated",
        )
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.BitOr)
    return False
