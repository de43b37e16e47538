"""Suite-wide: no DynamoDB request of any test may be answered 500 (tests/server_errors.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import server_errors

pytest_plugins = ["pytester"]


def pytest_configure(config: pytest.Config) -> None:
    server_errors.configure(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    server_errors.unconfigure(config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    server_errors.session_finish(session)


@pytest.fixture(autouse=True)
def _no_dynamodb_500(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test: no DynamoDB server answered 500 while it ran."""
    yield from server_errors.no_dynamodb_500(request)
