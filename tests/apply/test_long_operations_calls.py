"""ProviderCalls and the per-call context: timeouts (default, provider's, user's), the
deadline and cancellation a provider sees through current_call(), durations, and a refresh
that stops without waiting for stuck observes."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from fnplan.apply.calls import DEFAULT_TIMEOUTS, ProviderCalls, parse_duration
from fnplan.apply.walk import apply_plan
from fnplan.errors import CallCancelled, FnplanError
from fnplan.plan.planner import make_plan
from fnplan.plan.refresh import refresh
from fnplan.provider import Call, Provider, ProviderContext, current_call
from fnplan.state.model import State
from tests.apply.longops_provider import BEHAVIOUR_ENV, LongOpsProvider
from tests.plan.helpers import ListJournal, desired, res
from tests.plan.memory import MemoryProvider


class _Slow(MemoryProvider):
    """Declares its own create timeout."""

    timeouts: ClassVar[dict[str, float]] = {"create": 0.2}


def test_timeouts_come_from_the_user_the_provider_or_the_defaults() -> None:
    assert ProviderCalls().timeout_for(MemoryProvider(), "observe") == DEFAULT_TIMEOUTS["observe"]
    assert ProviderCalls().timeout_for(_Slow(), "create") == 0.2
    assert ProviderCalls().timeout_for(_Slow(), "delete") == DEFAULT_TIMEOUTS["delete"]
    assert ProviderCalls(timeout=7).timeout_for(_Slow(), "create") == 7


def test_a_call_sees_its_context_and_outside_the_engine_a_detached_one() -> None:
    seen: list[Call] = []

    def create() -> int:
        seen.append(current_call())
        return 1

    assert ProviderCalls(timeout=30).call(MemoryProvider(), "create", "function.x", create) == 1
    call = seen[0]
    assert (call.operation, call.address, call.timeout) == ("create", "function.x", 30)
    remaining = call.remaining()
    assert remaining is not None and 0 < remaining <= 30
    detached = current_call()
    assert detached is not call and detached.remaining() is None and not detached.cancelled()
    detached.progress("nobody listens")  # harmless outside the engine


def test_a_call_that_outlasts_its_timeout_raises_and_is_told_to_stop() -> None:
    entered, noticed = threading.Event(), threading.Event()

    def stuck() -> None:
        call = current_call()
        call.progress("waiting for function Active")
        entered.set()
        while not call.wait(0.01):
            pass
        noticed.set()  # the deadline passed: a cooperative provider stops here
        call.check_cancelled()

    started = time.monotonic()
    with pytest.raises(CallCancelled) as caught:
        ProviderCalls().call(_Slow(), "create", "function.x", stuck)
    assert time.monotonic() - started < 5
    assert caught.value.message == (
        "timed out after 200ms waiting for create of function.x "
        "(last progress: waiting for function Active)"
    )
    assert entered.is_set() and noticed.wait(5)


def test_cancel_stops_new_calls_tells_running_ones_and_frees_read_only_callers() -> None:
    calls = ProviderCalls(timeout=30)
    entered = threading.Event()
    seen: list[Call] = []

    def observe() -> None:
        seen.append(current_call())
        entered.set()
        time.sleep(30)  # a stuck read: its caller must not wait for it

    outcome: list[BaseException] = []

    def caller() -> None:
        try:
            calls.call(MemoryProvider(), "observe", "function.x", observe, read_only=True)
        except CallCancelled as error:
            outcome.append(error)

    thread = threading.Thread(target=caller)
    thread.start()
    assert entered.wait(5)
    calls.cancel("the refresh was stopped")
    thread.join(5)
    assert not thread.is_alive() and "stopped: the refresh was stopped" in str(outcome[0])
    assert seen[0].cancelled() and seen[0].reason == "the refresh was stopped"
    with pytest.raises(CallCancelled, match=r"create of function\.y not started"):
        calls.call(MemoryProvider(), "create", "function.y", lambda: None)


def test_a_providers_own_error_reaches_the_caller() -> None:
    def fails() -> Any:
        raise FnplanError("quota exceeded")

    with pytest.raises(FnplanError, match="quota exceeded"):
        ProviderCalls().call(MemoryProvider(), "create", "function.x", fails)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90.0), ("45s", 45.0), ("10m", 600.0), ("1h30m", 5400.0), ("500ms", 0.5), ("1.5s", 1.5)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "10 minutes", "0", "5x"])
def test_bad_durations_say_what_is_allowed(text: str) -> None:
    with pytest.raises(FnplanError, match="invalid duration"):
        parse_duration(text)


def test_a_refresh_stopped_while_settling_does_not_wait_for_running_observes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = LongOpsProvider(ProviderContext(tmp_path, tmp_path / ".fnplan"))
    providers: dict[str, Provider] = {"longops": provider}
    resources = [
        res(f"function.{n}", name=n).model_copy(update={"provider": "longops"}) for n in ("a", "b")
    ]
    state = apply_plan(make_plan(desired(*resources), State()), State(), providers, ListJournal())
    monkeypatch.setenv(BEHAVIOUR_ENV, "observe:function.b=hang")

    def interrupted(address: str) -> None:  # as Ctrl-C would, while a result is settled
        raise KeyboardInterrupt

    # the stuck observe is the first record: the others are settled as they finish, not after it
    records = sorted(state.state.resources.items(), key=lambda item: item[0] != "function.b")
    stuck_first = state.state.model_copy(update={"resources": dict(records)})
    before = set(threading.enumerate())
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt) as caught:
            refresh(stuck_first, providers, on_progress=interrupted)
        assert time.monotonic() - started < 10, "the stuck observe was waited for"
        # while the exception (and so the refresh's frame) is still held, as the CLI holds it
        # until it exits, the refresh's worker threads are gone (the interpreter would wait)
        workers = [t for t in set(threading.enumerate()) - before if not t.daemon]
        assert caught.value is not None and not [t for t in workers if t.is_alive()], workers
    finally:
        (tmp_path / ".fnplan" / "longops" / "release").touch()
