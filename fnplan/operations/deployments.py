"""What commands about deployed objects share: the configuration with its state, and the one
configured provider instance that holds an address."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fnplan.config.model import Config
    from fnplan.provider import Provider
    from fnplan.state.model import State
    from fnplan.workspace import Workspace


def loaded(workspace: Workspace) -> tuple[Config, State]:
    """The evaluated configuration (for its provider blocks) and the selected workspace's
    state."""
    config = workspace.load()
    return config, workspace.backend(config.backend).read()


def open_provider(workspace: Workspace, config: Config, address: str) -> Provider:
    """The provider at `address` ("local", "aws.west"), configured from its block."""
    from fnplan.provider import open_providers

    configs = {name: block.config for name, block in config.providers.items()}
    return open_providers(configs, {address}, workspace.directory)[address]
