"""netsim: a provider that deploys to a simulated cloud with network-like behaviour, for
testing the engine and providers (docs/providers/netsim.md)."""

from .provider import NetsimProvider, cloud_objects, edit_object

__all__ = ["NetsimProvider", "cloud_objects", "edit_object"]
