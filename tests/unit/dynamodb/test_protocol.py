"""protocol.py: the socket-free core, with an injected clock and id generator."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from serverlite.dynamodb.protocol import DynamoDBServer
from serverlite.dynamodb.storage.database import open_database


@pytest.fixture()
def core() -> DynamoDBServer:
    return DynamoDBServer(
        open_database(None),
        region="eu-west-1",
        account_id="111122223333",
        clock=lambda: 1700000000.5,
        new_id=lambda: "table-id",
    )


def _call(core: DynamoDBServer, operation: str, request: Any) -> tuple[int, Any]:
    status, body = asyncio.run(core.handle(f"DynamoDB_20120810.{operation}", json.dumps(request).encode()))
    return status, json.loads(body)


def test_create_table_description_is_exact(core: DynamoDBServer) -> None:
    status, body = _call(
        core,
        "CreateTable",
        {
            "TableName": "Tab",
            "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 2},
        },
    )
    assert status == 200
    assert body == {
        "TableDescription": {
            "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "N"}],
            "TableName": "Tab",
            "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
            "TableStatus": "ACTIVE",
            "CreationDateTime": 1700000000.5,
            "ProvisionedThroughput": {
                "NumberOfDecreasesToday": 0,
                "ReadCapacityUnits": 1,
                "WriteCapacityUnits": 2,
            },
            "TableSizeBytes": 0,
            "ItemCount": 0,
            "TableArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/Tab",
            "TableId": "table-id",
            "DeletionProtectionEnabled": False,
        }
    }


@pytest.mark.dynamodb_500  # a closed database, on purpose
def test_unexpected_error_is_logged_500(core: DynamoDBServer, capsys: pytest.CaptureFixture[str]) -> None:
    core.database.close()
    status, body = _call(core, "ListTables", {})
    assert (status, body) == (
        500,
        {
            "__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "message": "Internal server error",
        },
    )
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize(
    "target", [None, "DynamoDB_20120810", "DynamoDB_20111205.ListTables", "Other.ListTables"]
)
def test_unknown_targets(core: DynamoDBServer, target: str | None) -> None:
    status, body = asyncio.run(core.handle(target, b"{}"))
    assert (status, body) == (400, b'{"__type":"com.amazon.coral.service#UnknownOperationException"}')


def test_empty_body_is_serialization_exception(core: DynamoDBServer) -> None:
    assert asyncio.run(core.handle("DynamoDB_20120810.ListTables", b"")) == (
        400,
        b'{"__type":"com.amazon.coral.service#SerializationException"}',
    )
