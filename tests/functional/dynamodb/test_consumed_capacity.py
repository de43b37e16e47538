"""ReturnConsumedCapacity and ReturnItemCollectionMetrics through boto3, with exact numbers.

Expected values, each measured against real DynamoDB:

* nubo-db/dynamodb-conformance tests/tier1/getItem/consumedCapacity.test.ts: a small GetItem costs
  1 strongly consistent, 0.5 eventually consistent; Put/Update/Delete of a small item cost 1; no
  ReadCapacityUnits/WriteCapacityUnits split outside transactions, under TOTAL or INDEXES.
* tests/tier1/putItem/indexConsumedCapacity.test.ts: the index write ladder (GSI INCLUDE + LSI ALL
  table, all items under 1 KB) and BatchWriteItem's per-table entry ``total 3, table 2, gsi 1``.
* tests/tier1/{query,scan}/consumedCapacity.test.ts: a filter or projection does not change the cost.
* tests/tier2/transactions/transactGet.test.ts: 2 read units per Get, a missing item included;
  tests/tier2/partiql/executeTransaction.test.ts: a transactional write reports
  ``WriteCapacityUnits: 2`` and no read split, a token replay ``ReadCapacityUnits: 2``.
* tests/tier1/putItem/itemCollectionMetrics.test.ts: ItemCollectionMetrics on an LSI table names
  the partition key and gives a two-element SizeEstimateRangeGB.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

S = {"S": "x"}


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture()
def plain(client: Any) -> str:
    """A hash-key table without indexes."""
    name = _name("Capacity")
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    return name


@pytest.fixture()
def indexed(client: Any) -> str:
    """The conformance suite's idx_wcu table: GSI gsi-inc (INCLUDE proj) and LSI lsi1 (ALL)."""
    name = _name("IdxWcu")
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsiPk", "lsiSk")
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi-inc",
                "KeySchema": [{"AttributeName": "gsiPk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["proj"]},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "lsi1",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "lsiSk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    return name


def _item(pk: str, **attributes: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": "1"}, **{k: {"S": v} for k, v in attributes.items()}}


def _arms(total: float, table: float, gsi: float | None = None, lsi: float | None = None) -> dict[str, Any]:
    arms: dict[str, Any] = {"CapacityUnits": total, "Table": {"CapacityUnits": table}}
    if lsi is not None:
        arms["LocalSecondaryIndexes"] = {"lsi1": {"CapacityUnits": lsi}}
    if gsi is not None:
        arms["GlobalSecondaryIndexes"] = {"gsi-inc": {"CapacityUnits": gsi}}
    return arms


def test_single_item_operations_report_units_without_a_split(client: Any, plain: str) -> None:
    put = client.put_item(TableName=plain, Item={"pk": {"S": "a"}, "d": S}, ReturnConsumedCapacity="TOTAL")
    strong = client.get_item(
        TableName=plain, Key={"pk": {"S": "a"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    eventual = client.get_item(TableName=plain, Key={"pk": {"S": "a"}}, ReturnConsumedCapacity="TOTAL")
    update = client.update_item(
        TableName=plain,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET d = :v",
        ExpressionAttributeValues={":v": {"S": "y"}},
        ReturnConsumedCapacity="INDEXES",
    )
    delete = client.delete_item(TableName=plain, Key={"pk": {"S": "a"}}, ReturnConsumedCapacity="TOTAL")
    none = client.put_item(TableName=plain, Item={"pk": {"S": "b"}}, ReturnConsumedCapacity="NONE")
    assert put["ConsumedCapacity"] == {"TableName": plain, "CapacityUnits": 1.0}
    assert strong["ConsumedCapacity"] == {"TableName": plain, "CapacityUnits": 1.0}
    assert eventual["ConsumedCapacity"] == {"TableName": plain, "CapacityUnits": 0.5}
    assert update["ConsumedCapacity"] == {
        "TableName": plain,
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }
    assert delete["ConsumedCapacity"] == {"TableName": plain, "CapacityUnits": 1.0}
    assert "ConsumedCapacity" not in none


def test_sizes_round_up_per_unit(client: Any, plain: str) -> None:
    # "pk"(2) + "a"(1) + "d"(1) + 5000 = 5004 bytes: 5 write units, 2 read units (4 KB each).
    item = {"pk": {"S": "a"}, "d": {"S": "x" * 5000}}
    put = client.put_item(TableName=plain, Item=item, ReturnConsumedCapacity="TOTAL")
    get = client.get_item(
        TableName=plain, Key={"pk": {"S": "a"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    # A write costs the larger of the old and new item: shrinking the 5 KB item still costs 5.
    shrink = client.put_item(TableName=plain, Item={"pk": {"S": "a"}}, ReturnConsumedCapacity="TOTAL")
    assert (put["ConsumedCapacity"]["CapacityUnits"], get["ConsumedCapacity"]["CapacityUnits"]) == (5.0, 2.0)
    assert shrink["ConsumedCapacity"]["CapacityUnits"] == 5.0


def test_put_index_arms(client: Any, indexed: str) -> None:
    def put(item: dict[str, Any]) -> dict[str, Any]:
        return client.put_item(TableName=indexed, Item=item, ReturnConsumedCapacity="INDEXES")[
            "ConsumedCapacity"
        ]

    assert put(_item("p1", gsiPk="g1", proj="p")) == {"TableName": indexed, **_arms(2.0, 1.0, gsi=1.0)}
    assert put(_item("p2", other="o")) == {"TableName": indexed, **_arms(1.0, 1.0)}
    assert put(_item("p3", lsiSk="L1")) == {"TableName": indexed, **_arms(2.0, 1.0, lsi=1.0)}
    full = _item("p4", gsiPk="g3", lsiSk="L1", proj="p")
    assert put(full) == {"TableName": indexed, **_arms(3.0, 1.0, gsi=1.0, lsi=1.0)}
    assert put(full) == {"TableName": indexed, **_arms(1.0, 1.0)}
    total = client.put_item(
        TableName=indexed, Item=_item("p5", gsiPk="g", proj="p"), ReturnConsumedCapacity="TOTAL"
    )
    assert total["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 2.0}


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("SET spare = :v", {":v": {"S": "o2"}}, _arms(2.0, 1.0, lsi=1.0)),
        ("SET proj = :v", {":v": {"S": "p2"}}, _arms(3.0, 1.0, gsi=1.0, lsi=1.0)),
        ("SET gsiPk = :v", {":v": {"S": "g-moved"}}, _arms(4.0, 1.0, gsi=2.0, lsi=1.0)),
        ("REMOVE gsiPk", None, _arms(3.0, 1.0, gsi=1.0, lsi=1.0)),
        ("SET lsiSk = :v", {":v": {"S": "L2"}}, _arms(3.0, 1.0, lsi=2.0)),
    ],
)
def test_update_index_ladder(
    client: Any, indexed: str, expression: str, values: dict[str, Any] | None, expected: dict[str, Any]
) -> None:
    client.put_item(TableName=indexed, Item=_item("u", gsiPk="g-ladder", lsiSk="L1", proj="p", spare="o"))
    extra = {} if values is None else {"ExpressionAttributeValues": values}
    response = client.update_item(
        TableName=indexed,
        Key={"pk": {"S": "u"}, "sk": {"S": "1"}},
        UpdateExpression=expression,
        ReturnConsumedCapacity="INDEXES",
        **extra,
    )
    assert response["ConsumedCapacity"] == {"TableName": indexed, **expected}


def test_delete_charges_each_index_the_item_was_in(client: Any, indexed: str) -> None:
    client.put_item(TableName=indexed, Item=_item("d", gsiPk="g", lsiSk="L1", proj="p"))
    client.put_item(TableName=indexed, Item=_item("s", other="o"))
    key = {"sk": {"S": "1"}}
    full = client.delete_item(
        TableName=indexed, Key={"pk": {"S": "d"}, **key}, ReturnConsumedCapacity="INDEXES"
    )
    sparse = client.delete_item(
        TableName=indexed, Key={"pk": {"S": "s"}, **key}, ReturnConsumedCapacity="INDEXES"
    )
    assert full["ConsumedCapacity"] == {"TableName": indexed, **_arms(3.0, 1.0, gsi=1.0, lsi=1.0)}
    assert sparse["ConsumedCapacity"] == {"TableName": indexed, **_arms(1.0, 1.0)}


def test_batch_write_reports_one_entry_per_table(client: Any, indexed: str, plain: str) -> None:
    response = client.batch_write_item(
        RequestItems={
            indexed: [
                {"PutRequest": {"Item": _item("b1", gsiPk="g-batch", proj="p")}},
                {"PutRequest": {"Item": _item("b2", other="o")}},
            ],
            plain: [{"PutRequest": {"Item": {"pk": {"S": "b"}}}}],
        },
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["UnprocessedItems"] == {}
    assert response["ConsumedCapacity"] == [
        {"TableName": indexed, **_arms(3.0, 2.0, gsi=1.0)},
        {"TableName": plain, **_arms(1.0, 1.0)},
    ]


def test_batch_get_reports_per_table_and_rounds_each_item(client: Any, plain: str) -> None:
    client.put_item(TableName=plain, Item={"pk": {"S": "big"}, "d": {"S": "x" * 5000}})
    client.put_item(TableName=plain, Item={"pk": {"S": "small"}})
    keys = [{"pk": {"S": "big"}}, {"pk": {"S": "small"}}, {"pk": {"S": "missing"}}]
    strong = client.batch_get_item(
        RequestItems={plain: {"Keys": keys, "ConsistentRead": True}}, ReturnConsumedCapacity="TOTAL"
    )
    eventual = client.batch_get_item(RequestItems={plain: {"Keys": keys}}, ReturnConsumedCapacity="INDEXES")
    # big: 2 units, small: 1, missing: 1 (each item rounded on its own); half when eventual.
    assert strong["ConsumedCapacity"] == [{"TableName": plain, "CapacityUnits": 4.0}]
    assert eventual["ConsumedCapacity"] == [
        {"TableName": plain, "CapacityUnits": 2.0, "Table": {"CapacityUnits": 2.0}}
    ]


def test_query_and_scan_are_sized_before_filter_and_projection(client: Any, indexed: str) -> None:
    for i in range(6):
        client.put_item(
            TableName=indexed, Item={**_item("q", keep="yes" if i == 0 else "no"), "sk": {"S": f"s{i}"}}
        )
    query = {"TableName": indexed, "KeyConditionExpression": "pk = :p", "ReturnConsumedCapacity": "TOTAL"}
    plain = client.query(**query, ExpressionAttributeValues={":p": {"S": "q"}})
    filtered = client.query(
        **query,
        FilterExpression="keep = :k",
        ExpressionAttributeValues={":p": {"S": "q"}, ":k": {"S": "yes"}},
    )
    projected = client.query(**query, ProjectionExpression="sk", ExpressionAttributeValues={":p": {"S": "q"}})
    scan = client.scan(TableName=indexed, ReturnConsumedCapacity="TOTAL", ConsistentRead=True)
    scan_filtered = client.scan(
        TableName=indexed,
        ReturnConsumedCapacity="TOTAL",
        ConsistentRead=True,
        FilterExpression="keep = :k",
        ExpressionAttributeValues={":k": {"S": "nothing"}},
    )
    assert (plain["Count"], filtered["Count"], scan_filtered["Count"]) == (6, 1, 0)
    # Six items of about 30 bytes: one 4 KB unit, halved for an eventually consistent Query.
    units = [
        r["ConsumedCapacity"]["CapacityUnits"] for r in (plain, filtered, projected, scan, scan_filtered)
    ]
    assert units == [0.5, 0.5, 0.5, 1.0, 1.0]


def test_query_on_an_index_is_charged_to_the_index(client: Any, indexed: str) -> None:
    client.put_item(TableName=indexed, Item=_item("i", gsiPk="g", proj="p"))
    response = client.query(
        TableName=indexed,
        IndexName="gsi-inc",
        KeyConditionExpression="gsiPk = :g",
        ExpressionAttributeValues={":g": {"S": "g"}},
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["ConsumedCapacity"] == {
        "TableName": indexed,
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"gsi-inc": {"CapacityUnits": 0.5}},
    }


def test_transact_get_costs_two_units_per_item(client: Any, plain: str) -> None:
    client.put_item(TableName=plain, Item={"pk": {"S": "t"}})
    gets = [{"Get": {"TableName": plain, "Key": {"pk": {"S": key}}}} for key in ("t", "missing")]
    total = client.transact_get_items(TransactItems=gets, ReturnConsumedCapacity="TOTAL")
    indexes = client.transact_get_items(TransactItems=gets[:1], ReturnConsumedCapacity="INDEXES")
    assert total["ConsumedCapacity"] == [{"TableName": plain, "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}]
    assert indexes["ConsumedCapacity"] == [
        {
            "TableName": plain,
            "CapacityUnits": 2.0,
            "ReadCapacityUnits": 2.0,
            "Table": {"CapacityUnits": 2.0, "ReadCapacityUnits": 2.0},
        }
    ]


def test_transact_write_doubles_and_replays_as_reads(client: Any, plain: str) -> None:
    client.put_item(TableName=plain, Item={"pk": {"S": "checked"}})
    request = {
        "TransactItems": [
            {
                "Update": {
                    "TableName": plain,
                    "Key": {"pk": {"S": "w"}},
                    "UpdateExpression": "SET n = :n",
                    "ExpressionAttributeValues": {":n": {"N": "1"}},
                }
            },
            {
                "ConditionCheck": {
                    "TableName": plain,
                    "Key": {"pk": {"S": "checked"}},
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
        ],
        "ReturnConsumedCapacity": "TOTAL",
        "ClientRequestToken": uuid.uuid4().hex,
    }
    first = client.transact_write_items(**request)
    replay = client.transact_write_items(**request)
    assert first["ConsumedCapacity"] == [
        {"TableName": plain, "CapacityUnits": 4.0, "ReadCapacityUnits": 2.0, "WriteCapacityUnits": 2.0}
    ]
    assert replay["ConsumedCapacity"] == [
        {"TableName": plain, "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}
    ]


def test_item_collection_metrics_only_for_lsi_tables(client: Any, indexed: str, plain: str) -> None:
    metrics = {"ItemCollectionKey": {"pk": {"S": "m"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
    put = client.put_item(TableName=indexed, Item=_item("m", lsiSk="L"), ReturnItemCollectionMetrics="SIZE")
    update = client.update_item(
        TableName=indexed,
        Key={"pk": {"S": "m"}, "sk": {"S": "1"}},
        UpdateExpression="SET d = :d",
        ExpressionAttributeValues={":d": S},
        ReturnItemCollectionMetrics="SIZE",
    )
    batch = client.batch_write_item(
        RequestItems={indexed: [{"PutRequest": {"Item": _item("m", other="o")}}]},
        ReturnItemCollectionMetrics="SIZE",
    )
    delete = client.delete_item(
        TableName=indexed, Key={"pk": {"S": "m"}, "sk": {"S": "1"}}, ReturnItemCollectionMetrics="SIZE"
    )
    without = client.put_item(TableName=plain, Item={"pk": {"S": "m"}}, ReturnItemCollectionMetrics="SIZE")
    none = client.put_item(TableName=indexed, Item=_item("n"), ReturnItemCollectionMetrics="NONE")
    assert [r["ItemCollectionMetrics"] for r in (put, update, delete)] == [metrics] * 3
    assert batch["ItemCollectionMetrics"] == {indexed: [metrics]}
    assert "ItemCollectionMetrics" not in without and "ItemCollectionMetrics" not in none
