"""Fixtures for the AWS provider's tests: the executor's worker pool for the local side."""

from tests.run.conftest import pool

__all__ = ["pool"]
