"""The thread contract: a provider that declares `threaded = False` is never called
concurrently, even when a threaded provider in the same apply gets a pool of workers."""

from __future__ import annotations

from pathlib import Path

from fnplan.apply.walk import apply_plan
from fnplan.plan.planner import make_plan
from fnplan.plan.refresh import refresh
from fnplan.provider import Provider, ProviderContext
from fnplan.resources import Resource
from fnplan.state.model import State
from tests.apply.longops_provider import LongOpsProvider, SerialLongOpsProvider
from tests.plan.helpers import ListJournal, desired, res

COUNT = 12


def _functions(provider: str) -> list[Resource]:
    return [
        res(f"function.{provider}{i}", name=f"{provider}{i}").model_copy(
            update={"provider": provider}
        )
        for i in range(COUNT)
    ]


def _providers(tmp_path: Path) -> tuple[LongOpsProvider, SerialLongOpsProvider]:
    context = ProviderContext(tmp_path, tmp_path / ".fnplan")
    threaded, serial = LongOpsProvider(context), SerialLongOpsProvider(context)
    threaded.overlap, threaded.overlap_wait = 2, 0.5  # each waits (bounded) for a second one
    serial.overlap, serial.overlap_wait = 2, 0.05  # a serial call lingers a little, so that
    # concurrent calls, were there any, would overlap
    return threaded, serial


def test_apply_never_calls_a_serial_provider_concurrently(tmp_path: Path) -> None:
    threaded, serial = _providers(tmp_path)
    providers: dict[str, Provider] = {"longops": threaded, "longops_serial": serial}
    resources = _functions("longops") + _functions("longops_serial")
    plan = make_plan(desired(*resources), State())
    result = apply_plan(plan, State(), providers, ListJournal(), parallelism=8)
    assert result.ok, result.failed
    assert result.added == 2 * COUNT
    assert serial.max_running == 1
    assert threaded.max_running > 1


def test_refresh_never_observes_a_serial_provider_concurrently(tmp_path: Path) -> None:
    threaded, serial = _providers(tmp_path)
    providers: dict[str, Provider] = {"longops": threaded, "longops_serial": serial}
    resources = _functions("longops") + _functions("longops_serial")
    applied = apply_plan(make_plan(desired(*resources), State()), State(), providers, ListJournal())
    threaded.max_running = serial.max_running = 0
    refreshed, drift = refresh(applied.state, providers, parallelism=8)
    assert not drift and set(refreshed.resources) == set(applied.state.resources)
    assert serial.max_running == 1
    assert threaded.max_running > 1
