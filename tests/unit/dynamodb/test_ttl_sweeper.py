"""ttl.py: the expiry rule and the batched sweep, on the socket-free core with a pinned clock."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from serverlite.dynamodb.protocol import DynamoDBServer
from serverlite.dynamodb.storage.database import open_database
from serverlite.dynamodb.ttl import FIVE_YEARS, TimeToLiveSweeper, is_expired

NOW = 1_700_000_000.0


@pytest.fixture()
def core() -> DynamoDBServer:
    return DynamoDBServer(
        open_database(None), region="us-east-1", account_id="123456789012", clock=lambda: NOW
    )


def _call(core: DynamoDBServer, operation: str, request: Any) -> Any:
    status, body = asyncio.run(core.handle(f"DynamoDB_20120810.{operation}", json.dumps(request).encode()))
    assert status == 200, body
    return json.loads(body)


def _table(core: DynamoDBServer, name: str, ttl: bool = True) -> None:
    _call(
        core,
        "CreateTable",
        {
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    if ttl:
        spec = {"Enabled": True, "AttributeName": "exp"}
        _call(core, "UpdateTimeToLive", {"TableName": name, "TimeToLiveSpecification": spec})


@pytest.mark.parametrize(
    ("value", "expired"),
    [
        ({"N": str(NOW - 1)}, True),
        ({"N": str(NOW - 0.5)}, True),
        ({"N": str(NOW)}, False),  # expires when now is greater than the value
        ({"N": str(NOW + 1)}, False),
        ({"N": str(NOW - FIVE_YEARS)}, True),
        ({"N": str(NOW - FIVE_YEARS - 1)}, False),  # over five years old: ignored by AWS
        ({"S": "1"}, False),
        ({"NS": ["1"]}, False),
    ],
)
def test_is_expired(value: dict[str, Any], expired: bool) -> None:
    assert is_expired({"exp": value}, "exp", NOW) is expired
    assert is_expired({}, "exp", NOW) is False


def test_sweep_in_batches_deletes_only_expired(core: DynamoDBServer) -> None:
    _table(core, "withttl")
    _table(core, "nottl", ttl=False)
    for number in range(25):
        exp = NOW - 10 if number % 2 == 0 else NOW + 10
        for table in ("withttl", "nottl"):
            _call(
                core,
                "PutItem",
                {"TableName": table, "Item": {"pk": {"N": str(number)}, "exp": {"N": str(exp)}}},
            )
    sweeper = TimeToLiveSweeper(core.database, clock=lambda: NOW, batch_size=4)
    batches = list(sweeper._batches())  # noqa: SLF001 - the batching itself is under test
    assert len(batches) == 7 and sum(batches) == 13
    assert core.database.items.count("withttl") == 12
    assert core.database.items.count("nottl") == 25
    assert sweeper.sweep_once() == 0


def test_sweep_forgets_deleted_tables(core: DynamoDBServer) -> None:
    _table(core, "gone")
    _call(core, "DeleteTable", {"TableName": "gone"})
    assert TimeToLiveSweeper(core.database, clock=lambda: NOW).sweep_once() == 0
    _table(core, "gone", ttl=False)
    answer = _call(core, "DescribeTimeToLive", {"TableName": "gone"})
    assert answer == {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}


def test_run_sweeps_periodically_and_survives_errors(
    core: DynamoDBServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _table(core, "periodic")
    _call(core, "PutItem", {"TableName": "periodic", "Item": {"pk": {"N": "1"}, "exp": {"N": str(NOW - 1)}}})
    calls = {"n": 0}

    def clock() -> float:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("clock broke once")
        return NOW

    async def scenario() -> None:
        task = asyncio.create_task(TimeToLiveSweeper(core.database, clock=clock, interval=0.01).run())
        await asyncio.sleep(0.1)
        task.cancel()

    asyncio.run(scenario())
    assert core.database.items.count("periodic") == 0
    assert "clock broke once" in capsys.readouterr().err
