"""PutItem, GetItem, UpdateItem, DeleteItem and their errors, through boto3 against the real server."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

KEY = {"Artist": {"S": "Acme Band"}, "SongTitle": {"S": "Happy Day"}}


@pytest.fixture()
def table(client: Any) -> str:
    """A fresh Music table (hash Artist, range SongTitle)."""
    name = f"Music-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "Artist", "AttributeType": "S"},
            {"AttributeName": "SongTitle", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "Artist", "KeyType": "HASH"},
            {"AttributeName": "SongTitle", "KeyType": "RANGE"},
        ],
    )
    return name


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def _put(client: Any, table: str, **attributes: Any) -> None:
    client.put_item(TableName=table, Item={**KEY, **attributes})


def test_put_then_get_round_trips_every_type(client: Any, table: str) -> None:
    item = {
        **KEY,
        "Year": {"N": "2015.50"},
        "Blob": {"B": b"\x00\xff"},
        "Tags": {"SS": ["a", "b"]},
        "Scores": {"NS": ["1", "2.0"]},
        "Meta": {"M": {"x": {"BOOL": True}, "n": {"NULL": True}}},
        "List": {"L": [{"S": "p"}, {"N": "3"}]},
        "Empty": {"S": ""},
    }
    client.put_item(TableName=table, Item=item)
    got = client.get_item(TableName=table, Key=KEY, ConsistentRead=True)["Item"]
    assert got["Year"] == {"N": "2015.5"}
    assert got["Scores"] == {"NS": ["1", "2"]}
    assert got["Blob"] == {"B": b"\x00\xff"}
    assert got["Meta"] == item["Meta"]
    assert got["List"] == item["List"]
    assert list(got) == list(item)


def test_get_missing_item_has_no_item(client: Any, table: str) -> None:
    assert "Item" not in client.get_item(TableName=table, Key=KEY)


def test_get_with_projection_expression(client: Any, table: str) -> None:
    _put(client, table, Year={"N": "2015"}, Info={"M": {"Genre": {"S": "Rock"}, "Label": {"S": "X"}}})
    got = client.get_item(
        TableName=table,
        Key=KEY,
        ProjectionExpression="#y, Info.Genre",
        ExpressionAttributeNames={"#y": "Year"},
    )["Item"]
    assert got == {"Year": {"N": "2015"}, "Info": {"M": {"Genre": {"S": "Rock"}}}}


def test_put_returns_all_old(client: Any, table: str) -> None:
    _put(client, table, Year={"N": "1"})
    response = client.put_item(TableName=table, Item={**KEY, "Year": {"N": "2"}}, ReturnValues="ALL_OLD")
    assert response["Attributes"] == {**KEY, "Year": {"N": "1"}}


def test_put_condition_fails_with_conditional_check_failed(client: Any, table: str) -> None:
    _put(client, table)
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item=KEY, ConditionExpression="attribute_not_exists(Artist)")
    # nubo-db/dynamodb-conformance tests/tier3/error-messages/conditionalCheck.test.ts (real AWS).
    assert _error(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed", 400)


def test_condition_failure_can_return_old_item(client: Any, table: str) -> None:
    _put(client, table, Year={"N": "1"})
    with pytest.raises(ClientError) as excinfo:
        client.put_item(
            TableName=table,
            Item=KEY,
            ConditionExpression="attribute_not_exists(Artist)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert excinfo.value.response["Item"] == {**KEY, "Year": {"N": "1"}}  # type: ignore[typeddict-item]


def test_update_creates_missing_item_and_returns_all_new(client: Any, table: str) -> None:
    response = client.update_item(
        TableName=table,
        Key=KEY,
        UpdateExpression="SET Plays = if_not_exists(Plays, :zero) + :one, #s = :s",
        ExpressionAttributeNames={"#s": "Status"},
        ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}, ":s": {"S": "new"}},
        ReturnValues="ALL_NEW",
    )
    assert response["Attributes"] == {**KEY, "Plays": {"N": "1"}, "Status": {"S": "new"}}


def test_update_return_values_updated_old_and_new(client: Any, table: str) -> None:
    _put(client, table, Plays={"N": "5"}, Note={"S": "x"})
    old = client.update_item(
        TableName=table,
        Key=KEY,
        UpdateExpression="ADD Plays :n",
        ExpressionAttributeValues={":n": {"N": "2"}},
        ReturnValues="UPDATED_OLD",
    )
    assert old["Attributes"] == {"Plays": {"N": "5"}}
    new = client.update_item(
        TableName=table,
        Key=KEY,
        UpdateExpression="REMOVE Note SET Fans = :f",
        ExpressionAttributeValues={":f": {"SS": ["a"]}},
        ReturnValues="UPDATED_NEW",
    )
    assert new["Attributes"] == {"Fans": {"SS": ["a"]}}
    assert client.update_item(
        TableName=table,
        Key=KEY,
        UpdateExpression="DELETE Fans :f",
        ExpressionAttributeValues={":f": {"SS": ["a"]}},
        ReturnValues="ALL_OLD",
    )["Attributes"]["Plays"] == {"N": "7"}
    assert "Fans" not in client.get_item(TableName=table, Key=KEY)["Item"]


def test_update_nested_paths_and_list_append(client: Any, table: str) -> None:
    _put(client, table, Info={"M": {"Tracks": {"L": [{"S": "one"}]}}})
    client.update_item(
        TableName=table,
        Key=KEY,
        UpdateExpression="SET Info.Tracks = list_append(Info.Tracks, :t), Info.Label = Info.Tracks[0]",
        ExpressionAttributeValues={":t": {"L": [{"S": "two"}]}},
    )
    info = client.get_item(TableName=table, Key=KEY)["Item"]["Info"]
    assert info == {"M": {"Tracks": {"L": [{"S": "one"}, {"S": "two"}]}, "Label": {"S": "one"}}}


def test_update_overlapping_paths(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="SET Info.Tracks = :t, Info.Tracks[0] = :t",
            ExpressionAttributeValues={":t": {"S": "x"}},
        )
    # Real AWS wording quoted in HENNGE/aiodynamo#2; dynalite db/updateParser.pegjs renders indexes as [0].
    assert _error(excinfo) == (
        "ValidationException",
        (
            "Invalid UpdateExpression: Two document paths overlap with "
            "each other; must remove or rewrite one of these paths; path one: [Info, Tracks], "
            "path two: [Info, Tracks, [0]]"
        ),
        400,
    )


def test_update_condition_fails_without_creating(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="SET Plays = :one",
            ConditionExpression="attribute_exists(Artist)",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
    assert _error(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed", 400)
    assert "Item" not in client.get_item(TableName=table, Key=KEY)


def test_update_key_attribute_is_rejected(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="SET SongTitle = :v",
            ExpressionAttributeValues={":v": {"S": "x"}},
        )
    # nubo-db/dynamodb-conformance tests/tier3/error-messages/updateItem.test.ts.
    assert _error(excinfo) == (
        "ValidationException",
        (
            "One or more parameter values were invalid: Cannot update "
            "attribute SongTitle. This attribute is part of the key"
        ),
        400,
    )


def test_update_syntax_error(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="ADD hits : incr",
            ExpressionAttributeValues={":incr": {"N": "1"}},
        )
    # Real AWS answer quoted in aws/aws-cdk#7591.
    assert _error(excinfo) == (
        "ValidationException",
        ('Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"'),
        400,
    )


def test_update_reserved_word(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="SET name = :v",
            ExpressionAttributeValues={":v": {"S": "x"}},
        )
    # dynalite db/updateParser.pegjs; moto AttributeIsReservedKeyword (observed AWS).
    assert _error(excinfo) == (
        "ValidationException",
        ("Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"),
        400,
    )


def test_condition_reserved_word(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item=KEY, ConditionExpression="attribute_not_exists(status)")
    # moto ConditionAttributeIsReservedKeyword; dynalite db/conditionParser.pegjs.
    assert _error(excinfo) == (
        "ValidationException",
        ("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"),
        400,
    )


def test_unused_expression_attribute_values(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="SET a = :v",
            ExpressionAttributeValues={":v": {"S": "x"}, ":x": {"S": "y"}},
        )
    # nubo-db/dynamodb-conformance tests/tier3/error-messages/updateItem.test.ts.
    assert _error(excinfo) == (
        "ValidationException",
        ("Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"),
        400,
    )


def test_undefined_expression_attribute_value(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_item(TableName=table, Key=KEY, UpdateExpression="SET a = :v")
    # nubo-db/dynamodb-conformance tests/tier3/error-messages/updateItem.test.ts.
    assert _error(excinfo) == (
        "ValidationException",
        (
            "Invalid UpdateExpression: An expression attribute value used "
            "in expression is not defined; attribute value: :v"
        ),
        400,
    )


def test_update_operand_missing_attribute(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="SET a = b + :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
    # moto AttributeDoesNotExist; dynalite actions/updateItem.js resolveValue (observed AWS).
    assert _error(excinfo) == (
        "ValidationException",
        ("The provided expression refers to an attribute that does not exist in the item"),
        400,
    )


def test_delete_item_with_condition_and_return_values(client: Any, table: str) -> None:
    _put(client, table, Year={"N": "1"})
    with pytest.raises(ClientError) as excinfo:
        client.delete_item(
            TableName=table,
            Key=KEY,
            ConditionExpression="#y = :v",
            ExpressionAttributeNames={"#y": "Year"},
            ExpressionAttributeValues={":v": {"N": "2"}},
        )
    assert _error(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed", 400)
    response = client.delete_item(
        TableName=table,
        Key=KEY,
        ConditionExpression="#y BETWEEN :lo AND :hi",
        ExpressionAttributeNames={"#y": "Year"},
        ExpressionAttributeValues={":lo": {"N": "0"}, ":hi": {"N": "1"}},
        ReturnValues="ALL_OLD",
    )
    assert response["Attributes"] == {**KEY, "Year": {"N": "1"}}
    assert "Item" not in client.get_item(TableName=table, Key=KEY)


@pytest.mark.parametrize("operation", ["get_item", "delete_item", "update_item"])
def test_item_operation_on_missing_table(client: Any, operation: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(client, operation)(TableName="NoSuchTable", Key=KEY)
    # nubo-db/dynamodb-conformance getItem.test.ts / deleteItem.test.ts: item operations do not name the table.
    assert _error(excinfo) == ("ResourceNotFoundException", "Requested resource not found", 400)


def test_put_on_missing_table(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName="NoSuchTable", Item=KEY)
    assert _error(excinfo) == ("ResourceNotFoundException", "Requested resource not found", 400)


@pytest.mark.parametrize(
    "key",
    [{"Artist": {"S": "a"}}, {"Artist": {"N": "1"}, "SongTitle": {"S": "b"}}, {**KEY, "Extra": {"S": "c"}}],
)
def test_key_not_matching_schema(client: Any, table: str, key: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_item(TableName=table, Key=key)
    # nubo-db/dynamodb-conformance getItem.test.ts "malformed Key"; dynalite db/index.js validateKey.
    assert _error(excinfo) == (
        "ValidationException",
        "The provided key element does not match the schema",
        400,
    )


def test_put_item_missing_key(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item={"Artist": {"S": "a"}})
    # dynalite db/index.js validateItem (observed AWS).
    assert _error(excinfo) == (
        "ValidationException",
        ("One or more parameter values were invalid: Missing the key SongTitle in the item"),
        400,
    )


def test_put_item_wrong_key_type(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item={"Artist": {"S": "a"}, "SongTitle": {"N": "1"}})
    # dynalite db/index.js validateItem; moto InvalidAttributeTypeError.
    assert _error(excinfo) == (
        "ValidationException",
        ("One or more parameter values were invalid: Type mismatch for key SongTitle expected: S actual: N"),
        400,
    )


def test_empty_string_key(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item={"Artist": {"S": ""}, "SongTitle": {"S": "b"}})
    # The S analogue of nubo-db/dynamodb-conformance putItem.test.ts "empty-binary item key value".
    assert _error(excinfo) == (
        "ValidationException",
        (
            "One or more parameter values are not valid. The "
            "AttributeValue for a key attribute cannot contain an empty string value. Key: Artist"
        ),
        400,
    )


def test_item_too_large(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item={**KEY, "Big": {"S": "x" * (400 * 1024)}})
    # moto ItemSizeTooLarge; dynalite validations/putItem.js.
    assert _error(excinfo) == ("ValidationException", "Item size has exceeded the maximum allowed size", 400)


def test_invalid_number(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item={**KEY, "Year": {"N": "abc"}})
    # dynalite validations/index.js checkNum (observed AWS).
    assert _error(excinfo) == (
        "ValidationException",
        "The parameter cannot be converted to a numeric value: abc",
        400,
    )


def test_empty_string_set(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item={**KEY, "Tags": {"SS": []}})
    # nubo-db/dynamodb-conformance putItem.test.ts (note AWS's double space).
    assert _error(excinfo) == (
        "ValidationException",
        ("One or more parameter values were invalid: An string set  may not be empty"),
        400,
    )


def test_put_return_values_all_new_rejected(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item=KEY, ReturnValues="ALL_NEW")
    # dynalite validations/putItem.js (observed AWS).
    assert _error(excinfo) == ("ValidationException", "ReturnValues can only be ALL_OLD or NONE", 400)


def test_item_table_name_too_long(client: Any) -> None:
    name = "a" * 256
    with pytest.raises(ClientError) as excinfo:
        client.get_item(TableName=name, Key=KEY)
    # nubo-db/dynamodb-conformance putItem.test.ts "table name too long".
    assert _error(excinfo) == (
        "ValidationException",
        (
            f"1 validation error detected: Value '{name}' at 'tableName' "
            "failed to satisfy constraint: Member must have length less than or equal to 255"
        ),
        400,
    )


def test_expression_values_without_expression(client: Any, table: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=table, Item=KEY, ExpressionAttributeValues={":v": {"S": "x"}})
    # nubo-db/dynamodb-conformance putItem.test.ts (prefix), dynalite validations/index.js (full text).
    assert _error(excinfo) == (
        "ValidationException",
        (
            "ExpressionAttributeValues can only be specified when using "
            "expressions: ConditionExpression is null"
        ),
        400,
    )
