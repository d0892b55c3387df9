"""CloudEvents on the local bus: built by `fnplan emit`, parsed from `POST /events`.

Uses the CloudEvents SDK (v1.0 events, JSON format) in the three HTTP content modes:
structured (one JSON envelope), batch (a JSON array of envelopes) and binary (`ce-*`
headers, the body is the data). An event's `data` is checked against the schema its `event`
block declared before any trigger sees it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnplan.errors import FnplanError

if TYPE_CHECKING:
    from cloudevents.core.base import BaseCloudEvent

DEFAULT_SOURCE = "fnplan://cli"
JSON_CONTENT_TYPE = "application/json"
BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
_STRUCTURED_HINT = (
    'send one event as a JSON object {"specversion": "1.0", "id": ..., "source": ..., '
    '"type": ..., "data": ...}, or several as a JSON array with '
    f"Content-Type: {BATCH_CONTENT_TYPE}"
)


class EventError(FnplanError):
    """An event cannot be built, parsed or delivered as given (bad data, bad envelope)."""


def new_event(event_type: str, data: Any, source: str = DEFAULT_SOURCE) -> BaseCloudEvent:
    """A v1.0 CloudEvent of `event_type` carrying JSON `data`; id and time are generated."""
    from cloudevents.core.exceptions import BaseCloudEventException
    from cloudevents.core.v1.event import CloudEvent

    attributes = {"type": event_type, "source": source, "datacontenttype": JSON_CONTENT_TYPE}
    try:
        return CloudEvent(attributes, data)
    except BaseCloudEventException as error:
        raise EventError(f"cannot build the event: {error}") from None


def parse_http(body: bytes, headers: Mapping[str, str]) -> BaseCloudEvent:
    """The CloudEvent in an HTTP request: structured mode (the JSON envelope) or binary mode."""
    from cloudevents.core.bindings.http import HTTPMessage, from_http
    from cloudevents.core.exceptions import BaseCloudEventException
    from cloudevents.core.formats.json import JSONFormat

    message = HTTPMessage(headers={k.lower(): v for k, v in headers.items()}, body=body)
    try:
        return from_http(message, JSONFormat())
    except (BaseCloudEventException, ValueError, TypeError, KeyError) as error:
        raise EventError(
            f"the request does not hold a valid CloudEvent: {error}",
            hint='send a structured-mode event: {"specversion": "1.0", "id": ..., '
            '"source": ..., "type": ..., "data": {...}}',
        ) from None


def parse_request(body: bytes, headers: Mapping[str, str]) -> list[BaseCloudEvent]:
    """The CloudEvents of a `POST /events`: binary mode when there are `ce-*` headers, batch
    mode for the batch content type, and otherwise structured mode (one JSON object)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if any(name.startswith("ce-") for name in lowered):
        return [parse_http(body, lowered)]
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise EventError(
            f"the request does not hold a valid CloudEvent: the body is not JSON ({error})",
            hint=_STRUCTURED_HINT,
        ) from None
    media_type = lowered.get("content-type", "").split(";")[0].strip().lower()
    if media_type == BATCH_CONTENT_TYPE:
        if not isinstance(document, list):
            raise EventError(
                f"a {BATCH_CONTENT_TYPE} body is a JSON array of events, not {_kind(document)}",
                hint=_STRUCTURED_HINT,
            )
        return [
            _from_envelope(item, f"event {index} of the batch")
            for index, item in enumerate(document)
        ]
    return [_from_envelope(document, "the request body")]


def _from_envelope(document: Any, where: str) -> BaseCloudEvent:
    """One structured-mode event from its parsed JSON envelope."""
    from cloudevents.core.exceptions import BaseCloudEventException
    from cloudevents.core.formats.json import JSONFormat

    if not isinstance(document, dict):
        raise EventError(
            f"{where} is {_kind(document)}, not a CloudEvent (a JSON object)",
            hint=_STRUCTURED_HINT,
        )
    try:
        return JSONFormat().read(None, json.dumps(document))
    except (BaseCloudEventException, ValueError, TypeError, KeyError, AttributeError) as error:
        raise EventError(
            f"{where} is not a valid CloudEvent: {error}", hint=_STRUCTURED_HINT
        ) from None


def _kind(value: Any) -> str:
    """'a JSON array', 'a JSON string', ... for messages about a body's shape."""
    names = {list: "array", dict: "object", str: "string", bool: "boolean", type(None): "null"}
    return f"a JSON {names.get(type(value), 'number')}"


def envelope(event: BaseCloudEvent) -> dict[str, Any]:
    """The event as plain JSON (attributes, RFC 3339 `time`, `data`): what triggers see."""
    from cloudevents.core.formats.json import JSONFormat

    document: dict[str, Any] = json.loads(JSONFormat().write(event))
    return document


def read_data(text: str, base: Path) -> Any:
    """The value of `--data`: JSON text, or `@file` holding JSON (relative to `base`)."""
    where = "--data"
    if text.startswith("@"):
        path = Path(text[1:])
        path = path if path.is_absolute() else base / path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise EventError(f"cannot read --data file {path}: {error.strerror}") from None
        where = str(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise EventError(
            f"{where} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            hint='pass JSON text, e.g. --data \'{"url": "data/sample.txt"}\', or @FILE',
        ) from None


def check_data(event: BaseCloudEvent, registered: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise EventError when the event's data does not fit the schema of its registered type."""
    from fnplan.run.validation import schema_problem

    entry = registered.get(event.get_type())
    if entry is None:
        return
    problem = schema_problem(entry.get("schema"), event.get_data())
    if problem is not None:
        owner = entry.get("address", event.get_type())
        raise EventError(
            f"the data of event {event.get_type()!r} {problem}",
            hint=f"{owner} declares the schema its data must match",
        )
