"""Reading and editing the recorded state (`state list|show|rm|mv|pull`, `output`, `show`,
`force-unlock`): only the backend block is read, so a mistake elsewhere in the configuration
never keeps anyone from inspecting or fixing the state; edits hold the state lock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from fnplan.errors import FnplanError, did_you_mean

if TYPE_CHECKING:
    from fnplan.state.lock import LockInfo
    from fnplan.state.model import OutputValue, ResourceState, State
    from fnplan.workspace import Workspace


def read(workspace: Workspace) -> State:
    """The selected workspace's state, as recorded."""
    return workspace.state_backend().read()


def addresses(workspace: Workspace, patterns: Sequence[str] = ()) -> list[str]:
    """Recorded addresses, optionally filtered by glob patterns."""
    from fnplan.state.ops import list_addresses

    return list_addresses(read(workspace), patterns)


def shown_resource(workspace: Workspace, address: str) -> ResourceState:
    """One recorded resource with its sensitive values hidden."""
    from fnplan.plan.redact import hidden_resource
    from fnplan.state.ops import show_resource

    state = read(workspace)
    return hidden_resource(show_resource(state, address), state.redact)


def remove(workspace: Workspace, names: Sequence[str]) -> None:
    """Forget resources (and the copies they own) without deleting them."""
    from fnplan.state.ops import remove as removed

    _edit(workspace, "state rm", lambda state: removed(state, names))


def move(workspace: Workspace, source: str, destination: str) -> None:
    """Rename a recorded resource (and the copies it owns) without redeploying: each
    object's provider moves it too (`Provider.move`; an object stored under its address is
    renamed), journaled like an apply. The providers are configured by the configuration."""
    from fnplan.apply.moves import move_records
    from fnplan.provider import close_providers
    from fnplan.state.ops import move as moved

    backend = workspace.state_backend()
    with backend.lock("state mv"):
        state = backend.read()
        moved(state, source, destination)  # refused (unknown, clash, type) before any call
        configs = {address: block.config for address, block in workspace.load().providers.items()}
        providers = workspace.providers(configs, set(), state)
        journal = backend.journal(state)
        try:
            backend.write(move_records(state, source, destination, providers, journal))
        finally:
            journal.close()
            close_providers(providers.values())


def force_unlock(workspace: Workspace, lock_id: str) -> LockInfo:
    """Remove the state lock `lock_id` (left by a crashed operation); who held it."""
    return workspace.state_backend().force_unlock(lock_id)


def outputs(workspace: Workspace) -> dict[str, OutputValue]:
    """The root outputs recorded by the last apply."""
    return read(workspace).outputs


def output(workspace: Workspace, name: str) -> OutputValue:
    """One recorded root output; a clean error naming the others when there is none."""
    found = outputs(workspace)
    if name not in found:
        raise FnplanError(
            f"no output named {name!r}", allowed=found, hint=did_you_mean(name, found)
        )
    return found[name]


def _edit(workspace: Workspace, operation: str, change: Callable[[State], State]) -> None:
    """Apply `change` to the state under the state lock and write the result."""
    backend = workspace.state_backend()
    with backend.lock(operation):
        backend.write(change(backend.read()))
