"""SQL steps: one statement through SQLAlchemy with bound parameters only, in a transaction."""

from __future__ import annotations

import datetime
import decimal
import threading
import uuid
from typing import TYPE_CHECKING, Any

from fnplan.run.context import AttemptContext
from fnplan.run.failure import StepFailure
from fnplan.run.nodes import Resolve
from fnplan.workflow.model import Step

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def prepare(step: Step, resolve: Resolve) -> tuple[Any, Any]:
    """Resolve the connection URL and parameters; the URL is not logged (it may hold a password)."""
    task = step.sql
    assert task is not None, "an sql step carries an sql task"
    connection = resolve(task.connection)
    params = resolve(task.params)
    if not isinstance(connection, str):
        raise StepFailure("SQLError", f"connection must be a URL string, got {connection!r}")
    request = {"statement": task.statement, "connection": connection, "params": params}
    return request, {"statement": task.statement, "params": params}


def run(request: Any, ctx: AttemptContext) -> Any:
    """Execute the statement; output {"rows": [...], "rowcount": N} (N = len(rows) for queries)."""
    from sqlalchemy import exc, text

    try:
        with _engine(request["connection"]).begin() as connection:
            result = connection.execute(text(request["statement"]), request["params"])
            if result.returns_rows:
                rows = [
                    {key: _jsonable(value) for key, value in row.items()}
                    for row in result.mappings()
                ]
                return {"rows": rows, "rowcount": len(rows)}
            return {"rows": [], "rowcount": result.rowcount}
    except exc.SQLAlchemyError as error:
        original = getattr(error, "orig", None)
        raise StepFailure("SQLError", str(original or error).splitlines()[0]) from None


def _engine(url: str) -> Engine:
    from sqlalchemy import create_engine, exc

    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            try:
                engine = create_engine(url)
            except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as error:
                raise StepFailure("SQLError", f"cannot use connection URL: {error}") from None
            _engines[url] = engine
        return engine


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value) if value % 1 else int(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value
