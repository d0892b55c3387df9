"""Which provider configuration is the default.

The default provider is the only configured non-local provider when exactly one is
configured, else "local". Where each block goes from there (its targets, the workflows that
call it) is fnplan.compile.targets.
"""

from __future__ import annotations

from fnplan.config.model import Config


def default_provider(root: Config) -> str:
    """The only configured non-local provider, else "local"."""
    remote = [address for address, block in root.providers.items() if block.name != "local"]
    return remote[0] if len(remote) == 1 else "local"
