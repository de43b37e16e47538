"""Secondary indexes through boto3: creation rules, maintenance on writes, Query/Scan on indexes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

DEFINITIONS = [
    {"AttributeName": "pk", "AttributeType": "S"},
    {"AttributeName": "sk", "AttributeType": "S"},
    {"AttributeName": "gpk", "AttributeType": "S"},
    {"AttributeName": "gsk", "AttributeType": "N"},
    {"AttributeName": "lsk", "AttributeType": "N"},
]
KEY_SCHEMA = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]


def _index(name: str, hash_key: str, range_key: str | None, projection: dict[str, Any]) -> dict[str, Any]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key is not None:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return {"IndexName": name, "KeySchema": schema, "Projection": projection}


@pytest.fixture()
def table(client: Any) -> str:
    """A table with a KEYS_ONLY GSI, an INCLUDE GSI (hash only), an ALL GSI and a KEYS_ONLY LSI."""
    name = f"Indexed-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=DEFINITIONS,
        KeySchema=KEY_SCHEMA,
        GlobalSecondaryIndexes=[
            _index("keys", "gpk", "gsk", {"ProjectionType": "KEYS_ONLY"}),
            _index("include", "gpk", None, {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["colour"]}),
            _index("all", "gpk", "gsk", {"ProjectionType": "ALL"}),
        ],
        LocalSecondaryIndexes=[_index("local", "pk", "lsk", {"ProjectionType": "KEYS_ONLY"})],
    )
    items = [
        {"sk": "a", "gpk": "g", "gsk": "3", "lsk": "30", "colour": "red", "size": "L"},
        {"sk": "b", "gpk": "g", "gsk": "1", "lsk": "10", "colour": "blue", "size": "M"},
        {"sk": "c", "gpk": "h", "gsk": "2", "colour": "green"},
        {"sk": "d", "colour": "none"},
    ]
    for spec in items:
        item = {"pk": {"S": "p"}}
        for key, value in spec.items():
            item[key] = {"N": value} if key in ("gsk", "lsk") else {"S": value}
        client.put_item(TableName=name, Item=item)
    return name


def _error(call: Any, **request: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as excinfo:
        call(**request)
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def _gquery(client: Any, table: str, index: str, **extra: Any) -> dict[str, Any]:
    return dict(
        client.query(
            TableName=table,
            IndexName=index,
            KeyConditionExpression="gpk = :g",
            ExpressionAttributeValues={":g": {"S": "g"}},
            **extra,
        )
    )


def test_gsi_query_orders_by_index_sort_key_and_projects_keys_only(client: Any, table: str) -> None:
    response = _gquery(client, table, "keys")
    assert response["Items"] == [
        {"pk": {"S": "p"}, "sk": {"S": "b"}, "gpk": {"S": "g"}, "gsk": {"N": "1"}},
        {"pk": {"S": "p"}, "sk": {"S": "a"}, "gpk": {"S": "g"}, "gsk": {"N": "3"}},
    ]


def test_include_projection_and_sparse_index(client: Any, table: str) -> None:
    response = _gquery(client, table, "include")
    assert sorted(item["sk"]["S"] for item in response["Items"]) == ["a", "b"]
    assert all(set(item) == {"pk", "sk", "gpk", "colour"} for item in response["Items"])
    scanned = client.scan(TableName=table, IndexName="include")
    # Item d has no gpk, so it is in no GSI.
    assert scanned["Count"] == 3


def test_index_follows_updates_and_deletes(client: Any, table: str) -> None:
    key = {"pk": {"S": "p"}, "sk": {"S": "a"}}
    client.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET gpk = :h",
        ExpressionAttributeValues={":h": {"S": "h"}},
    )
    assert [item["sk"]["S"] for item in _gquery(client, table, "all")["Items"]] == ["b"]
    client.delete_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"S": "b"}})
    assert _gquery(client, table, "all")["Items"] == []
    client.update_item(TableName=table, Key=key, UpdateExpression="REMOVE gpk")
    assert client.scan(TableName=table, IndexName="all")["Count"] == 1


def test_gsi_paging_with_exclusive_start_key(client: Any, table: str) -> None:
    first = _gquery(client, table, "all", Limit=1)
    assert first["LastEvaluatedKey"] == {
        "pk": {"S": "p"},
        "sk": {"S": "b"},
        "gpk": {"S": "g"},
        "gsk": {"N": "1"},
    }
    second = _gquery(client, table, "all", Limit=1, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert [item["sk"]["S"] for item in second["Items"]] == ["a"]


def test_lsi_query_and_all_attributes_fetch_from_the_table(client: Any, table: str) -> None:
    response = client.query(
        TableName=table,
        IndexName="local",
        KeyConditionExpression="pk = :p AND lsk > :n",
        ExpressionAttributeValues={":p": {"S": "p"}, ":n": {"N": "5"}},
        ScanIndexForward=False,
    )
    assert response["Items"] == [
        {"pk": {"S": "p"}, "sk": {"S": "a"}, "lsk": {"N": "30"}},
        {"pk": {"S": "p"}, "sk": {"S": "b"}, "lsk": {"N": "10"}},
    ]
    full = client.query(
        TableName=table,
        IndexName="local",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        Select="ALL_ATTRIBUTES",
        ConsistentRead=True,
    )
    assert [item["colour"]["S"] for item in full["Items"]] == ["blue", "red"]


def test_describe_table_counts_index_items(client: Any, table: str) -> None:
    description = client.describe_table(TableName=table)["Table"]
    counts = {index["IndexName"]: index["ItemCount"] for index in description["GlobalSecondaryIndexes"]}
    assert counts == {"keys": 3, "include": 3, "all": 3}
    (local,) = description["LocalSecondaryIndexes"]
    assert (local["ItemCount"], local["IndexArn"]) == (2, description["TableArn"] + "/index/local")
    assert "IndexStatus" not in local
    assert all(index["IndexStatus"] == "ACTIVE" for index in description["GlobalSecondaryIndexes"])
    assert all(index["IndexSizeBytes"] > 0 for index in description["GlobalSecondaryIndexes"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        # conformance tests/tier3/error-messages/query.test.ts
        ({"ConsistentRead": True}, "Consistent reads are not supported on global secondary indexes"),
        # dynalite actions/query.js
        (
            {"Select": "ALL_ATTRIBUTES"},
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
            "global secondary index keys because its projection type is not ALL",
        ),
        (
            {
                "FilterExpression": "gsk > :n",
                "ExpressionAttributeValues": {":g": {"S": "g"}, ":n": {"N": "1"}},
            },
            "Filter Expression can only contain non-primary key attributes: Primary key attribute: gsk",
        ),
    ],
)
def test_index_query_errors(client: Any, table: str, extra: dict[str, Any], message: str) -> None:
    request = {
        "TableName": table,
        "IndexName": "keys",
        "KeyConditionExpression": "gpk = :g",
        "ExpressionAttributeValues": {":g": {"S": "g"}},
        **extra,
    }
    assert _error(client.query, **request) == ("ValidationException", message, 400)


def test_wrong_index_key_type_rejects_the_write(client: Any, table: str) -> None:
    item = {"pk": {"S": "p"}, "sk": {"S": "z"}, "gsk": {"S": "text"}}
    # dynalite db/index.js validateItem (observed AWS wording); GSIs are checked last to first.
    assert _error(client.put_item, TableName=table, Item=item) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index Key gsk Expected: N Actual: S "
        "IndexName: all",
        400,
    )
    assert "Item" not in client.get_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"S": "z"}})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # dynalite validations/createTable.js (observed AWS)
        (
            {"LocalSecondaryIndexes": [_index("lsi1", "gpk", "lsk", {"ProjectionType": "ALL"})]},
            "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key "
            "as table KeySchema for index: lsi1. index hash key: gpk, table hash key: pk",
        ),
        (
            {"LocalSecondaryIndexes": [_index("lsi1", "pk", None, {"ProjectionType": "ALL"})]},
            "One or more parameter values were invalid: Index KeySchema does not have a range key for index: lsi1",
        ),
        (
            {
                "GlobalSecondaryIndexes": [
                    _index("gsi1", "gpk", None, {"ProjectionType": "ALL", "NonKeyAttributes": ["x"]})
                ]
            },
            "One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is specified",
        ),
        (
            {
                "LocalSecondaryIndexes": [
                    _index(f"lsi{i}", "pk", "lsk", {"ProjectionType": "ALL"}) for i in range(6)
                ]
            },
            "One or more parameter values were invalid: LocalSecondaryIndex count exceeds the per-table limit of 5",
        ),
        (
            {"GlobalSecondaryIndexes": [_index("gsi1", "gpk", None, {"ProjectionType": "ALL"})] * 2},
            "One or more parameter values were invalid: Duplicate index name: gsi1",
        ),
    ],
)
def test_create_table_index_rules(client: Any, change: dict[str, Any], message: str) -> None:
    request = {
        "TableName": f"Bad-{uuid.uuid4().hex[:8]}",
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": DEFINITIONS,
        "KeySchema": KEY_SCHEMA,
        **change,
    }
    assert _error(client.create_table, **request) == ("ValidationException", message, 400)
