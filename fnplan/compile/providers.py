"""Which provider configuration each resource is deployed with.

A workflow goes to its first `targets` entry (several targets are future work), else to the
default provider: the only configured non-local provider when exactly one is configured, else
"local". A function goes where the workflows calling it go (a shared function called from
workflows on different providers is an error: make those workflows dedicated); a function no
workflow calls goes to the default. A runtime goes where its functions go when they agree,
else to the default. Events go to the default; triggers go with their target.
"""

from __future__ import annotations

from fnplan.compile.index import Entry, to_pos
from fnplan.config.model import Config, Workflow
from fnplan.errors import ConfigError


def default_provider(root: Config) -> str:
    """The only configured non-local provider, else "local"."""
    remote = [address for address, block in root.providers.items() if block.name != "local"]
    return remote[0] if len(remote) == 1 else "local"


def workflow_provider(entry: Entry[Workflow], root: Config, default: str) -> str:
    """The provider a workflow is deployed to (its first target)."""
    targets = entry.block.targets
    if not targets:
        return default
    ref = targets[0]
    address = ref.address.removeprefix("provider.")
    if address != "local" and address not in root.providers:
        raise ConfigError(
            f"{entry.address} targets {ref.address!r}, which has no provider block",
            pos=to_pos(ref.pos or entry.block.pos_of("targets")),
            allowed=["provider.local", *(f"provider.{a}" for a in root.providers)],
            hint=f'add `provider "{address.split(".")[0]}" {{ ... }}` to the root module',
        )
    return address


def function_provider(
    address: str, users: set[str], workflow_providers: dict[str, str], default: str, pos: str | None
) -> str:
    """The provider of a shared function: the one its calling workflows agree on."""
    found = {workflow_providers[user] for user in users}
    if len(found) > 1:
        raise ConfigError(
            f"the shared function {address} is called from workflows on different providers "
            f"({', '.join(sorted(found))}): " + ", ".join(sorted(users)),
            pos=to_pos(pos),
            hint='set isolation = "dedicated" on those workflows so each gets its own copy',
        )
    return found.pop() if found else default


def agreed(providers: set[str], default: str) -> str:
    """The single provider in `providers`, else the default."""
    return next(iter(providers)) if len(providers) == 1 else default
