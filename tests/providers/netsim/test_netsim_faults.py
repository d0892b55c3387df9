"""Fault rules: parsing, matching, and how each action meets the engine's call context."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fnplan.providers.netsim import NetsimProvider
from fnplan.providers.netsim.faults import Fault, parse_faults

from fnplan.errors import CallCancelled, ProviderError
from fnplan.provider import Call, ProviderContext
from fnplan.provider_call import run_in_call
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

EVENT = Resource(
    address="event.e",
    type="event",
    attributes={"name": "e", "type": "com.example.e", "schema": None, "source": None},
)


def test_rules_are_read_from_commas_newlines_and_comments() -> None:
    rules = parse_faults("delete:function.old=fail, create:function.*=slow:250\n# off\n*:x=hang")
    assert rules == [
        Fault("delete", "function.old", "fail"),
        Fault("create", "function.*", "slow", 250),
        Fault("*", "x", "hang"),
    ]
    assert rules[1].matches("create", "function.resize")
    assert not rules[1].matches("update", "function.resize")
    assert rules[2].matches("observe", "x")


@pytest.mark.parametrize("rule", ["create:x", "create=fail", "made:x=fail", "create:x=slow"])
def test_a_malformed_rule_names_itself(rule: str) -> None:
    with pytest.raises(ProviderError, match="netsim fault"):
        parse_faults(rule)


def provider(tmp_path: Path) -> NetsimProvider:
    return NetsimProvider(ProviderContext(project_dir=tmp_path, data_dir=tmp_path))


def test_the_faults_file_in_the_root_applies_at_the_next_call(tmp_path: Path) -> None:
    netsim = provider(tmp_path)
    netsim.root.mkdir(parents=True)
    (netsim.root / "faults").write_text("create:event.*=fail\n")
    with pytest.raises(ProviderError, match=r"event\.e: injected fault: create failed"):
        netsim.create(EVENT)
    (netsim.root / "faults").unlink()
    assert netsim.create(EVENT)["id"].startswith("ev-")


def test_slow_reports_progress_and_hang_stops_when_the_call_is_cancelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netsim = provider(tmp_path)
    said: list[str] = []
    monkeypatch.setenv("FNPLAN_NETSIM_FAULTS", "create:event.e=slow:10,delete:*=hang")
    call = Call("create", "event.e", on_progress=lambda _call, text: said.append(text))
    outputs = run_in_call(call, lambda: netsim.create(EVENT))
    assert said == ["slowed down by 10 ms (injected fault)"]

    hanging = Call("delete", "event.e")
    marker = netsim.root / "hanging-delete-event.e"
    threading.Thread(target=lambda: _cancel_when(marker, hanging), daemon=True).start()
    state = _state(outputs)
    with pytest.raises(CallCancelled, match="interrupted"):
        run_in_call(hanging, lambda: netsim.delete(state))


def _cancel_when(marker: Path, call: Call) -> None:
    """Cancel `call` once `marker` shows it is hanging (as Ctrl-C would); after 30 s
    without the marker, cancel it saying so."""
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    call.cancel("interrupted" if marker.exists() else "no hang marker")


def _state(outputs: dict[str, object]) -> ResourceState:
    return ResourceState(
        address="event.e",
        type="event",
        provider="netsim",
        attributes=EVENT.attributes,
        outputs=outputs,
    )
