"""Actions and resources each operation needs (Service Authorization Reference for DynamoDB; see permissions.py)."""

from serverlite.dynamodb.permissions import needs


def _actions(operation, request):
    return [(n.action, n.table, n.index, n.resource) for n in needs(operation, request)]


def test_simple_operations_use_their_own_name_on_the_table_or_index():
    assert _actions("PutItem", {"TableName": "T", "Item": {}}) == [("dynamodb:PutItem", "T", None, None)]
    assert _actions("Query", {"TableName": "T", "IndexName": "I"}) == [("dynamodb:Query", "T", "I", None)]
    assert _actions("ListTables", {}) == [("dynamodb:ListTables", None, None, "*")]


def test_batches_and_transactions():
    batch = {"RequestItems": {"A": [{"PutRequest": {"Item": {}}}], "B": [{"DeleteRequest": {"Key": {}}}]}}
    assert _actions("BatchWriteItem", batch) == [
        ("dynamodb:BatchWriteItem", "A", None, None),
        ("dynamodb:BatchWriteItem", "B", None, None),
    ]
    transact = {"TransactItems": [{"Put": {"TableName": "A"}}, {"ConditionCheck": {"TableName": "B"}}]}
    found = needs("TransactWriteItems", transact)
    assert [(n.action, n.table) for n in found] == [
        ("dynamodb:PutItem", "A"),
        ("dynamodb:ConditionCheckItem", "B"),
    ]
    assert found[0].values["dynamodb:enclosingoperation"] == "TransactWriteItems"


def test_partiql_statements():
    assert _actions("ExecuteStatement", {"Statement": 'SELECT * FROM "Music"."ByAlbum" WHERE x = 1'}) == [
        ("dynamodb:PartiQLSelect", "Music", "ByAlbum", None)
    ]
    assert _actions("ExecuteStatement", {"Statement": "update Music set a = 1 where k = 'x'"}) == [
        ("dynamodb:PartiQLUpdate", "Music", None, None)
    ]
    statements = {
        "Statements": [{"Statement": "INSERT INTO \"M\" VALUE {'k': 'v'}"}, {"Statement": "DELETE FROM M"}]
    }
    assert [a for a, *_ in _actions("BatchExecuteStatement", statements)] == [
        "dynamodb:PartiQLInsert",
        "dynamodb:PartiQLDelete",
    ]


def test_streams_use_the_stream_arn():
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2024"
    assert _actions("GetRecords", {"ShardIterator": arn + "|1|abc"}) == [
        ("dynamodb:GetRecords", None, None, arn)
    ]


def test_query_leading_key_and_attributes():
    request = {
        "TableName": "T",
        "KeyConditionExpression": "#p = :p AND begins_with(SortKey, :s)",
        "ExpressionAttributeNames": {"#p": "Artist"},
        "ExpressionAttributeValues": {":p": {"S": "alice"}, ":s": {"S": "x"}},
        "ProjectionExpression": "#p, Album.Title, Tracks[0]",
    }
    (need,) = needs("Query", request)
    assert need.keys == [{"Artist": {"S": "alice"}}]
    assert need.attributes == frozenset({"Artist", "Album", "Tracks"})
