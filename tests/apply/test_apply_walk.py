"""apply_plan through the in-memory provider: order, failures, journal, replacement, scale."""

from __future__ import annotations

from pathlib import Path

from fnplan.apply.walk import ApplyEvent, apply_plan
from fnplan.plan.planner import make_plan
from fnplan.resources import Resource
from fnplan.state.local import LocalBackend
from fnplan.state.model import State
from tests.plan.helpers import ListJournal, desired, res
from tests.plan.memory import MemoryProvider

PROVIDERS = {"memory": MemoryProvider()}
RUNTIME = res("runtime.python", language="python3.12")
RESIZE = res("function.resize", ("runtime.python",), name="resize", memory=128)
FETCH = res("function.fetch", ("runtime.python",), name="fetch")
FLOW = res("workflow.thumbnail", ("function.resize", "function.fetch"), name="thumbnail")
LONER = res("event.uploaded", type="com.example.uploaded")
ALL = (RUNTIME, RESIZE, FETCH, FLOW, LONER)


def _deploy(provider: MemoryProvider, *resources: Resource, state: State | None = None) -> State:
    state = state or State()
    plan = make_plan(desired(*resources), state, providers=PROVIDERS)
    result = apply_plan(plan, state, {"memory": provider}, ListJournal())
    assert result.ok, result.failed
    return result.state


def _position(calls: list[tuple[str, str]], call: tuple[str, str]) -> int:
    return calls.index(call)


def test_creates_follow_dependencies_and_record_state_and_outputs() -> None:
    provider = MemoryProvider()
    events: list[ApplyEvent] = []
    want = desired(*ALL, outputs={"flow": {"$ref": "workflow.thumbnail", "attr": "endpoint"}})
    plan = make_plan(want, State())
    result = apply_plan(
        plan, State(), {"memory": provider}, ListJournal(), parallelism=4, on_event=events.append
    )
    assert result.ok and result.added == 5
    calls = provider.calls
    assert _position(calls, ("create", "runtime.python")) < _position(
        calls, ("create", "function.resize")
    )
    assert _position(calls, ("create", "function.fetch")) < _position(
        calls, ("create", "workflow.thumbnail")
    )
    record = result.state.resources["workflow.thumbnail"]
    assert record.dependencies == ["function.resize", "function.fetch"]
    assert record.attributes == FLOW.attributes and record.outputs["id"].startswith("obj-")
    assert result.state.outputs["flow"].value == record.outputs["endpoint"]
    assert [e.phase for e in events].count("start") == 5 and [e.phase for e in events].count(
        "done"
    ) == 5


def test_partial_failure_skips_dependents_finishes_the_rest_and_journals(tmp_path: Path) -> None:
    provider = MemoryProvider()
    provider.fail_on.add(("create", "function.resize"))
    backend = LocalBackend(tmp_path / "state.json")
    state = backend.read()
    journal = backend.journal(state)
    events: list[ApplyEvent] = []
    result = apply_plan(
        make_plan(desired(*ALL), state),
        state,
        {"memory": provider},
        journal,
        on_event=events.append,
    )
    journal.close()
    assert result.failed == [("function.resize", "simulated create failure")]
    assert result.skipped == ["workflow.thumbnail"]
    assert set(result.state.resources) == {"runtime.python", "function.fetch", "event.uploaded"}
    assert ("create", "workflow.thumbnail") not in provider.calls
    assert ("workflow.thumbnail", "skipped") in {(e.address, e.phase) for e in events}
    # the journal holds every completed result: reading the state replays it
    replayed = backend.read()
    assert set(replayed.resources) == set(result.state.resources)
    assert replayed.resources["function.fetch"] == result.state.resources["function.fetch"]


def test_destroy_deletes_dependents_first() -> None:
    provider = MemoryProvider()
    state = _deploy(provider, *ALL)
    provider.calls.clear()
    plan = make_plan(desired(*ALL), state, destroy=True)
    result = apply_plan(plan, state, {"memory": provider}, ListJournal(), parallelism=8)
    assert result.ok and result.destroyed == 5 and result.state.resources == {}
    calls = provider.calls
    assert _position(calls, ("delete", "workflow.thumbnail")) < _position(
        calls, ("delete", "function.resize")
    )
    assert _position(calls, ("delete", "function.resize")) < _position(
        calls, ("delete", "runtime.python")
    )
    assert provider.objects == {}


def test_create_before_destroy_replacement_order() -> None:
    provider = MemoryProvider()
    state = _deploy(provider, *ALL)
    provider.calls.clear()
    runtime = res("runtime.python", language="python3.13")
    resize = res("function.resize", ("runtime.python",), name="resize", memory=256)
    plan = make_plan(desired(runtime, resize, FETCH, FLOW, LONER), state, providers=PROVIDERS)
    assert {c.address: c.create_before_destroy for c in plan.changes if c.action == "replace"} == {
        "runtime.python": True
    }
    result = apply_plan(plan, state, {"memory": provider}, ListJournal())
    assert result.ok
    calls = provider.calls
    # the new runtime exists before anything moves to it; the old one goes after its users updated
    assert calls[0] == ("create", "runtime.python")
    assert _position(calls, ("update", "function.resize")) < _position(
        calls, ("delete", "runtime.python")
    )
    assert provider.live("runtime.python") == [{"language": "python3.13"}]
    assert result.state.resources["runtime.python"].attributes == {"language": "python3.13"}
    assert result.added == 1 and result.destroyed == 1 and result.changed == 1


def test_replacement_without_dependents_deletes_first() -> None:
    provider = MemoryProvider()
    state = _deploy(provider, RUNTIME, RESIZE)
    provider.calls.clear()
    renamed = res("function.resize", ("runtime.python",), name="resize2", memory=128)
    plan = make_plan(desired(RUNTIME, renamed), state, providers=PROVIDERS)
    result = apply_plan(plan, state, {"memory": provider}, ListJournal())
    assert result.ok
    assert provider.calls == [("delete", "function.resize"), ("create", "function.resize")]
    assert provider.live("function.resize") == [renamed.attributes]


def test_failed_create_before_destroy_keeps_the_old_object() -> None:
    provider = MemoryProvider()
    state = _deploy(provider, RUNTIME, RESIZE)
    provider.fail_on.add(("create", "runtime.python"))
    runtime = res("runtime.python", language="python3.13")
    plan = make_plan(desired(runtime, RESIZE), state, providers=PROVIDERS)
    result = apply_plan(plan, state, {"memory": provider}, ListJournal())
    assert result.failed == [("runtime.python", "simulated create failure")]
    assert result.state.resources["runtime.python"] == state.resources["runtime.python"]
    assert provider.live("runtime.python") == [RUNTIME.attributes]


def test_journal_records_intent_before_and_result_after_each_call() -> None:
    provider = MemoryProvider()
    journal = ListJournal()
    apply_plan(make_plan(desired(RUNTIME), State()), State(), {"memory": provider}, journal)
    assert [(kind, address) for kind, address, _ in journal.records] == [
        ("intend", "runtime.python"),
        ("done", "runtime.python"),
    ]


def test_1100_creates_all_apply() -> None:
    """Its speed is measured by benchmarks/components.py (apply_create)."""
    provider = MemoryProvider()
    resources = [RUNTIME] + [
        res(f"function.f{i}", ("runtime.python",), name=f"f{i}", memory=128) for i in range(1099)
    ]
    plan = make_plan(desired(*resources), State())
    result = apply_plan(plan, State(), {"memory": provider}, ListJournal(), parallelism=10)
    assert result.ok and result.added == 1100
    assert set(result.state.resources) == {r.address for r in resources}


def test_apply_fills_output_placeholders_from_state() -> None:
    provider = MemoryProvider()
    state = _deploy(provider, RUNTIME)
    want = desired(
        RUNTIME,
        outputs={
            "ids": [
                {"$ref": "runtime.python", "attr": "id"},
                {"$ref": "function.gone", "attr": "id"},
            ],
            "all": {"$ref": "runtime.python"},
        },
    )
    plan = make_plan(want, state)
    outputs = apply_plan(plan, state, {"memory": provider}, ListJournal()).state.outputs
    record = state.resources["runtime.python"]
    assert outputs["ids"].value == [record.outputs["id"], None]
    assert outputs["all"].value == record.outputs


def test_dependency_removed_is_deleted_after_its_former_user_is_updated() -> None:
    provider = MemoryProvider()
    state = _deploy(provider, RUNTIME, RESIZE)
    provider.calls.clear()
    standalone = res("function.resize", name="resize", memory=256)
    result = apply_plan(
        make_plan(desired(standalone), state), state, {"memory": provider}, ListJournal()
    )
    assert result.ok
    assert provider.calls == [("update", "function.resize"), ("delete", "runtime.python")]
    assert result.state.resources["function.resize"].dependencies == []
