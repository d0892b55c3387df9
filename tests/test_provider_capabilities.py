"""Capabilities are declared by name on the provider class, and asked for by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from fnplan.errors import FnplanError, ProviderError
from fnplan.provider import (
    DELIVER_EVENTS,
    INVOKE_FUNCTION,
    RENDER,
    ROLLOUTS,
    RUN_HISTORY,
    RUN_WORKFLOW,
    EventDelivery,
    ProviderContext,
    capability,
    check_capabilities,
    has_capability,
    provider_class,
)
from tests.plan.memory import MemoryProvider


def test_local_declares_what_it_implements(tmp_path: Path) -> None:
    local = provider_class("local")(ProviderContext(tmp_path, tmp_path / ".fnplan"))
    assert local.capabilities == {
        "run-workflow",
        "invoke-function",
        "deliver-events",
        "run-history",
        "render",
    }
    assert capability(local, RUN_WORKFLOW) is local
    assert capability(local, INVOKE_FUNCTION) is local
    assert capability(local, RUN_HISTORY) is local
    assert capability(local, RENDER) is local
    events: EventDelivery = capability(local, DELIVER_EVENTS)
    assert events.triggers() == [] and events.event_types() == {}
    assert not has_capability(local, ROLLOUTS)


def test_a_missing_capability_is_a_clean_error_naming_what_it_can_do(tmp_path: Path) -> None:
    local = provider_class("local")(ProviderContext(tmp_path, tmp_path / ".fnplan"))
    with pytest.raises(FnplanError) as caught:
        capability(local, ROLLOUTS, "local.dev")
    assert caught.value.message == "provider local.dev cannot manage rollouts"
    assert caught.value.allowed == [
        "deliver-events",
        "invoke-function",
        "render",
        "run-history",
        "run-workflow",
    ]
    with pytest.raises(FnplanError, match="provider memory cannot run workflows"):
        capability(MemoryProvider(), RUN_WORKFLOW)


class _Claims(MemoryProvider):
    """Declares a capability without its methods: a provider bug, not found by getattr."""

    capabilities: ClassVar[frozenset[str]] = frozenset({"run-workflow"})


class _Typo(MemoryProvider):
    capabilities: ClassVar[frozenset[str]] = frozenset({"run-workflows"})


class _Undeclared:
    name: ClassVar[str] = "undeclared"

    def run_workflow(self, address: str, input: Any, *, options: Any) -> Any:
        return None  # a method alone does not make a capability


def test_declarations_are_checked() -> None:
    with pytest.raises(ProviderError, match="declares 'run-workflow' but does not implement"):
        capability(_Claims(), RUN_WORKFLOW)
    with pytest.raises(ProviderError, match="unknown capabilities: run-workflows"):
        check_capabilities(_Typo)
    with pytest.raises(ProviderError, match="declares no `capabilities`"):
        check_capabilities(_Undeclared)  # type: ignore[arg-type]
