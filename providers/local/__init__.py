"""The local provider: deploys and runs everything on this machine, no cloud needed."""

from .provider import LocalProvider

__all__ = ["LocalProvider"]
