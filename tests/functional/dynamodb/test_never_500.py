"""Requests that once crashed the server (issue 19): each gets DynamoDB's 400 instead of a 500.

Sent as raw HTTP to the session server (boto3 refuses to build most of them). The suite's 500 check
(tests/server_errors.py) would fail these tests on any 500 too; here the exact answers are asserted.
"""

from __future__ import annotations

import http.client
import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.functional.dynamodb.dynamodb_server import ServerProcess

_VALIDATION = "com.amazon.coral.validate#ValidationException"
_SERIALIZATION = "com.amazon.coral.service#SerializationException"


def post(server: ServerProcess, operation: str, body: bytes | dict[str, Any]) -> tuple[int, Any]:
    """One raw request; the status and the decoded JSON answer."""
    parts = urlsplit(server.endpoint)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    try:
        connection.request("POST", "/", body=data, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def validation(message: str) -> tuple[int, dict[str, str]]:
    return 400, {"__type": _VALIDATION, "message": message}


@pytest.fixture(scope="module")
def table(server: ServerProcess) -> Iterator[str]:
    """A table with a hash key `pk` and one item, {pk: "a", n: 1, l: [1]}."""
    name = f"Never500-{uuid.uuid4().hex[:8]}"
    status, answer = post(
        server,
        "CreateTable",
        {
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    assert status == 200, answer
    item = {"pk": {"S": "a"}, "n": {"N": "1"}, "l": {"L": [{"N": "1"}]}}
    assert post(server, "PutItem", {"TableName": name, "Item": item})[0] == 200
    yield name
    post(server, "DeleteTable", {"TableName": name})


def _condition(server: ServerProcess, table: str, expression: str) -> tuple[int, Any]:
    return post(
        server,
        "PutItem",
        {
            "TableName": table,
            "Item": {"pk": {"S": "a"}},
            "ConditionExpression": expression,
            "ExpressionAttributeValues": {":v": {"N": "1"}},
        },
    )


# Expressions over 4 KB: "Expression size has exceeded the maximum allowed size;" and, for Condition
# and Filter expressions only, the size in bytes (captured from AWS by ExtendDB,
# tests/test_expression_size_limit.py, and by scylladb test/alternator/test_limits.py
# test_limit_expression_len_crash1..5: "... expression size: 200004" for a ConditionExpression).
@pytest.mark.parametrize(
    "expression",
    [
        "(" * 3000 + "n = :v" + ")" * 3000,
        "NOT " * 2000 + "n = :v",
        "n < " + "f(" * 2500 + "n" + ")" * 2500,
        "n = :v" + " AND n = :v" * 500,
    ],
    ids=["parentheses", "not", "functions", "and-chain"],
)
def test_an_expression_over_4_kb_names_its_size(server: ServerProcess, table: str, expression: str) -> None:
    size = len(expression)
    assert _condition(server, table, expression) == validation(
        f"Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: {size}"
    )


def test_an_update_expression_over_4_kb_does_not_name_its_size(server: ServerProcess, table: str) -> None:
    expression = "SET n = " + "list_append(" * 400 + "l, l)" * 400
    answer = post(
        server, "UpdateItem", {"TableName": table, "Key": {"pk": {"S": "a"}}, "UpdateExpression": expression}
    )
    assert answer == validation(
        "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;"
    )


# Within 4 KB, nesting still reaches thousands of levels; DynamoDB's answers, observed (scylladb
# test/alternator/test_limits.py test_deeply_nested_expression_2..5): the 301st operator is refused as
# "The expression contains too many operators; operator count: 301"; 2,046 parentheses around one
# comparison are redundant; function calls are not operators, so f(f(...)) is an unknown function.
@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "n<l " + "or (n<l " * 454 + ")" * 454,
            "The expression contains too many operators; operator count: 301",
        ),
        ("NOT " * 1000 + "n = :v", "The expression contains too many operators; operator count: 301"),
        (" OR ".join(["n = :v"] * 400), "The expression contains too many operators; operator count: 301"),
        ("(" * 2046 + "n<:v" + ")" * 2046, "The expression has redundant parentheses;"),
        ("n < " + "f(" * 1355 + "n" + ")" * 1355, "Invalid function name; function: f"),
        (
            "n < " + "size(" * 680 + "n" + ")" * 680,
            "Incorrect operand type for operator or function; operator or function: size, operand type: N",
        ),
    ],
    ids=["or-nesting", "not-chain", "or-chain", "parentheses", "unknown-function", "size-of-size"],
)
def test_deep_nesting_within_4_kb(server: ServerProcess, table: str, expression: str, message: str) -> None:
    assert len(expression) <= 4096
    assert _condition(server, table, expression) == validation(f"Invalid ConditionExpression: {message}")


def test_300_operators_are_allowed(server: ServerProcess, table: str) -> None:
    # 149 levels: 299 operators ("<" and "or"); scylladb test_deeply_nested_expression_2, run against AWS.
    expression = "n<:v " + "or (n<:v " * 149 + ")" * 149
    status, answer = _condition(server, table, expression)
    assert (status, answer["__type"]) == (
        400,
        "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
    )


def test_a_document_path_has_at_most_32_levels(server: ServerProcess, table: str) -> None:
    # scylladb test/alternator/test_projection_expression.py test_projection_expression_path_nesting_levels:
    # 32 levels work; 33 get "... The document path has too many nesting levels; nesting levels: 33" (AWS).
    key = {"pk": {"S": "a"}}
    ok = post(server, "GetItem", {"TableName": table, "Key": key, "ProjectionExpression": "a" + ".b" * 31})
    assert ok == (200, {"Item": {}})
    assert post(
        server, "GetItem", {"TableName": table, "Key": key, "ProjectionExpression": "a" + ".b" * 32}
    ) == (
        validation(
            "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33"
        )
    )


def test_a_name_starting_with_an_underscore_is_a_syntax_error(server: ServerProcess, table: str) -> None:
    # Observed AWS: "Invalid KeyConditionExpression: Syntax error; token: \"_\", near: \"AND __\"" for
    # `... AND __typename = :t` (a project's incident notes, found by find_string in the code corpus).
    answer = post(
        server,
        "Query",
        {
            "TableName": table,
            "KeyConditionExpression": "pk = :p AND __typename = :t",
            "ExpressionAttributeValues": {":p": {"S": "a"}, ":t": {"S": "x"}},
        },
    )
    assert answer == validation('Invalid KeyConditionExpression: Syntax error; token: "_", near: "AND __"')


def _nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(levels):
        value = {"M": {"a": value}}
    return value


_NESTING = (
    "1 validation error detected: Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)


def test_an_item_nests_at_most_32_levels(server: ServerProcess, table: str) -> None:
    # Item plus 31 maps is the most AWS takes (scylladb test/alternator/test_manual_requests.py
    # test_almost_exceed_nested_level and test_exceed_nested_level_a_little, run against AWS).
    deepest = {"pk": {"S": "deep"}, "v": _nested(31)}
    assert post(server, "PutItem", {"TableName": table, "Item": deepest}) == (200, {})
    too_deep = {"pk": {"S": "deep"}, "v": _nested(32)}
    assert post(server, "PutItem", {"TableName": table, "Item": too_deep}) == validation(_NESTING)
    deeper = {"pk": {"S": "deep"}, "v": _nested(400)}  # deeper than Python's default recursion limit
    assert post(server, "PutItem", {"TableName": table, "Item": deeper}) == validation(_NESTING)


def test_a_placeholder_value_nests_at_most_32_levels(server: ServerProcess, table: str) -> None:
    # nubo-db/dynamodb-conformance captures/2026-08-12-batch-empty-and-nesting.json (probe
    # o_upd_nested_32_eav, AWS in us-east-1, eu-west-2 ...): not wrapped as an invalid placeholder value.
    request = {
        "TableName": table,
        "Key": {"pk": {"S": "a"}},
        "UpdateExpression": "SET v = :v",
        "ExpressionAttributeValues": {":v": _nested(32)},
    }
    assert post(server, "UpdateItem", request) == validation(_NESTING)


def test_a_200000_deep_body_is_a_serialization_exception(server: ServerProcess, table: str) -> None:
    # scylladb test/alternator/test_manual_requests.py test_deeply_nested_put: DynamoDB answers it with an
    # error (any clean one); serverlite's is the answer to a body it cannot read.
    body = b'{"TableName": "%s", "Item": {"pk": {"S": "x"}, "v": %s}}' % (
        table.encode(),
        b'{"":' * 200_000 + b"{}" + b"}" * 200_000,
    )
    assert post(server, "PutItem", body) == (400, {"__type": _SERIALIZATION})


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (
            "1e99999999999999999999999",
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        (
            "-1E+126",
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        (
            "1e-99999999999999999999999",
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
        ),
        (
            "1e-99999999",
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
        ),
        ("1." + "0" * 250 + "1", "Attempting to store more than 38 significant digits in a Number"),
    ],
    ids=["huge-exponent", "just-over", "tiny-exponent", "below-minimum", "252-digits"],
)
def test_extreme_numbers(server: ServerProcess, table: str, number: str, message: str) -> None:
    # Range and precision: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number;
    # messages as dynalite validations/index.js records them (observed AWS).
    item = {"pk": {"S": "num"}, "n": {"N": number}}
    assert post(server, "PutItem", {"TableName": table, "Item": item}) == validation(message)


def test_zero_with_a_huge_exponent_is_zero(server: ServerProcess, table: str) -> None:
    item = {"pk": {"S": "zero"}, "n": {"N": "0e99999999999999999999999"}}
    assert post(server, "PutItem", {"TableName": table, "Item": item}) == (200, {})
    answer = post(server, "GetItem", {"TableName": table, "Key": {"pk": {"S": "zero"}}})
    assert answer == (200, {"Item": {"pk": {"S": "zero"}, "n": {"N": "0"}}})


@pytest.mark.parametrize(
    ("left", "right", "message"),
    [
        # nubo-db/dynamodb-conformance tests/tier3/limits/numberPrecision.test.ts (AWS: "Number overflow").
        (
            "9.9e125",
            "9.9e125",
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        ("1e30", "1e-30", "Attempting to store more than 38 significant digits in a Number"),
    ],
    ids=["overflow", "61-digits"],
)
def test_arithmetic_keeps_to_the_number_limits(
    server: ServerProcess, table: str, left: str, right: str, message: str
) -> None:
    request = {
        "TableName": table,
        "Key": {"pk": {"S": "arith"}},
        "UpdateExpression": "SET n = :a + :b",
        "ExpressionAttributeValues": {":a": {"N": left}, ":b": {"N": right}},
    }
    assert post(server, "UpdateItem", request) == validation(message)


def test_arithmetic_on_38_digits_is_exact(server: ServerProcess, table: str) -> None:
    # 38 digits plus one: Python's default decimal context (28 digits) once rounded this sum silently.
    request = {
        "TableName": table,
        "Key": {"pk": {"S": "exact"}},
        "UpdateExpression": "SET n = :a + :b",
        "ExpressionAttributeValues": {
            ":a": {"N": "12345678901234567890123456789012345678"},
            ":b": {"N": "1"},
        },
        "ReturnValues": "UPDATED_NEW",
    }
    assert post(server, "UpdateItem", request) == (
        200,
        {"Attributes": {"n": {"N": "12345678901234567890123456789012345679"}}},
    )


def test_a_null_table_list_in_batch_write_item(server: ServerProcess, table: str) -> None:
    # A null where the table's list of writes belongs fails the list's length rules, echoed as Java prints
    # the map (request_echo.py); AWS's answer to this exact request is not recorded.
    answer = post(server, "BatchWriteItem", {"RequestItems": {table: None}})
    assert answer == validation(
        f"1 validation error detected: Value '{{{table}=null}}' at 'requestItems' failed to satisfy constraint: "
        "Map value must satisfy constraint: [Member must have length less than or equal to 25, "
        "Member must have length greater than or equal to 1]"
    )


def test_update_table_checks_a_new_index_before_changing_anything(server: ServerProcess, table: str) -> None:
    request = {
        "TableName": table,
        "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}],
        "GlobalSecondaryIndexUpdates": [
            {
                "Create": {
                    "IndexName": "by-missing",
                    "KeySchema": [{"AttributeName": "missing", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
        "DeletionProtectionEnabled": True,
    }
    # CreateTable's wording (dynalite validations/createTable.js, observed AWS).
    assert post(server, "UpdateTable", request) == validation(
        "One or more parameter values were invalid: Some index key attributes are not defined in "
        "AttributeDefinitions. Keys: [missing], AttributeDefinitions: [g]"
    )
    status, described = post(server, "DescribeTable", {"TableName": table})
    assert status == 200
    assert "GlobalSecondaryIndexes" not in described["Table"]
    assert described["Table"]["DeletionProtectionEnabled"] is False
    assert described["Table"]["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
