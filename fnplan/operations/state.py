"""Reading and editing the recorded state (`state list|show|rm|mv|pull`, `output`, `show`,
`force-unlock`): only the backend block is read, so a mistake elsewhere in the configuration
never keeps anyone from inspecting or fixing the state; edits hold the state lock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from fnplan.errors import FnplanError, StateError, did_you_mean

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
    """Rename a recorded resource (and the copies it owns) without redeploying; refused for
    objects their provider stores under their address."""
    from fnplan.state.ops import move as moved

    def checked(state: State) -> State:
        refuse_address_keyed(state, source, destination)
        return moved(state, source, destination)

    _edit(workspace, "state mv", checked)


def refuse_address_keyed(state: State, source: str, destination: str) -> None:
    """A provider that stores objects under their address cannot follow a moved record: the
    record would point at nothing and the old object would be left behind, unmanaged."""
    from fnplan.provider import keyed_by_address
    from fnplan.state.ops import records_under

    for record in records_under(state, source):
        if keyed_by_address(record.provider):
            raise StateError(
                f"cannot move {record.address}: the {record.provider} provider stores it "
                "under its address, so the moved record would point at nothing",
                hint=f"rename the block in the configuration and apply: fnplan creates "
                f"{destination} and removes {source}",
            )


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
