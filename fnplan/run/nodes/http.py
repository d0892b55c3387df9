"""HTTP steps: one request with urllib; JSON bodies are encoded and decoded automatically."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from email.message import Message
from typing import Any

from fnplan.run.context import AttemptContext
from fnplan.run.failure import StepFailure
from fnplan.run.nodes import Resolve
from fnplan.workflow.model import Step


def prepare(step: Step, resolve: Resolve) -> tuple[Any, Any]:
    """Resolve url, headers and body; headers are not logged (they may carry credentials)."""
    task = step.http
    assert task is not None, "an http step carries an http task"
    url = resolve(task.url)
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise StepFailure("HTTPError", f"url must be an http(s) URL, got {url!r}")
    request = {
        "method": task.method.upper(),
        "url": url,
        "headers": {name: str(value) for name, value in resolve(task.headers).items()},
        "body": resolve(task.body),
        "timeout": task.timeout,
    }
    return request, {"method": request["method"], "url": url, "body": request["body"]}


def run(request: Any, ctx: AttemptContext) -> Any:
    """Send the request; output {"status", "headers", "body"}; status >= 400 is HTTPError."""
    data, headers = _encode(request["body"], request["headers"])
    message = urllib.request.Request(
        request["url"], data=data, headers=headers, method=request["method"]
    )
    try:
        with urllib.request.urlopen(message, timeout=request["timeout"]) as response:
            return _output(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")[:1000]
        raise StepFailure(
            "HTTPError", f"{request['method']} {request['url']} returned {error.code}: {body}"
        ) from None
    except TimeoutError:
        raise StepFailure(
            "Timeout", f"{request['url']} did not answer within {request['timeout']:g} s"
        ) from None
    except urllib.error.URLError as error:
        raise StepFailure("ConnectionError", f"{request['url']}: {error.reason}") from None
    except (
        http.client.InvalidURL,
        ValueError,
    ) as error:  # a space in the URL, a newline in a header
        raise StepFailure("HTTPError", f"{request['url']}: {error}") from None
    except (OSError, http.client.HTTPException) as error:  # connection reset, truncated body
        raise StepFailure(
            "ConnectionError", f"{request['url']}: {type(error).__name__}: {error}"
        ) from None


def _encode(body: Any, headers: dict[str, str]) -> tuple[bytes | None, dict[str, str]]:
    if body is None:
        return None, headers
    if isinstance(body, str):
        return body.encode(), headers
    lowered = {name.lower() for name in headers}
    extra = {} if "content-type" in lowered else {"Content-Type": "application/json"}
    return json.dumps(body).encode(), {**headers, **extra}


def _output(status: int, headers: Message, raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode(headers.get_content_charset() or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = raw.decode("utf-8", errors="replace")
    body: Any = text
    if "json" in headers.get_content_type() and text.strip():
        try:
            body = json.loads(text)
        except ValueError:
            body = text
    return {"status": status, "headers": dict(headers.items()), "body": body}
