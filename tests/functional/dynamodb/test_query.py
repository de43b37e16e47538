"""Query through boto3 against the real server: key conditions, order, paging, Select, errors.

Expected messages cite where AWS's wording was recorded: nubo-db/dynamodb-conformance
(tests/tier3/error-messages/query.test.ts, tests/tier1/query/*.test.ts) and dynalite
(validations/index.js, actions/query.js).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture()
def table(client: Any) -> str:
    """pk (S) + sk (N), with items p/1..p/5 and q/1."""
    name = f"Query-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    )
    for number in ("-10", "-2.5", "0", "3", "20"):
        item = {"pk": {"S": "p"}, "sk": {"N": number}, "colour": {"S": "red" if number != "0" else "blue"}}
        client.put_item(TableName=name, Item=item)
    client.put_item(TableName=name, Item={"pk": {"S": "q"}, "sk": {"N": "1"}})
    return name


def _error(client: Any, **request: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as excinfo:
        client.query(**request)
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def _sks(response: dict[str, Any]) -> list[str]:
    return [item["sk"]["N"] for item in response["Items"]]


def _query(client: Any, table: str, condition: str, **values: Any) -> dict[str, Any]:
    attribute_values = {f":{k}": v for k, v in values.items()}
    return dict(
        client.query(
            TableName=table, KeyConditionExpression=condition, ExpressionAttributeValues=attribute_values
        )
    )


def test_numeric_sort_order_forward_and_backward(client: Any, table: str) -> None:
    response = _query(client, table, "pk = :p", p={"S": "p"})
    assert _sks(response) == ["-10", "-2.5", "0", "3", "20"]
    assert (response["Count"], response["ScannedCount"]) == (5, 5)
    assert "LastEvaluatedKey" not in response
    backward = client.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        ScanIndexForward=False,
    )
    assert _sks(backward) == ["20", "3", "0", "-2.5", "-10"]


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ("pk = :p AND sk < :a", {"a": {"N": "0"}}, ["-10", "-2.5"]),
        ("pk = :p AND sk <= :a", {"a": {"N": "0"}}, ["-10", "-2.5", "0"]),
        ("pk = :p AND sk > :a", {"a": {"N": "0"}}, ["3", "20"]),
        ("pk = :p AND sk >= :a", {"a": {"N": "3"}}, ["3", "20"]),
        ("pk = :p AND sk = :a", {"a": {"N": "3.0"}}, ["3"]),
        ("pk = :p AND sk BETWEEN :a AND :b", {"a": {"N": "-3"}, "b": {"N": "3"}}, ["-2.5", "0", "3"]),
        # A value on the left flips the comparison (conformance tier1/query/keyConditionSemantics.test.ts).
        ("pk = :p AND :a <= sk", {"a": {"N": "3"}}, ["3", "20"]),
        ("(pk = :p) AND (sk > :a)", {"a": {"N": "3"}}, ["20"]),
    ],
)
def test_sort_key_conditions(
    client: Any, table: str, condition: str, values: dict[str, Any], expected: list[str]
) -> None:
    assert _sks(_query(client, table, condition, p={"S": "p"}, **values)) == expected


def test_begins_with_on_string_sort_key(client: Any) -> None:
    name = f"Query-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    )
    for sk in ("a", "ab", "abc", "abd", "b", "\u00e9"):
        client.put_item(TableName=name, Item={"pk": {"S": "x"}, "sk": {"S": sk}})
    response = client.query(
        TableName=name,
        KeyConditionExpression="#k = :k AND begins_with(#s, :s)",
        ExpressionAttributeNames={"#k": "pk", "#s": "sk"},
        ExpressionAttributeValues={":k": {"S": "x"}, ":s": {"S": "ab"}},
    )
    assert [item["sk"]["S"] for item in response["Items"]] == ["ab", "abc", "abd"]
    everything = client.query(
        TableName=name, KeyConditionExpression="pk = :k", ExpressionAttributeValues={":k": {"S": "x"}}
    )
    # UTF-8 byte order puts "é" (C3 A9) after "b".
    assert [item["sk"]["S"] for item in everything["Items"]] == ["a", "ab", "abc", "abd", "b", "\u00e9"]


def test_limit_counts_items_before_the_filter_and_pages(client: Any, table: str) -> None:
    request = {
        "TableName": table,
        "KeyConditionExpression": "pk = :p",
        "FilterExpression": "colour = :c",
        "ExpressionAttributeValues": {":p": {"S": "p"}, ":c": {"S": "red"}},
        "Limit": 3,
    }
    first = client.query(**request)
    assert _sks(first) == ["-10", "-2.5"]
    assert (first["Count"], first["ScannedCount"]) == (2, 3)
    assert first["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "0"}}
    second = client.query(**request, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert _sks(second) == ["3", "20"]
    assert (second["Count"], second["ScannedCount"]) == (2, 2)
    assert "LastEvaluatedKey" not in second


def test_limit_reached_exactly_still_returns_a_start_key(client: Any, table: str) -> None:
    request = {
        "TableName": table,
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "q"}},
        "Limit": 1,
    }
    first = client.query(**request)
    assert first["LastEvaluatedKey"] == {"pk": {"S": "q"}, "sk": {"N": "1"}}
    second = client.query(**request, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert (second["Items"], second["Count"], second["ScannedCount"]) == ([], 0, 0)
    assert "LastEvaluatedKey" not in second


def test_backward_paging_resumes_below_the_start_key(client: Any, table: str) -> None:
    response = client.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        ScanIndexForward=False,
        ExclusiveStartKey={"pk": {"S": "p"}, "sk": {"N": "0"}},
    )
    assert _sks(response) == ["-2.5", "-10"]


def test_projection_and_select_count(client: Any, table: str) -> None:
    projected = client.query(
        TableName=table,
        KeyConditionExpression="pk = :p AND sk = :s",
        ProjectionExpression="#c",
        ExpressionAttributeNames={"#c": "colour"},
        ExpressionAttributeValues={":p": {"S": "p"}, ":s": {"N": "0"}},
    )
    assert projected["Items"] == [{"colour": {"S": "blue"}}]
    counted = client.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        Select="COUNT",
    )
    assert "Items" not in counted
    assert (counted["Count"], counted["ScannedCount"]) == (5, 5)


def test_one_megabyte_page_limit(client: Any) -> None:
    name = f"Query-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    )
    blob = "x" * 300_000
    for number in range(5):
        client.put_item(
            TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(number)}, "data": {"S": blob}}
        )
    first = client.query(
        TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}}
    )
    # 300 KB items: the fourth crosses 1 MB and ends the page.
    assert first["Count"] == 4
    assert first["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "3"}}


def test_legacy_key_conditions_and_query_filter(client: Any, table: str) -> None:
    response = client.query(
        TableName=table,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
            "sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "-5"}]},
        },
        QueryFilter={"colour": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "red"}]}},
        AttributesToGet=["sk"],
    )
    assert response["Items"] == [{"sk": {"N": "-2.5"}}, {"sk": {"N": "3"}}, {"sk": {"N": "20"}}]
    assert response["ScannedCount"] == 4


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        # conformance tests/tier3/error-messages/query.test.ts
        (
            {"KeyConditionExpression": "sk = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}},
            "Query condition missed key schema element: pk",
        ),
        (
            {"KeyConditionExpression": "attr1 = :v", "ExpressionAttributeValues": {":v": {"S": "v"}}},
            "Query condition missed key schema element: pk",
        ),
        (
            {"KeyConditionExpression": "", "ExpressionAttributeValues": {":v": {"S": "v"}}},
            "Invalid KeyConditionExpression: The expression can not be empty;",
        ),
        (
            {"KeyConditionExpression": "((pk = :v))", "ExpressionAttributeValues": {":v": {"S": "v"}}},
            "Invalid KeyConditionExpression: The expression has redundant parentheses;",
        ),
        (
            {
                "KeyConditionExpression": "pk = :v",
                "ExpressionAttributeValues": {":v": {"S": "v"}},
                "ExpressionAttributeNames": {"#unused": "x"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}",
        ),
        (
            {
                "KeyConditionExpression": "pk = :p",
                "FilterExpression": "#missing = :f",
                "ExpressionAttributeValues": {":p": {"S": "v"}, ":f": {"S": "x"}},
            },
            "Invalid FilterExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #missing",
        ),
        (
            {
                "KeyConditionExpression": "pk = :v",
                "ExpressionAttributeValues": {":v": {"S": "v"}},
                "ExclusiveStartKey": {"bad": {"S": "p"}},
            },
            "The provided starting key is invalid",
        ),
        (
            {
                "KeyConditionExpression": "pk = :v",
                "ExpressionAttributeValues": {":v": {"S": "v"}},
                "Select": "SPECIFIC_ATTRIBUTES",
            },
            "1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when "
            "choosing to get SPECIFIC_ATTRIBUTES",
        ),
        (
            {
                "KeyConditionExpression": "pk = :p",
                "ProjectionExpression": "a, a.b",
                "ExpressionAttributeValues": {":p": {"S": "v"}},
            },
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
            "one of these paths; path one: [a], path two: [a, b]",
        ),
        # conformance tests/tier1/query/keyConditionSemantics.test.ts
        (
            {
                "KeyConditionExpression": "pk = :p AND sk.foo = :v",
                "ExpressionAttributeValues": {":p": {"S": "v"}, ":v": {"N": "1"}},
            },
            "KeyConditionExpressions cannot have conditions on nested attributes",
        ),
        # dynalite validations/index.js checkExpr and actions/query.js
        (
            {
                "KeyConditionExpression": "pk = :p OR sk = :v",
                "ExpressionAttributeValues": {":p": {"S": "v"}, ":v": {"N": "1"}},
            },
            "Invalid operator used in KeyConditionExpression: OR",
        ),
        (
            {
                "KeyConditionExpression": "pk = :p AND attribute_exists(sk)",
                "ExpressionAttributeValues": {":p": {"S": "v"}},
            },
            "Invalid operator used in KeyConditionExpression: attribute_exists",
        ),
        (
            {
                "KeyConditionExpression": "pk = :p AND pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "v"}},
            },
            "KeyConditionExpressions must only contain one condition per key",
        ),
        (
            {
                "KeyConditionExpression": "pk = :p AND sk = :p",
                "ExpressionAttributeValues": {":p": {"S": "v"}},
            },
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
        (
            {"KeyConditionExpression": "pk > :p", "ExpressionAttributeValues": {":p": {"S": "v"}}},
            "Query key condition not supported",
        ),
        (
            {
                "KeyConditionExpression": "pk = :p AND colour = :p",
                "ExpressionAttributeValues": {":p": {"S": "v"}},
            },
            "Query condition missed key schema element: sk",
        ),
        (
            {
                "KeyConditionExpression": "pk = :p",
                "FilterExpression": "sk > :n",
                "ExpressionAttributeValues": {":p": {"S": "v"}, ":n": {"N": "1"}},
            },
            "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
        ),
        (
            {
                "KeyConditionExpression": "pk = :p",
                "IndexName": "nope",
                "ExpressionAttributeValues": {":p": {"S": "v"}},
            },
            "The table does not have the specified index: nope",
        ),
        (
            {},
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
        ),
        (
            {
                "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "v"}},
                "AttributesToGet": ["a"],
            },
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {AttributesToGet} Expression parameters: {KeyConditionExpression}",
        ),
        (
            {"KeyConditions": {"pk": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "v"}]}}},
            "Attempted conditional constraint is not an indexable operation",
        ),
    ],
)
def test_validation_errors(client: Any, table: str, request_: dict[str, Any], message: str) -> None:
    assert _error(client, TableName=table, **request_) == ("ValidationException", message, 400)


def test_missing_table_is_resource_not_found(client: Any) -> None:
    code, message, status = _error(
        client,
        TableName="nope-table",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "v"}},
    )
    assert (code, message, status) == ("ResourceNotFoundException", "Requested resource not found", 400)


def test_legacy_key_conditions_may_go_with_a_filter_expression(client: Any, table: str) -> None:
    # dynalite validations/index.js validateExpressionParams: KeyConditions without a
    # KeyConditionExpression does not count as mixing.
    response = client.query(
        TableName=table,
        KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]}},
        FilterExpression="colour = :c",
        ExpressionAttributeValues={":c": {"S": "blue"}},
    )
    assert _sks(response) == ["0"]
