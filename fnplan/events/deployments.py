"""The providers that hold a workspace's deployed triggers and event types.

`fnplan emit` and `serve` deliver to these through their "deliver-events" capability; the
engine never reads a provider's own files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fnplan.provider import Provider
    from fnplan.workspace import Workspace

#: resource types whose provider must be asked for triggers and event types
EVENT_RESOURCES = frozenset({"trigger", "event"})


def event_providers(workspace: Workspace, *, capable_only: bool = False) -> dict[str, Provider]:
    """Provider address -> provider, for every provider the state records a trigger or an
    event type on (none before the first apply: then the configuration is not even read).

    capable_only  leave out providers that cannot deliver events (after `fnplan run`, whose
                  run must not fail for them), instead of letting the Dispatcher refuse them
    """
    from fnplan.config.discovery import config_file_names
    from fnplan.provider import DELIVER_EVENTS, has_capability, open_providers

    if workspace.directory.is_dir() and not config_file_names(workspace.directory):
        return {}  # no configuration: nothing was deployed from here
    state = workspace.state_backend().read()
    needed = {r.provider for r in state.resources.values() if r.type in EVENT_RESOURCES}
    if not needed:
        return {}
    config = workspace.load()
    configs = {address: block.config for address, block in config.providers.items()}
    providers = open_providers(configs, needed, workspace.directory)
    if capable_only:
        return {a: p for a, p in providers.items() if has_capability(p, DELIVER_EVENTS)}
    return providers
