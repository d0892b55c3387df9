"""`fnplan import ADDRESS ID`: adopt an existing object into the state at once (an `import`
block does the same through a reviewed plan; fnplan.plan.imports has both)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fnplan.state.model import ResourceState
    from fnplan.workspace import Workspace


def import_object(workspace: Workspace, address: str, id: str) -> ResourceState:
    """Record the object `id` under `address`, which the configuration must declare and the
    state must not record yet; the state lock is held throughout."""
    from fnplan.operations import session
    from fnplan.plan.imports import check_importable, imported_record
    from fnplan.provider import close_providers

    with session(workspace, "import") as opened:
        state = opened.backend.read()
        desired = opened.desired(state)
        resource = check_importable(desired, state, address)
        providers = workspace.providers(desired.providers, {resource.provider}, state)
        try:
            record = imported_record(providers[resource.provider], resource, id)
        finally:
            close_providers(providers.values())
        state.resources[address] = record
        opened.backend.write(state)
        return record
