"""fnplan.operations.events: an emitted event runs the triggers listening for it, in this
process, through the provider's deliver-events capability."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.errors import FnplanError
from fnplan.operations import events
from tests.operations.conftest import deployed_minimal

EVENT_AND_TRIGGER = """
event "greeted" {
  type = "com.example.greeted"
}

trigger "on_greeted" {
  event  = event.greeted
  target = workflow.hello
  input  = { name = input.who }
}

trigger "nightly" {
  schedule = "0 2 * * *"
  target   = workflow.hello
  input    = { name = "night" }
}
"""


def test_an_emitted_event_runs_its_trigger(tmp_path: Path) -> None:
    workspace = deployed_minimal(tmp_path, extra=EVENT_AND_TRIGGER)
    notices: list[str] = []
    emitted = events.emission(
        workspace, "com.example.greeted", '{"who": "ada"}', "test://", notices.append
    )
    assert emitted.unheard() is None
    assert [firing.trigger for firing in emitted.firings] == ["trigger.on_greeted"]
    (result,) = emitted.run()
    assert (result.status, result.output) == ("succeeded", {"greeting": "Hello, ada!"})
    document = emitted.to_json([result])
    assert document["event"]["type"] == "com.example.greeted"
    assert document["event"]["data"] == {"who": "ada"}
    assert document["results"][0]["trigger"] == "trigger.on_greeted"
    assert notices == []


def test_an_event_nobody_listens_for(tmp_path: Path) -> None:
    workspace = deployed_minimal(tmp_path, extra=EVENT_AND_TRIGGER)
    emitted = events.emission(workspace, "com.example.other", "null", "test://", print)
    assert emitted.firings == [] and emitted.run() == []
    assert emitted.unheard() == (
        "no trigger listens for events of type 'com.example.other'; nothing ran "
        "(triggers listen for: com.example.greeted)"
    )
    bare = deployed_minimal(tmp_path / "bare")
    unheard = events.emission(bare, "com.example.other", "null", "test://", print).unheard()
    assert unheard is not None and unheard.endswith(
        "(no triggers are deployed here: run `fnplan apply` first)"
    )
    with pytest.raises(FnplanError, match="JSON"):
        events.emission(workspace, "com.example.greeted", "{not json", "test://", print)


def test_serve_app_knows_the_schedules(tmp_path: Path) -> None:
    workspace = deployed_minimal(tmp_path, extra=EVENT_AND_TRIGGER)
    app = events.serve_app(workspace, report=print, wait=1.0, dedup_window=0.0)
    try:
        assert [entry.address for entry in app.schedule] == ["trigger.nightly"]
    finally:
        app.close()
