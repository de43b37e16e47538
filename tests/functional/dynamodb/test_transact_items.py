"""TransactGetItems and TransactWriteItems through boto3 against the real server.

Expected messages and reason shapes: nubo-db/dynamodb-conformance
tests/tier3/error-messages/transactWriteItems.test.ts, transactGetItems.test.ts and
conditionalCheck.test.ts (captured from AWS); the raw body shape from aws/aws-sdk-net#1292.
"""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.functional.dynamodb.dynamodb_server import ServerProcess

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons "
FAILED = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}


@pytest.fixture()
def table(client: Any) -> str:
    """A fresh table with hash key pk (S), holding pk=old."""
    name = f"Txn-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    client.put_item(TableName=name, Item={"pk": {"S": "old"}, "n": {"N": "1"}})
    return name


def _key(value: str) -> dict[str, Any]:
    return {"pk": {"S": value}}


def _get(client: Any, table: str, value: str) -> Any:
    return client.get_item(TableName=table, Key=_key(value)).get("Item")


def _cancelled(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int, Any]:
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response.get("CancellationReasons"),
    )


def test_write_put_update_delete_condition_check_atomically(client: Any, table: str) -> None:
    client.put_item(TableName=table, Item={"pk": {"S": "doomed"}})
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": {**_key("new"), "v": {"S": "created"}}}},
            {
                "Update": {
                    "TableName": table,
                    "Key": _key("old"),
                    "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            {"Delete": {"TableName": table, "Key": _key("doomed")}},
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": _key("absent"),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
    )
    assert _get(client, table, "new") == {**_key("new"), "v": {"S": "created"}}
    assert _get(client, table, "old") == {**_key("old"), "n": {"N": "2"}}
    assert _get(client, table, "doomed") is None


def test_failed_condition_cancels_everything_with_positional_reasons(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": _key("fresh"),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": table,
                        "Key": _key("old"),
                        "UpdateExpression": "SET n = :v",
                        "ConditionExpression": "n > :v",
                        "ExpressionAttributeValues": {":v": {"N": "10"}},
                    }
                },
            ]
        )
    assert _cancelled(excinfo) == (
        "TransactionCanceledException",
        CANCELLED + "[None, ConditionalCheckFailed]",
        400,
        [{"Code": "None"}, FAILED],
    )
    assert _get(client, table, "fresh") is None
    assert _get(client, table, "old") == {**_key("old"), "n": {"N": "1"}}


def test_cancellation_reason_carries_all_old_item(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "TableName": table,
                        "Key": _key("old"),
                        "ConditionExpression": "attribute_not_exists(pk)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                }
            ]
        )
    assert _cancelled(excinfo)[3] == [{**FAILED, "Item": {**_key("old"), "n": {"N": "1"}}}]


def test_update_with_attribute_exists_on_missing_item_creates_nothing(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": _key("ghost"),
                        "UpdateExpression": "ADD hits :one",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                }
            ]
        )
    assert _cancelled(excinfo)[3] == [FAILED]
    assert _get(client, table, "ghost") is None


@pytest.mark.parametrize(
    "action, message",
    [
        (
            {"Put": {"Item": {"pk": {"N": "5"}}}},
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
        ),
        ({"Delete": {"Key": {"pk": {"N": "5"}}}}, "The provided key element does not match the schema"),
        (
            {
                "Update": {
                    "Key": _key("old"),
                    "UpdateExpression": "SET n = nope + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            "The provided expression refers to an attribute that does not exist in the item",
        ),
    ],
)
def test_action_validation_errors_are_cancellation_reasons(
    client: Any, table: str, action: Any, message: str
) -> None:
    ((name, member),) = action.items()
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(TransactItems=[{name: {"TableName": table, **member}}])
    assert _cancelled(excinfo) == (
        "TransactionCanceledException",
        CANCELLED + "[ValidationError]",
        400,
        [{"Code": "ValidationError", "Message": message}],
    )


def test_two_operations_on_one_item(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": _key("dup")}},
                {"Delete": {"TableName": table, "Key": _key("dup")}},
            ]
        )
    assert _cancelled(excinfo) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
        400,
        None,
    )


def test_empty_string_key_is_a_top_level_validation_error(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(
            TransactItems=[{"Delete": {"TableName": table, "Key": {"pk": {"S": ""}}}}]
        )
    assert _cancelled(excinfo)[:3] == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
        "an empty string value. Key: pk",
        400,
    )


def test_missing_table(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(
            TransactItems=[{"Put": {"TableName": "no-such-table", "Item": _key("x")}}]
        )
    assert _cancelled(excinfo)[:3] == ("ResourceNotFoundException", "Requested resource not found", 400)


def test_empty_transact_items(server: ServerProcess) -> None:
    # botocore rejects an empty list itself; turn its validation off to reach the server.
    client = boto3.client(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(parameter_validation=False),
    )
    for operation in ("transact_write_items", "transact_get_items"):
        with pytest.raises(ClientError) as excinfo:
            getattr(client, operation)(TransactItems=[])
        assert _cancelled(excinfo)[:3] == (
            "ValidationException",
            "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
            400,
        )


def test_more_than_100_actions(client: Any, table: str) -> None:
    items = [{"Put": {"TableName": table, "Item": _key(f"t-{n}")}} for n in range(101)]
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(TransactItems=items)
    code, message, status, _ = _cancelled(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("1 validation error detected: Value '[TransactWriteItem(")
    assert message.endswith(
        "]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"
    )


def test_exactly_100_actions(client: Any, table: str) -> None:
    client.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": _key(f"t-{n}")}} for n in range(100)]
    )
    assert _get(client, table, "t-99") == _key("t-99")


def test_client_request_token_replays_without_reapplying(client: Any, table: str) -> None:
    token = uuid.uuid4().hex
    update = {
        "Update": {
            "TableName": table,
            "Key": _key("old"),
            "UpdateExpression": "SET n = n + :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    client.transact_write_items(TransactItems=[update], ClientRequestToken=token)
    client.transact_write_items(TransactItems=[update], ClientRequestToken=token)
    assert _get(client, table, "old") == {**_key("old"), "n": {"N": "2"}}
    with pytest.raises(ClientError) as excinfo:
        client.transact_write_items(
            TransactItems=[{"Delete": {"TableName": table, "Key": _key("old")}}], ClientRequestToken=token
        )
    assert _cancelled(excinfo)[0] == "IdempotentParameterMismatchException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert _get(client, table, "old") is not None


def test_transact_get_items_in_order_with_projection(client: Any, table: str) -> None:
    got = client.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": table, "Key": _key("missing")}},
            {
                "Get": {
                    "TableName": table,
                    "Key": _key("old"),
                    "ProjectionExpression": "#n",
                    "ExpressionAttributeNames": {"#n": "n"},
                }
            },
        ]
    )
    assert got["Responses"] == [{}, {"Item": {"n": {"N": "1"}}}]


def test_transact_get_empty_key_is_a_cancellation_reason(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": {}}}])
    assert _cancelled(excinfo) == (
        "TransactionCanceledException",
        CANCELLED + "[ValidationError]",
        400,
        [{"Code": "ValidationError", "Message": "The provided key element does not match the schema"}],
    )


def test_transact_get_invalid_projection(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.transact_get_items(
            TransactItems=[{"Get": {"TableName": table, "Key": _key("x"), "ProjectionExpression": "!!!"}}]
        )
    assert _cancelled(excinfo)[:3] == (
        "ValidationException",
        'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"',
        400,
    )


def test_transact_get_missing_table_and_duplicates(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.transact_get_items(TransactItems=[{"Get": {"TableName": "no-such-table", "Key": _key("x")}}])
    assert _cancelled(excinfo)[:3] == ("ResourceNotFoundException", "Requested resource not found", 400)
    get = {"Get": {"TableName": table, "Key": _key("old")}}
    with pytest.raises(ClientError) as excinfo:
        client.transact_get_items(TransactItems=[get, get])
    assert _cancelled(excinfo)[:3] == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
        400,
    )
