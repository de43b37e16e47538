"""Legacy Expected, ConditionalOperator, AttributeUpdates and AttributesToGet through boto3.

Messages: the mixing and ConditionalOperator texts from extenddb's dual-target legacy
ConditionalOperator test (recorded against Amazon DynamoDB) and nubo-db/dynamodb-conformance
tests/tier3/error-messages/{putItem,updateItem}.test.ts; the Expected and AttributeUpdates texts
from dynalite test/putItem.js, validations/index.js and validations/updateItem.js (observed AWS).
Semantics: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

_INVALID = "One or more parameter values were invalid: "


@pytest.fixture()
def table(client: Any) -> str:
    """A hash-key table holding pk=k1 with a="x", b="y", n=5."""
    name = f"Legacy-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    client.put_item(
        TableName=name, Item={"pk": {"S": "k1"}, "a": {"S": "x"}, "b": {"S": "y"}, "n": {"N": "5"}}
    )
    return name


def _cond(value: str = "x", operator: str = "EQ") -> dict[str, Any]:
    return {"ComparisonOperator": operator, "AttributeValueList": [{"S": value}]}


def _error(call: Any, **request: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**request)
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def _mixing(non_expression: str, expression: str) -> tuple[str, str]:
    return (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        f"Non-expression parameters: {{{non_expression}}} Expression parameters: {{{expression}}}",
    )


def _get(client: Any, table: str, pk: str = "k1") -> dict[str, Any] | None:
    item: dict[str, Any] | None = client.get_item(TableName=table, Key={"pk": {"S": pk}}).get("Item")
    return item


def test_mixing_lists_every_member_in_aws_order(client: Any, table: str) -> None:
    key = {"pk": {"S": "k1"}}
    assert _error(
        client.put_item,
        TableName=table,
        Item=key,
        Expected={"a": _cond()},
        ConditionalOperator="AND",
        ConditionExpression="attribute_exists(pk)",
    ) == _mixing("Expected, ConditionalOperator", "ConditionExpression")
    assert _error(
        client.update_item,
        TableName=table,
        Key=key,
        AttributeUpdates={"a": {"Value": {"S": "v"}, "Action": "PUT"}},
        Expected={"a": _cond()},
        ConditionalOperator="AND",
        UpdateExpression="SET a = :v",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":v": {"S": "x"}},
    ) == _mixing("AttributeUpdates, Expected, ConditionalOperator", "UpdateExpression, ConditionExpression")
    assert _error(
        client.delete_item,
        TableName=table,
        Key=key,
        ConditionalOperator="AND",
        ConditionExpression="attribute_exists(pk)",
    ) == _mixing("ConditionalOperator", "ConditionExpression")
    assert _error(
        client.get_item, TableName=table, Key=key, AttributesToGet=["a"], ProjectionExpression="b"
    ) == _mixing("AttributesToGet", "ProjectionExpression")


def test_conditional_operator_needs_two_conditions(client: Any, table: str) -> None:
    without = ("ValidationException", "ConditionalOperator cannot be used without Filter or Expected")
    one = (
        "ValidationException",
        "ConditionalOperator can only be used when Filter or Expected has two or more elements",
    )
    key = {"pk": {"S": "k1"}}
    assert _error(client.put_item, TableName=table, Item=key, ConditionalOperator="AND") == without
    assert (
        _error(
            client.delete_item, TableName=table, Key=key, ConditionalOperator="AND", Expected={"a": _cond()}
        )
        == one
    )
    assert _error(client.update_item, TableName=table, Key=key, ConditionalOperator="AND") == without
    assert _error(client.scan, TableName=table, ConditionalOperator="OR") == without
    assert _error(client.scan, TableName=table, ConditionalOperator="AND", ScanFilter={"a": _cond()}) == one


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ({"a": {}}, "Value must be provided when Exists is null for Attribute: a"),
        ({"a": {"Exists": True}}, "Value must be provided when Exists is true for Attribute: a"),
        (
            {"a": {"Exists": False, "Value": {"S": "a"}}},
            "Value cannot be used when Exists is false for Attribute: a",
        ),
        (
            {"a": {"ComparisonOperator": "LT"}},
            "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a",
        ),
        (
            {"a": {"Exists": True, "ComparisonOperator": "LT"}},
            "Exists and ComparisonOperator cannot be used together for Attribute: a",
        ),
        (
            {"a": {"AttributeValueList": [{"S": "a"}], "Value": {"S": "a"}, "ComparisonOperator": "LT"}},
            "Value and AttributeValueList cannot be used together for Attribute: a",
        ),
        (
            {"a": {"AttributeValueList": [{"S": "a"}]}},
            "AttributeValueList can only be used with a ComparisonOperator for Attribute: a",
        ),
        (
            {"a": {"Value": {"S": "a"}, "ComparisonOperator": "NULL"}},
            "Invalid number of argument(s) for the NULL ComparisonOperator",
        ),
        (
            {"a": {"AttributeValueList": [], "ComparisonOperator": "EQ"}},
            "Invalid number of argument(s) for the EQ ComparisonOperator",
        ),
    ],
)
def test_expected_validation_messages(
    client: Any, table: str, expected: dict[str, Any], message: str
) -> None:
    # dynalite test/putItem.js "validations" (observed AWS).
    assert _error(client.put_item, TableName=table, Item={"pk": {"S": "k9"}}, Expected=expected) == (
        "ValidationException",
        _INVALID + message,
    )


def test_expected_conditions_decide_the_write(client: Any, table: str) -> None:
    item = {"pk": {"S": "k1"}, "a": {"S": "x2"}}
    failed = _error(client.put_item, TableName=table, Item=item, Expected={"a": {"Value": {"S": "nope"}}})
    assert failed == ("ConditionalCheckFailedException", "The conditional request failed")
    client.put_item(TableName=table, Item={"pk": {"S": "new"}}, Expected={"pk": {"Exists": False}})
    client.put_item(
        TableName=table,
        Item=item,
        Expected={
            "a": _cond("nope"),
            "n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "9"}]},
        },
        ConditionalOperator="OR",
    )
    assert _get(client, table) == item
    client.delete_item(
        TableName=table, Key={"pk": {"S": "k1"}}, Expected={"a": {"Exists": True, "Value": {"S": "x2"}}}
    )
    assert _get(client, table) is None and _get(client, table, "new") == {"pk": {"S": "new"}}


def test_attribute_updates_put_add_delete(client: Any, table: str) -> None:
    client.put_item(
        TableName=table,
        Item={"pk": {"S": "u"}, "s": {"SS": ["a", "b"]}, "l": {"L": [{"S": "1"}]}, "gone": {"S": "g"}},
    )
    response = client.update_item(
        TableName=table,
        Key={"pk": {"S": "u"}},
        AttributeUpdates={
            "p": {"Value": {"S": "put"}},
            "n": {"Action": "ADD", "Value": {"N": "2"}},
            "s": {"Action": "DELETE", "Value": {"SS": ["a"]}},
            "l": {"Action": "ADD", "Value": {"L": [{"S": "2"}]}},
            "gone": {"Action": "DELETE"},
        },
        Expected={"s": {"ComparisonOperator": "NOT_NULL"}},
        ReturnValues="UPDATED_NEW",
    )
    assert response["Attributes"] == {
        "p": {"S": "put"},
        "n": {"N": "2"},
        "s": {"SS": ["b"]},
        "l": {"L": [{"S": "1"}, {"S": "2"}]},
    }
    assert _get(client, table, "u") == {
        "pk": {"S": "u"},
        "s": {"SS": ["b"]},
        "l": {"L": [{"S": "1"}, {"S": "2"}]},
        "p": {"S": "put"},
        "n": {"N": "2"},
    }


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        (
            {"a": {"Action": "PUT"}},
            _INVALID + "Only DELETE action is allowed when no attribute value is specified",
        ),
        (
            {"a": {"Action": "DELETE", "Value": {"S": "x"}}},
            _INVALID + "DELETE action with value is not supported for the type S",
        ),
        (
            {"a": {"Action": "ADD", "Value": {"S": "x"}}},
            _INVALID + "ADD action is not supported for the type S",
        ),
        (
            {"pk": {"Value": {"S": "x"}}},
            _INVALID + "Cannot update attribute pk. This attribute is part of the key",
        ),
        (
            {"a": {"Action": "SET", "Value": {"S": "x"}}},
            "1 validation error detected: Value 'SET' at 'attributeUpdates.a.member.action' failed to satisfy "
            "constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]",
        ),
    ],
)
def test_attribute_updates_validation(client: Any, table: str, updates: dict[str, Any], message: str) -> None:
    assert _error(client.update_item, TableName=table, Key={"pk": {"S": "k1"}}, AttributeUpdates=updates) == (
        "ValidationException",
        message,
    )


def test_attributes_to_get_projects_get_item(client: Any, table: str) -> None:
    response = client.get_item(TableName=table, Key={"pk": {"S": "k1"}}, AttributesToGet=["a", "n"])
    assert response["Item"] == {"a": {"S": "x"}, "n": {"N": "5"}}
