"""`fnplan rollout status|promote|abort ADDRESS`: gradual rollouts of a deployed resource's new
version, through its provider's "rollouts" capability."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.errors import FnplanError, did_you_mean

if TYPE_CHECKING:
    from fnplan.provider import RolloutController
    from fnplan.state.model import ResourceState
    from fnplan.workspace import Workspace


def controller(workspace: Workspace, address: str) -> tuple[RolloutController, ResourceState]:
    """The rollouts capability of the provider that deployed `address` (which must be in the
    state), with its record: "provider X cannot manage rollouts", naming what it can do, when
    it has none."""
    from fnplan.operations.deployments import loaded, open_provider
    from fnplan.provider import ROLLOUTS, capability

    config, state = loaded(workspace)
    record = state.resources.get(address)
    if record is None:
        deployed = sorted(state.resources)
        raise FnplanError(
            f"{address} is not deployed: the state has no such resource",
            hint=did_you_mean(address, deployed) or "apply the configuration first: fnplan apply",
        )
    provider = open_provider(workspace, config, record.provider)
    return capability(provider, ROLLOUTS, record.provider), record


def status(workspace: Workspace, address: str) -> dict[str, Any]:
    """Where the rollout of `address` stands, as its provider reports it."""
    rollouts, deployed = controller(workspace, address)
    return rollouts.rollout_status(deployed)


def promote(workspace: Workspace, address: str) -> None:
    """Send all traffic to the new version now."""
    rollouts, deployed = controller(workspace, address)
    rollouts.promote_rollout(deployed)


def abort(workspace: Workspace, address: str) -> None:
    """Stop the rollout and send all traffic back to the old version."""
    rollouts, deployed = controller(workspace, address)
    rollouts.abort_rollout(deployed)
