"""Scan through boto3: paging, filters, segments, Select and errors.

Messages: nubo-db/dynamodb-conformance tests/tier3/error-messages/scan.test.ts and
tests/tier1/scan/select.test.ts; dynalite validations/scan.js and actions/scan.js.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture()
def table(client: Any) -> str:
    """Hash-only table with 30 items n=0..29."""
    name = f"Scan-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    for number in range(30):
        client.put_item(TableName=name, Item={"pk": {"S": f"k{number}"}, "n": {"N": str(number)}})
    return name


def _error(client: Any, **request: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as excinfo:
        client.scan(**request)
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_paged_scan_sees_every_item_once(client: Any, table: str) -> None:
    seen: list[str] = []
    request: dict[str, Any] = {"TableName": table, "Limit": 7}
    pages = 0
    while True:
        page = client.scan(**request)
        pages += 1
        seen += [item["pk"]["S"] for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert sorted(seen) == sorted(f"k{n}" for n in range(30))
    assert pages == 5


def test_filter_projection_and_count(client: Any, table: str) -> None:
    response = client.scan(
        TableName=table,
        FilterExpression="n BETWEEN :a AND :b",
        ProjectionExpression="n",
        ExpressionAttributeValues={":a": {"N": "10"}, ":b": {"N": "12"}},
    )
    assert sorted(item["n"]["N"] for item in response["Items"]) == ["10", "11", "12"]
    assert (response["Count"], response["ScannedCount"]) == (3, 30)
    legacy = client.scan(
        TableName=table,
        ScanFilter={"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "2"}]}},
        Select="COUNT",
    )
    assert (legacy["Count"], "Items" in legacy) == (2, False)


def test_segments_partition_the_table(client: Any, table: str) -> None:
    seen: list[str] = []
    for segment in range(4):
        response = client.scan(TableName=table, Segment=segment, TotalSegments=4)
        seen += [item["pk"]["S"] for item in response["Items"]]
    assert sorted(seen) == sorted(f"k{n}" for n in range(30))


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            {"Segment": 0},
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present",
        ),
        (
            {"TotalSegments": 4},
            "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present",
        ),
        (
            {"Segment": 5, "TotalSegments": 5},
            "The Segment parameter is zero-based and must be less than "
            "parameter TotalSegments: Segment: 5 is not less than TotalSegments: 5",
        ),
        (
            {"Select": "ALL_ATTRIBUTES", "ProjectionExpression": "pk"},
            "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES",
        ),
        (
            {"Select": "ALL_PROJECTED_ATTRIBUTES"},
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
        ),
        (
            {"Select": "COUNT", "ProjectionExpression": "pk"},
            "Cannot specify the ProjectionExpression when choosing to get only the Count",
        ),
        (
            {"Select": "SPECIFIC_ATTRIBUTES"},
            "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
        ),
        (
            {"ExclusiveStartKey": {"bad": {"S": "p"}}},
            "The provided starting key is invalid: The provided key element does not match the schema",
        ),
        ({"IndexName": "nope"}, "The table does not have the specified index: nope"),
        (
            {"FilterExpression": "n = :a", "ExpressionAttributeValues": {":a": {"N": "1"}, ":b": {"N": "2"}}},
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}",
        ),
        (
            {"ScanFilter": {"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}]}}},
            "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN "
            "ComparisonOperator",
        ),
        (
            {
                "ScanFilter": {"n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}},
                "FilterExpression": "n = :a",
                "ExpressionAttributeValues": {":a": {"N": "1"}},
            },
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}",
        ),
    ],
)
def test_validation_errors(client: Any, table: str, request_: dict[str, Any], message: str) -> None:
    assert _error(client, TableName=table, **request_) == ("ValidationException", message, 400)


def test_missing_table(client: Any) -> None:
    assert _error(client, TableName="no-such-table") == (
        "ResourceNotFoundException",
        "Requested resource not found",
        400,
    )
