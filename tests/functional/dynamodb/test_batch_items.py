"""BatchGetItem and BatchWriteItem through boto3 (client and resource layers) against the real server.

Expected messages: dynalite test/batchGetItem.js and test/batchWriteItem.js (observed AWS) and
nubo-db/dynamodb-conformance tests/tier3/error-messages/batchGetItem.test.ts and
batchWriteItem.test.ts (captured from AWS).
"""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.functional.dynamodb.dynamodb_server import ServerProcess


@pytest.fixture()
def table(client: Any) -> str:
    """A fresh table with hash key pk (S)."""
    name = f"Batch-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    return name


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def _key(value: str) -> dict[str, Any]:
    return {"pk": {"S": value}}


def test_batch_write_then_batch_get_across_tables(client: Any, table: str) -> None:
    other = f"Batch-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=other,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    client.put_item(TableName=table, Item={**_key("gone"), "v": {"N": "0"}})
    written = client.batch_write_item(
        RequestItems={
            table: [
                {"PutRequest": {"Item": {**_key("a"), "v": {"N": "1"}, "w": {"S": "x"}}}},
                {"DeleteRequest": {"Key": _key("gone")}},
            ],
            other: [{"PutRequest": {"Item": {**_key("b"), "v": {"N": "2"}}}}],
        },
        ReturnItemCollectionMetrics="SIZE",
    )
    assert written["UnprocessedItems"] == {}
    got = client.batch_get_item(
        RequestItems={
            table: {
                "Keys": [_key("a"), _key("gone")],
                "ProjectionExpression": "#v",
                "ExpressionAttributeNames": {"#v": "v"},
            },
            other: {"Keys": [_key("b")], "ConsistentRead": True},
        }
    )
    assert got["Responses"] == {table: [{"v": {"N": "1"}}], other: [{**_key("b"), "v": {"N": "2"}}]}
    assert got["UnprocessedKeys"] == {}


def test_batch_get_attributes_to_get_and_empty_table_response(client: Any, table: str) -> None:
    client.put_item(TableName=table, Item={**_key("a"), "v": {"N": "1"}, "w": {"S": "x"}})
    got = client.batch_get_item(RequestItems={table: {"Keys": [_key("a")], "AttributesToGet": ["w"]}})
    assert got["Responses"] == {table: [{"w": {"S": "x"}}]}
    missing = client.batch_get_item(RequestItems={table: {"Keys": [_key("nope")]}})
    assert missing["Responses"] == {table: []}


def test_resource_layer_batch_writer_and_batch_get(server: ServerProcess, table: str) -> None:
    resource = boto3.resource(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    with resource.Table(table).batch_writer() as writer:
        for number in range(30):
            writer.put_item(Item={"pk": f"item-{number}", "n": number})
        writer.delete_item(Key={"pk": "item-0"})
    got = resource.batch_get_item(
        RequestItems={table: {"Keys": [{"pk": "item-0"}, {"pk": "item-1"}, {"pk": "item-29"}]}}
    )
    assert sorted(got["Responses"][table], key=lambda item: item["n"]) == [
        {"pk": "item-1", "n": 1},
        {"pk": "item-29", "n": 29},
    ]


@pytest.mark.parametrize(
    "operation, request_items",
    [
        ("batch_get_item", {"Keys": [_key("d"), _key("d")]}),
        ("batch_write_item", [{"PutRequest": {"Item": _key("d")}}, {"DeleteRequest": {"Key": _key("d")}}]),
    ],
)
def test_duplicate_keys(client: Any, table: str, operation: str, request_items: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(client, operation)(RequestItems={table: request_items})
    assert _error(excinfo) == ("ValidationException", "Provided list of item keys contains duplicates", 400)
    assert "Item" not in client.get_item(TableName=table, Key=_key("d"))


@pytest.mark.parametrize(
    "operation, request_items",
    [
        ("batch_get_item", {"Keys": [_key("x")]}),
        ("batch_write_item", [{"PutRequest": {"Item": _key("x")}}]),
    ],
)
def test_missing_table(client: Any, operation: str, request_items: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(client, operation)(RequestItems={"no-such-table": request_items})
    assert _error(excinfo) == ("ResourceNotFoundException", "Requested resource not found", 400)


@pytest.mark.parametrize(
    "operation, name", [("batch_get_item", "BatchGetItem"), ("batch_write_item", "BatchWriteItem")]
)
def test_empty_request_items(client: Any, operation: str, name: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(client, operation)(RequestItems={})
    assert _error(excinfo) == (
        "ValidationException",
        f"The requestItems parameter is required for {name}",
        400,
    )


def test_batch_get_more_than_100_keys_in_one_table(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.batch_get_item(RequestItems={table: {"Keys": [_key(str(n)) for n in range(101)]}})
    assert _error(excinfo) == (
        "ValidationException",
        f"1 validation error detected: Value at 'RequestItems.{table}.member.Keys' failed to satisfy "
        "constraint: Member must have length less than or equal to 100",
        400,
    )


def test_batch_get_more_than_100_keys_across_tables(client: Any, table: str) -> None:
    request = {table: {"Keys": [_key(str(n)) for n in range(100)]}, "other-table": {"Keys": [_key("x")]}}
    with pytest.raises(ClientError) as excinfo:
        client.batch_get_item(RequestItems=request)
    assert _error(excinfo) == (
        "ValidationException",
        "Too many items requested for the BatchGetItem call",
        400,
    )


def test_batch_get_projection_error_rejects_whole_batch(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.batch_get_item(RequestItems={table: {"Keys": [_key("x")], "ProjectionExpression": "a, a"}})
    assert _error(excinfo) == (
        "ValidationException",
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
        "one of these paths; path one: [a], path two: [a]",
        400,
    )


def test_batch_get_duplicate_attributes_to_get(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.batch_get_item(RequestItems={table: {"Keys": [_key("x")], "AttributesToGet": ["a", "a"]}})
    assert _error(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: Duplicate value in attribute name: a",
        400,
    )


def test_batch_write_more_than_25_requests(client: Any, table: str) -> None:
    requests = [{"PutRequest": {"Item": _key(f"bw-{n}")}} for n in range(26)]
    with pytest.raises(ClientError) as excinfo:
        client.batch_write_item(RequestItems={table: requests})
    code, message, status = _error(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith(
        f"1 validation error detected: Value '{{{table}=[WriteRequest(putRequest=PutRequest(item="
        "{pk=AttributeValue(s=bw-0, n=null, b=null, iNT=null, dECIMAL=null, dOUBLE=null, sS=null"
    )
    assert message.endswith(
        "]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: "
        "[Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"
    )


@pytest.mark.parametrize(
    "write",
    [
        {"PutRequest": {"Item": {"pk": {"N": "5"}}}},
        {"PutRequest": {"Item": {"other": {"S": "x"}}}},
        {"DeleteRequest": {"Key": {}}},
    ],
)
def test_batch_write_key_not_matching_schema(client: Any, table: str, write: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": _key("ok")}}, write]})
    assert _error(excinfo) == (
        "ValidationException",
        "The provided key element does not match the schema",
        400,
    )
    assert "Item" not in client.get_item(TableName=table, Key=_key("ok"))


def test_batch_write_empty_string_key(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {"pk": {"S": ""}}}}]})
    assert _error(excinfo) == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
        "an empty string value. Key: pk",
        400,
    )


def test_batch_write_item_too_large(client: Any, table: str) -> None:
    big = {"PutRequest": {"Item": {**_key("big"), "blob": {"S": "x" * (400 * 1024)}}}}
    with pytest.raises(ClientError) as excinfo:
        client.batch_write_item(RequestItems={table: [big]})
    assert _error(excinfo) == ("ValidationException", "Item size has exceeded the maximum allowed size", 400)


@pytest.mark.parametrize(
    "write", [{}, {"PutRequest": {"Item": _key("a")}, "DeleteRequest": {"Key": _key("b")}}]
)
def test_batch_write_request_needs_exactly_one_action(client: Any, table: str, write: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.batch_write_item(RequestItems={table: [write]})
    assert _error(excinfo) == (
        "ValidationException",
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
        400,
    )
