"""CreateTable, DescribeTable, ListTables, DeleteTable through boto3 against the real server."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

KEYS = {
    "AttributeDefinitions": [
        {"AttributeName": "Artist", "AttributeType": "S"},
        {"AttributeName": "SongTitle", "AttributeType": "S"},
    ],
    "KeySchema": [
        {"AttributeName": "Artist", "KeyType": "HASH"},
        {"AttributeName": "SongTitle", "KeyType": "RANGE"},
    ],
}


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_create_table_returns_active_description(client: Any) -> None:
    name = _name("Music")
    description = client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)[
        "TableDescription"
    ]
    assert description["TableName"] == name
    assert description["TableStatus"] == "ACTIVE"
    assert description["KeySchema"] == KEYS["KeySchema"]
    assert description["TableArn"] == f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}"
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert description["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 0,
        "WriteCapacityUnits": 0,
    }


def test_create_table_provisioned_echoes_throughput_and_indexes(client: Any) -> None:
    name = _name("Indexed")
    description = client.create_table(
        TableName=name,
        AttributeDefinitions=[
            *KEYS["AttributeDefinitions"],
            {"AttributeName": "Genre", "AttributeType": "S"},
        ],
        KeySchema=KEYS["KeySchema"],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "ByGenre",
                "KeySchema": [{"AttributeName": "Genre", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            }
        ],
        DeletionProtectionEnabled=False,
    )["TableDescription"]
    assert description["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert description["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    assert "BillingModeSummary" not in description
    index = description["GlobalSecondaryIndexes"][0]
    assert index["IndexName"] == "ByGenre"
    assert index["IndexStatus"] == "ACTIVE"
    assert index["IndexArn"] == f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}/index/ByGenre"


def test_describe_table_counts_items(client: Any) -> None:
    name = _name("Described")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)
    client.put_item(TableName=name, Item={"Artist": {"S": "a"}, "SongTitle": {"S": "b"}})
    table = client.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["ItemCount"] == 1


def test_table_exists_waiter_succeeds_at_once(client: Any) -> None:
    name = _name("Waited")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 2})


def test_create_existing_table_is_resource_in_use(client: Any) -> None:
    name = _name("Twice")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)
    with pytest.raises(ClientError) as excinfo:
        client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)
    # "Table already exists: NAME": observed AWS text matched by boto2 user code (GitHub code search,
    # `table_warning.body['message'] == "Table already exists: DB1_table"`) and dynalite actions/createTable.js.
    assert _error(excinfo) == ("ResourceInUseException", f"Table already exists: {name}", 400)


def test_delete_table_returns_deleting_and_removes_items(client: Any) -> None:
    name = _name("Deleted")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)
    client.put_item(TableName=name, Item={"Artist": {"S": "a"}, "SongTitle": {"S": "b"}})
    assert client.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)
    assert "Item" not in client.get_item(TableName=name, Key={"Artist": {"S": "a"}, "SongTitle": {"S": "b"}})


@pytest.mark.parametrize("operation", ["describe_table", "delete_table"])
def test_missing_table_names_the_table(client: Any, operation: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(client, operation)(TableName="NoSuchTable")
    # Control-plane wording: dynalite db/index.js getTable (observed AWS); moto dynamodb/exceptions.py.
    assert _error(excinfo) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: NoSuchTable not found",
        400,
    )


def test_deletion_protection_blocks_delete_table(client: Any) -> None:
    name = _name("Protected")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", DeletionProtectionEnabled=True, **KEYS)
    with pytest.raises(ClientError) as excinfo:
        client.delete_table(TableName=name)
    assert _error(excinfo)[0] == "ValidationException"


def test_list_tables_pages_with_limit(client: Any) -> None:
    prefix = f"pg{uuid.uuid4().hex[:6]}"
    names = [f"{prefix}-{n}" for n in "abc"]
    for name in names:
        client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)
    first = client.list_tables(ExclusiveStartTableName=f"{prefix}-", Limit=2)
    assert first["TableNames"] == names[:2]
    assert first["LastEvaluatedTableName"] == names[1]
    second = client.list_tables(ExclusiveStartTableName=names[1], Limit=1)
    assert second["TableNames"] == [names[2]]


def test_list_tables_limit_out_of_range(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_tables(Limit=101)
    # Coral constraint wording (dynalite index.js comment quoting AWS for 'limit').
    assert _error(excinfo) == (
        "ValidationException",
        (
            "1 validation error detected: Value '101' at 'limit' failed "
            "to satisfy constraint: Member must have value less than or equal to 100"
        ),
        400,
    )


def test_short_table_name(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_table(TableName="ab", BillingMode="PAY_PER_REQUEST", **KEYS)
    # nubo-db/dynamodb-conformance tests/tier3/error-messages/createTable.test.ts (real AWS).
    assert _error(excinfo) == (
        "ValidationException",
        (
            "1 validation error detected: Value 'ab' at 'tableName' "
            "failed to satisfy constraint: Member must have length greater than or equal to 3"
        ),
        400,
    )


def test_table_name_pattern(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_table(TableName="bad table!", BillingMode="PAY_PER_REQUEST", **KEYS)
    # nubo-db/dynamodb-conformance putItem.test.ts; aws/aws-cli#790 (real AWS).
    assert _error(excinfo) == (
        "ValidationException",
        (
            "1 validation error detected: Value 'bad table!' at "
            "'tableName' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: [a-zA-Z0-9_.-]+"
        ),
        400,
    )


def test_key_attribute_without_definition(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_table(
            TableName=_name("Dup"),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "pk", "KeyType": "RANGE"},
            ],
        )
    # nubo-db/dynamodb-conformance createTable.test.ts "duplicate attribute in KeySchema".
    assert _error(excinfo) == (
        "ValidationException",
        "Invalid KeySchema: Some index key attribute have no definition",
        400,
    )


def test_invalid_attribute_type(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_table(
            TableName=_name("Typed"),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "X"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
    # nubo-db/dynamodb-conformance createTable.test.ts "invalid AttributeType".
    assert _error(excinfo) == (
        "ValidationException",
        (
            "1 validation error detected: Value 'X' at "
            "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member "
            "must satisfy enum value set: [B, N, S]"
        ),
        400,
    )


def test_provisioned_without_throughput(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_table(TableName=_name("NoThroughput"), **KEYS)
    # dynalite validations/createTable.js (observed AWS).
    assert _error(excinfo) == (
        "ValidationException",
        (
            "One or more parameter values were invalid: ReadCapacityUnits "
            "and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        ),
        400,
    )
