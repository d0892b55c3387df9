"""The "deliver-events" capability of the local provider: what `fnplan emit` and `serve` fire."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.addresses import kind_of
from fnplan.errors import ProviderError

from .store import LocalStore

if TYPE_CHECKING:
    from fnplan.provider import ProviderContext


class LocalDelivery:
    """Triggers and event types registered under this workspace's data directory."""

    context: ProviderContext

    def triggers(self) -> list[dict[str, Any]]:
        """Every registered trigger: its attributes plus "address", sorted by address."""
        return LocalStore(self.context.data_dir, self.context.alias).triggers()

    def event_types(self) -> dict[str, dict[str, Any]]:
        """Registered event types: type -> {"address", "name", "type", "schema", "source"}."""
        return LocalStore(self.context.data_dir, self.context.alias).events()

    def input_schema(self, address: str) -> dict[str, Any] | None:
        """The input schema of the deployed workflow or (latest) function `address`."""
        store = LocalStore(self.context.data_dir, self.context.alias)
        kind = kind_of(address)  # module.M.function.NAME[local.b] -> "function"
        if kind == "function":
            return store.latest_function_version(address).input_schema
        if kind == "workflow":
            return store.workflow_document(address).input_schema
        raise ProviderError(f"{address} is neither a workflow nor a function")
