"""Fixtures: the real DynamoDB server in a subprocess on a free port, and a boto3 client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.functional.dynamodb.dynamodb_server import ServerProcess, make_client, start_server, stop_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the whole session."""
    running = start_server(tmp_path_factory.mktemp("dynamodb"))
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def client(server: ServerProcess) -> Any:
    """A boto3 client bound to the session server."""
    return make_client(server.endpoint)
