"""operations/batch_get_item.py: the response-size limit turns the rest into UnprocessedKeys."""

from __future__ import annotations

import dataclasses
from typing import Any

from serverlite.dynamodb.operations import batch_get_item, create_table, put_item
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.storage.database import Database, open_database

ENVIRONMENT = Environment(
    region="us-east-1", account_id="123456789012", clock=lambda: 0.0, new_id=lambda: "id"
)


def _table(database: Database, name: str) -> None:
    request = create_table.validate(
        {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        }
    )
    create_table.execute(request, database, ENVIRONMENT)
    for letter in "abc":
        item = {"pk": {"S": letter}, "data": {"S": "x" * 100}}
        put_item.execute(put_item.validate({"TableName": name, "Item": item}), database, ENVIRONMENT)


def _request(limit: int) -> Any:
    request = batch_get_item.validate(
        {
            "RequestItems": {
                "first": {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}], "ConsistentRead": True},
                "second": {"Keys": [{"pk": {"S": "c"}}], "ProjectionExpression": "pk"},
            }
        }
    )
    return dataclasses.replace(request, response_limit=limit)


def test_keys_past_the_response_limit_are_unprocessed() -> None:
    database = open_database(None)
    _table(database, "first")
    _table(database, "second")
    response = batch_get_item.execute(_request(150), database, ENVIRONMENT)
    assert [item["pk"] for item in response["Responses"]["first"]] == [{"S": "a"}]
    assert response["Responses"]["second"] == []
    assert response["UnprocessedKeys"] == {
        "first": {"Keys": [{"pk": {"S": "b"}}], "ConsistentRead": True},
        "second": {"Keys": [{"pk": {"S": "c"}}], "ProjectionExpression": "pk"},
    }


def test_everything_fits_under_the_default_limit() -> None:
    database = open_database(None)
    _table(database, "first")
    _table(database, "second")
    response = batch_get_item.execute(_request(batch_get_item.RESPONSE_LIMIT), database, ENVIRONMENT)
    assert response["Responses"]["second"] == [{"pk": {"S": "c"}}]
    assert response["UnprocessedKeys"] == {}
