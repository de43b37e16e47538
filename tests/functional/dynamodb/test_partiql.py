"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction through boto3 against the real server.

Expected behaviour and messages: nubo-db/dynamodb-conformance tests/tier2/partiql/*.test.ts and
tests/tier3/error-messages/partiql*.test.ts (captured from AWS, eu-west-2); floci
DynamoDbPartiQLEdgeCaseIntegrationTest (captured from AWS); DynamoDB Local's decompiled
ValidationExceptionMessages where noted.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

NOT_FOUND = ("ResourceNotFoundException", "Requested resource not found", 400)


@pytest.fixture(scope="module")
def table(client: Any) -> str:
    """pk (S) + sk (N), a KEYS_ONLY GSI on g and an LSI on l; items a/1..a/3 and b/1."""
    name = f"Pq-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    for pk, sk in (("a", 1), ("a", 2), ("a", 3), ("b", 1)):
        client.put_item(
            TableName=name,
            Item={"pk": {"S": pk}, "sk": {"N": str(sk)}, "v": {"S": f"{pk}{sk}"}, "g": {"S": "G"}},
        )
    return name


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def _run(client: Any, statement: str, *parameters: Any, **extra: Any) -> Any:
    if parameters:
        extra["Parameters"] = list(parameters)
    return client.execute_statement(Statement=statement, **extra)


def _fails(client: Any, statement: str, *parameters: Any, **extra: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        _run(client, statement, *parameters, **extra)
    return _error(caught)


def _get(client: Any, table: str, pk: str, sk: int) -> Any:
    return client.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"N": str(sk)}}).get("Item")


# -- SELECT ---------------------------------------------------------------------------------


def test_select_by_full_key_with_projection(client: Any, table: str) -> None:
    response = _run(client, f'SELECT v, sk FROM "{table}" WHERE pk = ? AND sk = 2', {"S": "a"})
    assert response["Items"] == [{"v": {"S": "a2"}, "sk": {"N": "2"}}]


def test_select_query_with_sort_key_condition_filter_and_order(client: Any, table: str) -> None:
    statement = f"SELECT sk FROM \"{table}\" WHERE pk = 'a' AND sk >= 2 AND v <> 'a3' ORDER BY sk DESC"
    assert _run(client, statement)["Items"] == [{"sk": {"N": "2"}}]
    ordered = _run(client, f"SELECT sk FROM \"{table}\" WHERE pk = 'a' ORDER BY sk DESC")["Items"]
    assert ordered == [{"sk": {"N": "3"}}, {"sk": {"N": "2"}}, {"sk": {"N": "1"}}]


def test_select_in_and_functions(client: Any, table: str) -> None:
    statement = (
        f"SELECT v FROM \"{table}\" WHERE pk IN ['b', 'a'] AND begins_with(v, 'a') AND NOT contains(v, '3') "
        "AND missing_attr IS MISSING AND v IS NOT MISSING"
    )
    assert _run(client, statement)["Items"] == [{"v": {"S": "a1"}}, {"v": {"S": "a2"}}]


def test_full_scan_pages_with_limit_and_next_token(client: Any, table: str) -> None:
    statement = f"SELECT pk, sk FROM \"{table}\" WHERE v BETWEEN 'a2' AND 'b1'"
    first = _run(client, statement, Limit=2)
    seen = first["Items"]
    token = first.get("NextToken")
    while token:
        page = _run(client, statement, Limit=2, NextToken=token)
        seen += page["Items"]
        token = page.get("NextToken")
    assert sorted((i["pk"]["S"], i["sk"]["N"]) for i in seen) == [("a", "2"), ("a", "3"), ("b", "1")]


def test_select_through_a_keys_only_index(client: Any, table: str) -> None:
    # conformance tests/tier2/partiql/indexQualifier.test.ts: SELECT * is the index projection (AWS).
    items = _run(client, f'SELECT * FROM "{table}"."by-g" WHERE g = \'G\'')["Items"]
    assert len(items) == 4
    assert all(sorted(item) == ["g", "pk", "sk"] for item in items)


def test_index_messages(client: Any, table: str) -> None:
    # conformance tests/tier3/error-messages/partiqlIndexQualifier.test.ts (AWS).
    assert _fails(client, f'SELECT * FROM "{table}"."nope" WHERE pk = \'a\'') == (
        "ValidationException",
        "The table does not have the specified index",
        400,
    )
    assert _fails(client, f'SELECT * FROM "{table}"."by-g" WHERE g = \'G\'', ConsistentRead=True) == (
        "ValidationException",
        "Strongly consistent read is not supported on Global Secondary Indexes",
        400,
    )
    assert _fails(client, f'SELECT v FROM "{table}"."by-g" WHERE g = \'G\'')[1] == (
        "One or more parameter values were invalid: Global secondary index by-g does not project [v]"
    )
    assert _fails(client, f"SELECT pk FROM \"{table}\".\"by-g\" WHERE g = 'G' AND v = 'a1'")[1] == (
        "One or more parameter values were invalid: Secondary index by-g does not project one or more "
        "filter attributes: [v]"
    )


def test_statement_errors(client: Any, table: str) -> None:
    # conformance batchExecuteStatement.test.ts and partiql.test.ts (AWS).
    assert _fails(client, f'SLECT * FROM "{table}"') == (
        "ValidationException",
        "Statement wasn't well formed, can't be processed: Expected data manipulation",
        400,
    )
    assert _fails(client, "SELECT * FROM \"Missing-Table\" WHERE pk = 'a'") == NOT_FOUND
    assert _fails(client, f"SELECT pk FROM \"{table}\" WHERE pk = 'a' AND v < ?", {"BOOL": True})[1] == (
        "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"
    )


# -- writes ---------------------------------------------------------------------------------


def test_insert_then_duplicate(client: Any, table: str) -> None:
    statement = f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 10, 'l': [1, 'x'], 's': <<'q'>>}}"
    assert _run(client, statement, {"S": "ins"})["Items"] == []
    assert _get(client, table, "ins", 10) == {
        "pk": {"S": "ins"},
        "sk": {"N": "10"},
        "l": {"L": [{"N": "1"}, {"S": "x"}]},
        "s": {"SS": ["q"]},
    }
    # conformance executeStatement.test.ts (AWS); text: DynamoDB Local DUPLICATE_ITEM_IN_TABLE.
    assert _fails(client, statement, {"S": "ins"}) == (
        "DuplicateItemException",
        "Duplicate primary key exists in table",
        400,
    )


def test_update_returning_and_conditions(client: Any, table: str) -> None:
    client.put_item(
        TableName=table,
        Item={"pk": {"S": "upd"}, "sk": {"N": "1"}, "n": {"N": "5"}, "tags": {"L": [{"S": "a"}, {"S": "b"}]}},
    )
    statement = f"UPDATE \"{table}\" SET n = n + 1, tags[1] = 'y' WHERE pk = 'upd' AND sk = 1 RETURNING MODIFIED OLD *"
    assert _run(client, statement)["Items"] == [{"n": {"N": "5"}, "tags": {"L": [{"S": "b"}]}}]
    statement = f"UPDATE \"{table}\" REMOVE tags WHERE pk = 'upd' AND sk = 1 AND n = 6 RETURNING ALL NEW *"
    assert _run(client, statement)["Items"] == [{"pk": {"S": "upd"}, "sk": {"N": "1"}, "n": {"N": "6"}}]
    # conformance executeStatement.test.ts: a false extra term and a missing item fail the condition (AWS).
    failed = ("ConditionalCheckFailedException", "The conditional request failed", 400)
    assert _fails(client, f"UPDATE \"{table}\" SET n = 0 WHERE pk = 'upd' AND sk = 1 AND n = 1") == failed
    assert _fails(client, f"UPDATE \"{table}\" SET n = 0 WHERE pk = 'ghost' AND sk = 1") == failed
    assert _get(client, table, "ghost", 1) is None
    assert _fails(client, f"UPDATE \"{table}\" SET n = 0 WHERE pk = 'upd'")[1] == (
        "Where clause does not contain a mandatory equality on all key attributes"
    )


def test_delete_returning_and_no_op(client: Any, table: str) -> None:
    client.put_item(TableName=table, Item={"pk": {"S": "del"}, "sk": {"N": "1"}, "v": {"S": "x"}})
    statement = f"DELETE FROM \"{table}\" WHERE pk = 'del' AND sk = 1 AND v = 'x' RETURNING ALL OLD *"
    assert _run(client, statement)["Items"] == [{"pk": {"S": "del"}, "sk": {"N": "1"}, "v": {"S": "x"}}]
    # conformance executeStatement.test.ts: deleting a missing item is a no-op, even with a condition (AWS).
    assert _run(client, statement)["Items"] == []
    # conformance tests/tier3/error-messages/partiql.test.ts (AWS).
    assert _fails(client, f"DELETE FROM \"{table}\" WHERE pk = 'x' AND sk = 1 RETURNING ALL NEW *")[1] == (
        "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."
    )


# -- BatchExecuteStatement ------------------------------------------------------------------


def test_batch_answers_each_member(client: Any, table: str) -> None:
    client.put_item(TableName=table, Item={"pk": {"S": "bat"}, "sk": {"N": "1"}})
    responses = client.batch_execute_statement(
        Statements=[
            {"Statement": f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1', "Parameters": [{"S": "a"}]},
            {"Statement": f"SELECT * FROM \"{table}\" WHERE v = 'a1'"},
            {"Statement": f'SLECT * FROM "{table}"'},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'bat', 'sk': 1}}"},
            {"Statement": f"UPDATE \"{table}\" SET t = 1 WHERE pk = 'bat' AND sk = 1 AND v = 'no'"},
            {"Statement": "SELECT * FROM \"Missing-Table\" WHERE pk = 'a' AND sk = 1"},
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'bat' AND sk = 1 RETURNING ALL OLD *"},
        ]
    )["Responses"]
    assert responses == [
        {"TableName": table, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "a1"}, "g": {"S": "G"}}},
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Select statements within BatchExecuteStatement must specify the primary key in the "
                "where clause.",
            }
        },
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Statement wasn't well formed, can't be processed: Expected data manipulation",
            }
        },
        {
            "TableName": table,
            "Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        },
        {
            "TableName": table,
            "Error": {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        },
        {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}},
        {"TableName": table, "Item": {"pk": {"S": "bat"}, "sk": {"N": "1"}}},
    ]


# -- ExecuteTransaction ---------------------------------------------------------------------


def test_transaction_writes_and_rolls_back(client: Any, table: str) -> None:
    insert = f"INSERT INTO \"{table}\" VALUE {{'pk': 'tx', 'sk': ?}}"
    assert (
        client.execute_transaction(
            TransactStatements=[{"Statement": insert, "Parameters": [{"N": "1"}]}]
        ).get("Responses")
        is None
    )
    with pytest.raises(ClientError) as caught:
        client.execute_transaction(
            TransactStatements=[
                {"Statement": insert, "Parameters": [{"N": "2"}]},
                {"Statement": insert, "Parameters": [{"N": "1"}]},
                {"Statement": f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 1 AND v = 'a1')"},
            ]
        )
    code, message, status = _error(caught)
    assert (code, status) == ("TransactionCanceledException", 400)
    assert message == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, DuplicateItem, None]"
    )
    assert caught.value.response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        {"Code": "None"},
    ]
    assert _get(client, table, "tx", 2) is None


def test_transaction_reads(client: Any, table: str) -> None:
    select = f'SELECT * FROM "{table}" WHERE pk = ? AND sk = ?'
    responses = client.execute_transaction(
        TransactStatements=[
            {"Statement": select, "Parameters": [{"S": "b"}, {"N": "1"}]},
            {"Statement": select, "Parameters": [{"S": "b"}, {"N": "9"}]},
        ]
    )["Responses"]
    assert responses == [
        {"Item": {"pk": {"S": "b"}, "sk": {"N": "1"}, "v": {"S": "b1"}, "g": {"S": "G"}}},
        {},
    ]


def test_transaction_token_replays_once(client: Any, table: str) -> None:
    # conformance executeTransaction.test.ts: a replay does not apply the write twice (AWS).
    client.put_item(TableName=table, Item={"pk": {"S": "idem"}, "sk": {"N": "1"}, "n": {"N": "0"}})
    statements = [{"Statement": f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 'idem' AND sk = 1"}]
    token = uuid.uuid4().hex
    client.execute_transaction(TransactStatements=statements, ClientRequestToken=token)
    client.execute_transaction(TransactStatements=statements, ClientRequestToken=token)
    assert _get(client, table, "idem", 1)["n"] == {"N": "1"}


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE \"{t}\" SET v = 'x' WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *",
            "RETURNING clause is not supported in ExecuteTransaction.",
        ),
        (
            'SELECT * FROM "{t}"."by-g" WHERE g = \'G\'',
            "Reads on indices are not supported within transactions.",
        ),
        (
            "SELECT * FROM \"{t}\" WHERE pk = 'a' AND sk = 1 AND v = 'a1'",
            "Select statements within ExecuteTransaction must specify the primary key in the where clause.",
        ),
    ],
)
def test_transaction_statement_errors(client: Any, table: str, statement: str, message: str) -> None:
    # conformance tests/tier3/error-messages/partiql*.test.ts; floci readsOnlyByTheKeyInATransaction (AWS).
    with pytest.raises(ClientError) as caught:
        client.execute_transaction(TransactStatements=[{"Statement": statement.format(t=table)}])
    assert _error(caught) == (
        "ValidationException",
        f"Validation failed in TransactStatements[0]: {message}",
        400,
    )
