"""Validation and compilation of an evaluated Config into desired provider resources."""

from fnplan.compile.compile import compile_config

__all__ = ["compile_config"]
