"""Fixtures for the AWS provider's tests: a moto server per session (credentials for it in
the environment), and the executor's worker pool for comparisons with local runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.aws_endpoint import moto_server
from tests.run.conftest import pool

__all__ = ["aws_endpoint", "pool"]


@pytest.fixture(scope="session")
def aws_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint
