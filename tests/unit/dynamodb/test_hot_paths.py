"""The per-request shortcuts give exactly what the general code gives.

Each shortcut (GetItem's plain request, the constraint pre-check, the request-order shape check,
answers built from stored JSON text, the walk cache, copy-on-write updates, the header-line cache,
the JSON decode shortcut) is compared here with the general path it stands in for, on valid and
invalid input alike.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serverlite.dynamodb import connection, protocol, shapes
from serverlite.dynamodb.errors import DynamoDBError
from serverlite.dynamodb.expressions import names, parser
from serverlite.dynamodb.expressions.names import ExpressionContext
from serverlite.dynamodb.expressions.update import apply_update
from serverlite.dynamodb.operations import get_item, item_request, query
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.shapes import Constraints
from serverlite.dynamodb.storage.database import Database, open_database
from serverlite.dynamodb.values import compact_json

SETTINGS = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
ENVIRONMENT = Environment(
    region="us-east-1", account_id="123456789012", clock=lambda: 0.0, new_id=lambda: "id"
)
TARGET = "DynamoDB_20120810."

# JSON values of every kind, right and wrong, for request members.
_ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(
        ["", "ab", "Tab", "Tab!", "TOTAL", "INDEXES", "NONE", "SIZE", "ALL_OLD", "AND", "EQ", "x" * 256]
    ),
    st.just([]),
    st.just({}),
    st.just(["a"]),
)
_VALUE = st.one_of(
    st.fixed_dictionaries({"S": st.sampled_from(["", "a", "é", "x" * 3000])}),
    st.fixed_dictionaries({"N": st.sampled_from(["1", "01", "1.50", "1e3", "x", "", "-0"])}),
    st.fixed_dictionaries({"B": st.sampled_from(["AAE=", "!!", ""])}),
    st.fixed_dictionaries({"S": _ANY}),
    st.fixed_dictionaries({"BOOL": _ANY}),
    st.just({"S": "a", "N": "1"}),
    st.just({}),
    _ANY,
)
_KEY = st.dictionaries(st.sampled_from(["pk", "sk", "other"]), _VALUE, max_size=3)


def _outcome(call: Any, *args: Any) -> Any:
    """What a call returns, or the error it raises (type and message)."""
    try:
        return call(*args)
    except DynamoDBError as error:
        return (type(error).__name__, error.message)
    except Exception as error:  # noqa: BLE001 - a crash must be the same crash
        return (type(error).__name__, str(error))


# -- GetItem's plain request ----------------------------------------------------------------------


def _general_get(request: dict[str, Any]) -> get_item.GetItemRequest:
    item_request.check_request(request, "GetItem")
    return get_item.parse(request)


@SETTINGS
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "TableName": _ANY,
            "Key": st.one_of(_KEY, _ANY),
            "ConsistentRead": _ANY,
            "ReturnConsumedCapacity": _ANY,
            "ProjectionExpression": st.sampled_from(["a", "#n", ""]),
            "ExpressionAttributeNames": st.sampled_from([{"#n": "a"}, {}]),
        },
    )
)
def test_get_item_validation_is_the_general_one(request: dict[str, Any]) -> None:
    assert _outcome(get_item.validate, request) == _outcome(_general_get, request)


def test_the_plain_get_item_request_takes_the_shortcut() -> None:
    request = {"TableName": "Tab", "Key": {"pk": {"S": "a"}, "sk": {"N": "1.50"}}, "ConsistentRead": True}
    assert get_item._plain(request) == _general_get(request)
    assert get_item._plain({**request, "ProjectionExpression": "a"}) is None


# -- constraints and shapes ------------------------------------------------------------------------


@SETTINGS
@given(
    st.sampled_from(["GetItem", "PutItem", "UpdateItem", "DeleteItem"]),
    st.fixed_dictionaries(
        {},
        optional={
            member: _ANY
            for member in (
                "TableName",
                "Key",
                "Item",
                "ReturnValues",
                "ReturnConsumedCapacity",
                "ReturnItemCollectionMetrics",
                "ReturnValuesOnConditionCheckFailure",
                "ConditionalOperator",
                "AttributesToGet",
            )
        },
    ),
)
def test_the_constraint_precheck_never_hides_a_failure(operation: str, request: dict[str, Any]) -> None:
    if item_request._constraints_hold(request, operation):
        constraints = Constraints()
        for member in item_request._ORDERS[operation]:
            item_request._constrain(constraints, request, member)
        assert constraints.failures == []


def _in_spec_order(value: dict[str, Any], spec: dict[str, Any]) -> None:
    for name, member_spec in spec.items():
        if value.get(name) is not None:  # a structure of that one member: paths in errors name it
            shapes.check_shape({name: value[name]}, {name: member_spec})


@SETTINGS
@given(st.dictionaries(st.sampled_from(sorted(item_request.SHAPE)), st.one_of(_ANY, _KEY), max_size=8))
def test_a_request_reports_the_first_wrong_member_in_model_order(request: dict[str, Any]) -> None:
    assert _outcome(shapes.check_shape, request, item_request.SHAPE) == _outcome(
        _in_spec_order, request, item_request.SHAPE
    )


# -- answers from stored text ----------------------------------------------------------------------

_ITEMS: list[dict[str, Any]] = [
    {"s": {"S": "plain"}, "n": {"N": "-1.5"}, "b": {"B": "AAEC"}, "t": {"BOOL": True}, "z": {"NULL": True}},
    {"u": {"S": 'é \u2028 \U0001f600 "quoted" \\ \n'}, "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["2", "1e2"]}},
    {"m": {"M": {"deep": {"L": [{"M": {"x": {"N": "7"}}}, {"BS": ["AAE=", "AAI="]}]}}}},
    {"big": {"S": "x" * 300_000}},
    {"numbers": {"L": [{"N": str(i)} for i in range(40_000)]}},  # text far longer than its size
]


def _call(core: protocol.DynamoDBServer, operation: str, request: dict[str, Any]) -> Any:
    status, body = core.handle_sync(TARGET + operation, json.dumps(request).encode())
    assert status == 200, body
    return json.loads(body)


@pytest.fixture(scope="module")
def database() -> Database:
    database = open_database(None)
    core = protocol.DynamoDBServer(database, region="us-east-1", account_id="123456789012")
    _call(
        core,
        "CreateTable",
        {
            "TableName": "Tab",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "byG",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        },
    )
    for number, attributes in enumerate(_ITEMS * 3):  # past 1 MB: the page stops early
        item = {"pk": {"S": "p"}, "sk": {"N": str(number)}, "g": {"S": "g"}, **attributes}
        _call(core, "PutItem", {"TableName": "Tab", "Item": item})
    return database


@pytest.mark.parametrize("number", range(len(_ITEMS) + 1))
@pytest.mark.parametrize(
    "extra", [{}, {"ReturnConsumedCapacity": "TOTAL"}, {"ProjectionExpression": "pk, s"}]
)
def test_get_item_from_stored_text(database: Database, number: int, extra: dict[str, Any]) -> None:
    request = get_item.validate(
        {"TableName": "Tab", "Key": {"pk": {"S": "p"}, "sk": {"N": str(number)}}, **extra}
    )
    expected = compact_json(get_item.execute(request, database, ENVIRONMENT)).encode()
    assert get_item.execute_encoded(request, database, ENVIRONMENT) == expected


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"Limit": 1},
        {"Limit": 3},
        {"Limit": 10},
        {"Limit": 11},
        {"ScanIndexForward": False},
        {"ReturnConsumedCapacity": "INDEXES"},
        {"ReturnConsumedCapacity": "TOTAL", "Limit": 2},
        {"ExclusiveStartKey": {"pk": {"S": "p"}, "sk": {"N": "3"}}},
        {"Select": "ALL_ATTRIBUTES"},
        {"Select": "COUNT"},
        {"ProjectionExpression": "sk"},
        {"FilterExpression": "attribute_exists(s)"},
    ],
)
@pytest.mark.parametrize("index", [None, "byG"])
def test_query_from_stored_text(database: Database, extra: dict[str, Any], index: str | None) -> None:
    if index is None:
        request: dict[str, Any] = {
            "TableName": "Tab",
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": "p"}},
        }
    else:
        request = {
            "TableName": "Tab",
            "IndexName": index,
            "KeyConditionExpression": "g = :g",
            "ExpressionAttributeValues": {":g": {"S": "g"}},
        }
        if "ExclusiveStartKey" in extra:
            extra = {"ExclusiveStartKey": {**extra["ExclusiveStartKey"], "g": {"S": "g"}}}
    validated = query.validate({**request, **extra})
    expected = compact_json(query.execute(validated, database, ENVIRONMENT)).encode()
    assert query.execute_encoded(validated, database, ENVIRONMENT) == expected


# -- expressions -------------------------------------------------------------------------------------


def _old_transform(node: Any, change: Any) -> Any:
    """names.py's resolution before the shortcut: dataclasses.replace bottom-up."""
    if isinstance(node, tuple):
        return tuple(_old_transform(child, change) for child in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        children = {f.name: _old_transform(getattr(node, f.name), change) for f in dataclasses.fields(node)}
        return change(dataclasses.replace(node, **children))
    return node


def _old_walk(node: Any) -> list[Any]:
    if isinstance(node, tuple):
        return [found for child in node for found in _old_walk(child)]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return [
            node,
            *(found for f in dataclasses.fields(node) for found in _old_walk(getattr(node, f.name))),
        ]
    return []


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (
            parser.parse_update,
            "SET #a = #a + :v, b.c[2] = if_not_exists(d, :w) REMOVE e[0] ADD f :v DELETE g :w",
        ),
        (parser.parse_update, "SET a = list_append(:w, b)"),
        (parser.parse_condition, "attribute_exists(#a) AND (b BETWEEN :v AND :w OR NOT c IN (:v, :w))"),
        (parser.parse_condition, "size(#a.b[1]) > :v"),
        (parser.parse_projection, "#a, b.c[3], d"),
    ],
)
def test_walk_and_resolution_are_the_general_ones(parse: Any, text: str) -> None:
    tree = parse(text)
    assert names._walk(tree) == _old_walk(tree)
    assert names._walk(tree) == _old_walk(tree)  # from the cache
    context = ExpressionContext({"#a": "A"}, {":v": {"N": "1"}, ":w": {"L": []}})

    def resolve(node: Any) -> Any:
        if isinstance(node, names.Path):
            return names.Path(tuple(context.names.get(p, p) if isinstance(p, str) else p for p in node.parts))
        if isinstance(node, names.Value):
            return names.Value(node.name, context.values[node.name])
        return node

    assert context._resolved(tree) == _old_transform(tree, resolve)


@pytest.mark.parametrize(
    "expression",
    [
        "SET m.a = :v",
        "SET l[0] = :v, l[5] = :v",
        "REMOVE m.b, l[1]",
        "ADD m.n :one, s :set",
        "DELETE m.s :set",
        "SET top = m, m.a = :v",
        "SET m.c = :v REMOVE l[0]",
    ],
)
def test_an_update_leaves_the_old_item_alone(expression: str) -> None:
    old = {
        "m": {"M": {"a": {"S": "x"}, "b": {"N": "1"}, "n": {"N": "2"}, "s": {"SS": ["a", "b"]}}},
        "l": {"L": [{"S": "0"}, {"M": {"k": {"S": "v"}}}]},
        "s": {"SS": ["c"]},
        "top": {"S": "t"},
    }
    before = copy.deepcopy(old)
    context = ExpressionContext(None, {":v": {"N": "9"}, ":one": {"N": "1"}, ":set": {"SS": ["a", "z"]}})
    tree = context._resolved(parser.parse_update(expression))
    new = apply_update(tree, old)
    assert old == before
    assert new == apply_update(tree, copy.deepcopy(before))
    new_again = copy.deepcopy(new)
    apply_update(tree, new)  # updating the new item leaves the first result alone too
    assert old == before and new == new_again


# -- HTTP and JSON -----------------------------------------------------------------------------------


def test_header_lines_parse_the_same_from_the_cache() -> None:
    head = b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: T\r\nhost: second\r\nAuthorization: " + b"a" * 300
    first = connection._parse_head(head)
    assert connection._parse_head(head) == first
    assert first[3] == {"host": "x", "x-amz-target": "T", "authorization": "a" * 300}
    assert "Authorization: " + "a" * 300 not in connection._FIELDS
    for bad in (b"POST / HTTP/1.1\r\nNo colon", b"POST / HTTP/1.1\r\n Host: x"):
        with pytest.raises(connection._BadRequest):
            connection._parse_head(bad)
        with pytest.raises(connection._BadRequest):
            connection._parse_head(bad)


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": "\xc3\xa9"}',
        b"{",
        b'{"a": 1} x',
        b'{"a": "\xff"}',
        b'{"a": "\\ud800"}',
        '{"a": 1}'.encode("utf-16-le"),
        '{"a": 1}'.encode("utf-16"),
        b"\xef\xbb\xbf{}",
        b"[]",
        b"1",
        b"{}",
    ],
)
def test_request_json_decodes_as_json_loads_does(body: bytes) -> None:
    def general(data: bytes) -> Any:
        try:
            request = json.loads(data)
        except (UnicodeDecodeError, ValueError):
            return "SerializationException"
        return request if isinstance(request, dict) else "not an object"

    try:
        decoded: Any = protocol._decode(body)
    except DynamoDBError as error:
        decoded = "SerializationException" if error.message is None else "not an object"
    assert decoded == general(body)
