"""`emit` and `serve`: events delivered to the triggers that providers deployed, through their
"deliver-events" capability (fnplan.events does the matching and running)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudevents.core.base import BaseCloudEvent

    from fnplan.events.dispatch import Dispatcher, Firing, TargetResult
    from fnplan.events.server import ServeApp
    from fnplan.workspace import Workspace


@dataclass
class Emission:
    """A CloudEvent checked against its event type's schema, and the triggers it fires."""

    dispatcher: Dispatcher
    event: BaseCloudEvent
    firings: list[Firing]

    def unheard(self) -> str | None:
        """Why nothing runs, when no trigger listens for the event's type (else None)."""
        if self.firings:
            return None
        triggers = self.dispatcher.triggers
        listened = sorted({str(t["event_type"]) for t in triggers if t.get("event_type")})
        message = f"no trigger listens for events of type {self.event.get_type()!r}; nothing ran"
        if listened:
            return message + f" (triggers listen for: {', '.join(listened)})"
        if not triggers:
            return message + " (no triggers are deployed here: run `fnplan apply` first)"
        return message

    def run(self) -> list[TargetResult]:
        """Start every fired target (and the completion triggers they fire) to its end."""
        return self.dispatcher.run_all(self.firings)

    def to_json(self, results: list[TargetResult]) -> dict[str, Any]:
        """The event and its results as plain JSON (`emit --json`)."""
        from fnplan.events.cloudevent import envelope

        return {"event": envelope(self.event), "results": [r.to_json() for r in results]}


def emission(
    workspace: Workspace,
    event_type: str,
    data_text: str,
    source: str,
    on_notice: Callable[[str], None],
) -> Emission:
    """A new event of `event_type` whose data is JSON text or @FILE (relative to the project),
    checked against the schema of the event block that declares the type."""
    from fnplan.events.cloudevent import check_data, new_event, read_data
    from fnplan.events.deployments import event_providers
    from fnplan.events.dispatch import Dispatcher

    dispatcher = Dispatcher(event_providers(workspace), on_notice=on_notice)
    event = new_event(event_type, read_data(data_text, workspace.directory), source)
    check_data(event, dispatcher.event_types())
    return Emission(dispatcher, event, dispatcher.event_firings(event))


def serve_app(
    workspace: Workspace, *, report: Callable[[str], None], wait: float, dedup_window: float
) -> ServeApp:
    """The application `fnplan serve` runs: the deployed triggers' schedules and routes."""
    from fnplan.events.deployments import event_providers
    from fnplan.events.server import ServeApp

    providers = event_providers(workspace)
    return ServeApp(providers, report=report, wait=wait, dedup_window=dedup_window)
