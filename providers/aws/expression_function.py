"""The expression function of a workflow: fnplan's own evaluator as a Lambda function, for
the step values JSONata cannot express exactly (fnplan.providers.aws.asl.expressions).

Its code is the handler (asl/evaluator.py, as the module `fnplan_expressions`) and the
engine modules it imports (the expression language and run-time value resolution); their
dependencies (pydantic, tree-sitter and its HCL grammar) come as a layer built for the
Lambda platform at the versions installed here, so it evaluates exactly as this fnplan does.
"""

from __future__ import annotations

import io
import zipfile
from importlib import metadata
from pathlib import Path

import fnplan
from fnplan.naming import LAMBDA_FUNCTION, physical_name

from .packaging import add_file

HANDLER = "fnplan_expressions.handler"
RUNTIME = "python3.12"
#: the engine modules the evaluator imports (a directory: all of its modules)
ENGINE_MODULES = (
    "__init__.py",
    "errors.py",
    "inputs.py",
    "expr",
    "run/__init__.py",
    "run/failure.py",
    "run/records.py",
    "run/values.py",
)
#: the distributions those modules import, pinned to the versions installed here
DEPENDENCIES = ("pydantic", "tree-sitter", "tree-sitter-hcl")


def expression_function_name(workflow_address: str, prefix: str) -> str:
    return physical_name(f"{workflow_address}.expressions", LAMBDA_FUNCTION, prefix=prefix)


def requirements() -> list[str]:
    """The layer's packages: the evaluator's dependencies at the installed versions."""
    return [f"{name}=={metadata.version(name)}" for name in DEPENDENCIES]


def expression_package() -> bytes:
    """The function's zip: the handler module and the engine modules it needs."""
    engine = Path(fnplan.__file__).parent
    files: list[tuple[str, Path]] = []
    for entry in ENGINE_MODULES:
        path = engine / entry
        if path.is_dir():
            files += [(f"fnplan/{entry}/{p.name}", p) for p in sorted(path.glob("*.py"))]
        else:
            files.append((f"fnplan/{entry}", path))
    handler = Path(__file__).parent / "asl" / "evaluator.py"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        add_file(archive, "fnplan_expressions.py", handler.read_bytes())
        for name, path in sorted(files):
            add_file(archive, name, path.read_bytes())
    return buffer.getvalue()
