"""Generated bad input for the real DynamoDB server (issue 8, "Bad input").

Random JSON, random bytes and mutated valid PutItem/GetItem/UpdateItem/Query requests, and random or
mutated expression strings, are sent over HTTP to a real server. Each must get either a 200 (a mutation can
leave a request valid) or a 4xx whose body is AWS-shaped (`__type` and a message, as
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html shows) -- never a
500, a hang or a dead server. After each test the server still answers a valid request.

Issue 19 adds generators for what once crashed the server: nesting deeper than any limit (values, JSON,
expressions), expressions past 4 KB or with hundreds of operators, extreme numbers (exponents of 20 digits,
hundreds of digits, NaN and 1e999 where a JSON number belongs) and JSON nulls or odd types at every level of
a request. Besides the checks here, the suite fails any test during which the server answered 500
(tests/server_errors.py).

Examples are bounded (``_EXAMPLES`` per test, no shrinking deadline) so the file runs in well under 60 s.
"""

from __future__ import annotations

import copy
import http.client
import json
import typing as t
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.functional.dynamodb.dynamodb_server import ServerProcess, make_client, start_server, stop_server

_EXAMPLES = 250
_TABLE = "FuzzMusic"
_TARGET = "DynamoDB_20120810."
_SETTINGS = settings(
    max_examples=_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)

_VALID: dict[str, dict[str, t.Any]] = {
    "PutItem": {
        "TableName": _TABLE,
        "Item": {
            "Artist": {"S": "No One You Know"},
            "SongTitle": {"S": "Call Me Today"},
            "AlbumTitle": {"S": "Somewhat Famous"},
            "Released": {"N": "2015"},
            "Tags": {"SS": ["a", "b"]},
            "Meta": {"M": {"Plays": {"N": "1"}, "Hits": {"L": [{"BOOL": True}, {"NULL": True}]}}},
        },
        "ConditionExpression": "attribute_not_exists(#a) OR Released < :y",
        "ExpressionAttributeNames": {"#a": "Artist"},
        "ExpressionAttributeValues": {":y": {"N": "2020"}},
        "ReturnValues": "ALL_OLD",
    },
    "GetItem": {
        "TableName": _TABLE,
        "Key": {"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"}},
        "ProjectionExpression": "#a, SongTitle, Meta.Hits[0]",
        "ExpressionAttributeNames": {"#a": "Artist"},
        "ConsistentRead": True,
    },
    "UpdateItem": {
        "TableName": _TABLE,
        "Key": {"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"}},
        "UpdateExpression": "SET AlbumTitle = :t, Released = Released + :one REMOVE Meta.Plays ADD Tags :s",
        "ConditionExpression": "begins_with(AlbumTitle, :p) AND size(Tags) >= :one",
        "ExpressionAttributeValues": {
            ":t": {"S": "Louder Than Ever"},
            ":one": {"N": "1"},
            ":s": {"SS": ["c"]},
            ":p": {"S": "So"},
        },
        "ReturnValues": "UPDATED_NEW",
    },
    "Query": {
        "TableName": _TABLE,
        "KeyConditionExpression": "Artist = :a AND SongTitle BETWEEN :lo AND :hi",
        "FilterExpression": "contains(Tags, :tag) OR attribute_type(Released, :n)",
        "ProjectionExpression": "Artist, SongTitle, Tags",
        "ExpressionAttributeValues": {
            ":a": {"S": "No One You Know"},
            ":lo": {"S": "A"},
            ":hi": {"S": "D"},
            ":tag": {"S": "a"},
            ":n": {"S": "N"},
        },
        "Limit": 10,
        "ScanIndexForward": False,
    },
}
_EXPRESSION_FIELDS = {
    "PutItem": ["ConditionExpression"],
    "GetItem": ["ProjectionExpression"],
    "UpdateItem": ["UpdateExpression", "ConditionExpression"],
    "Query": ["KeyConditionExpression", "FilterExpression", "ProjectionExpression"],
}
_OPERATIONS = [
    *_VALID,
    "DeleteItem",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
    "DescribeTable",
    "ExecuteStatement",
    "NoSuchOperation",
]

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL", _TABLE, "", "-1e130"])
)
_json = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
# Tokens of the expression grammar, so random strings reach past the lexer.
_TOKENS = [
    " ", "(", ")", ",", ".", "[", "]", "=", "<>", "<", "<=", ">", ">=", "+", "-", ":v", ":a", "#n", "#a",
    "0", "1", "99999999999999999999", "AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE",
    "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size",
    "if_not_exists", "list_append", "Artist", "SongTitle", "Released", "Tags", "Meta", "\u00e9", "\x00", "'", '"',
]  # fmt: skip
_expression_text = st.lists(st.sampled_from(_TOKENS), max_size=25).map("".join) | st.text(max_size=40)

# Odd values for any member: nulls, empty and wrong containers, extreme JSON numbers, deep junk.
_odd = st.sampled_from(
    [None, [], {}, "", 0, -1, 1.5, 2**70, -(2**70), 1e308, True, [None], {"": None}, [[[[[]]]]], {"S": None}]
)
# Number texts at and past DynamoDB's limits (38 digits, 1E-130 .. 9.99E+125) and Decimal's.
_extreme_number = st.sampled_from(
    [
        "1e99999999999999999999999",
        "-1e-99999999999999999999999",
        "0e99999999999999999999999",
        "1E+126",
        "9.9999999999999999999999999999999999999E+125",
        "1E-130",
        "1E-131",
        "-0",
        "1." + "0" * 300 + "1",
        "9" * 39,
        "9" * 38,
        "." + "0" * 200 + "1",
        "1e",
        "--1",
        "NaN",
        "Infinity",
    ]
) | st.builds(
    lambda digits, exponent: f"{digits}e{exponent}", st.integers(0, 10**40), st.integers(-(10**22), 10**22)
)
# JSON numbers where a Long belongs, written as raw JSON text (NaN and Infinity are not JSON).
_extreme_json_number = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "-0", "9" * 400]
)


def _nested_value(depth: int, leaf: dict[str, t.Any], kinds: list[str]) -> dict[str, t.Any]:
    """An AttributeValue `depth` containers deep (M and L in the given rotation)."""
    value = leaf
    for level in range(depth):
        value = {"M": {"x": value}} if kinds[level % len(kinds)] == "M" else {"L": [value]}
    return value


# Expressions long or nested far past DynamoDB's limits (4 KB, 300 operators, 32-level paths).
_long_expression = st.one_of(
    st.integers(1, 3000).map(lambda n: "(" * n + "Released < :y" + ")" * n),
    st.integers(1, 1500).map(lambda n: "NOT " * n + "Released < :y"),
    st.integers(1, 700).map(lambda n: " AND ".join(["Released < :y"] * n)),
    st.integers(1, 700).map(lambda n: " OR ".join(["attribute_exists(Artist)"] * n)),
    st.integers(1, 2500).map(lambda n: "Released < " + "size(" * n + "Artist" + ")" * n),
    st.integers(1, 2500).map(lambda n: "Released < " + "f(" * n + "Artist" + ")" * n),
    st.integers(1, 1500).map(lambda n: "Meta" + ".Hits" * n),
    st.integers(1, 1500).map(lambda n: "Meta" + "[0]" * n),
    st.integers(1, 400).map(lambda n: "SET a = " + "list_append(" * n + "b, c)" * n),
    st.integers(1, 400).map(lambda n: "SET " + ", ".join(f"a{i} = a{i} + :one" for i in range(n))),
    st.integers(1, 2000).map(lambda n: "Released IN (" + ", ".join([":y"] * n) + ")"),
)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server of our own, with the table every valid request names."""
    running = start_server(tmp_path_factory.mktemp("fuzz"))
    make_client(running.endpoint).create_table(
        TableName=_TABLE,
        AttributeDefinitions=[
            {"AttributeName": "Artist", "AttributeType": "S"},
            {"AttributeName": "SongTitle", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "Artist", "KeyType": "HASH"},
            {"AttributeName": "SongTitle", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    yield running
    stop_server(running)


class _Wire:
    """One keep-alive connection to the server; reconnects after the server closes it."""

    def __init__(self, endpoint: str) -> None:
        parts = urlsplit(endpoint)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._conn: http.client.HTTPConnection | None = None

    def send(self, operation: str, body: bytes) -> tuple[int, bytes]:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self._host, self._port, timeout=10)
        headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": _TARGET + operation}
        try:
            self._conn.request("POST", "/", body=body, headers=headers)
            response = self._conn.getresponse()
            return response.status, response.read()
        except TimeoutError:
            raise AssertionError(f"no answer in 10 s to {operation} {body[:300]!r}") from None
        finally:
            if self._conn is not None and self._conn.sock is None:
                self._conn = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


@pytest.fixture(scope="module")
def wire(fuzz_server: ServerProcess) -> Iterator[_Wire]:
    connection = _Wire(fuzz_server.endpoint)
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def _still_serving(fuzz_server: ServerProcess, wire: _Wire) -> Iterator[None]:
    """After each batch of examples the server is alive and answers a valid request."""
    yield
    assert fuzz_server.process.poll() is None, "the DynamoDB server died"
    status, body = wire.send("GetItem", json.dumps(_VALID["GetItem"]).encode())
    assert status == 200, body
    status, body = wire.send("DescribeTable", json.dumps({"TableName": _TABLE}).encode())
    assert status == 200 and json.loads(body)["Table"]["TableStatus"] == "ACTIVE", body


def assert_answered_sanely(wire: _Wire, operation: str, body: bytes) -> None:
    """A 200, or a 4xx with an AWS-shaped JSON body; anything else fails with the request."""
    status, answer = wire.send(operation, body)
    shown = f"{operation} {body[:400]!r} -> {status} {answer[:400]!r}"
    if status == 200:
        return
    assert 400 <= status < 500, shown
    error = json.loads(answer)
    assert isinstance(error, dict), shown
    assert isinstance(error.get("__type"), str) and error["__type"], shown
    message = error.get("message", error.get("Message"))
    assert message is None or isinstance(message, str), shown
    # DynamoDB sends these two without a message (dynalite index.js; errors.py cites it).
    if error["__type"].rsplit("#", 1)[-1] not in ("SerializationException", "UnknownOperationException"):
        assert isinstance(message, str) and message, shown


def _paths(value: t.Any, prefix: tuple[t.Any, ...] = ()) -> list[tuple[t.Any, ...]]:
    """Every path to a node of a JSON value (the root excluded)."""
    found = []
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    )
    for key, child in children:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _mutate(data: st.DataObject, request: dict[str, t.Any]) -> dict[str, t.Any]:
    """One to three random edits of a copy of `request`: delete, replace, rename, retype or duplicate."""
    mutated = copy.deepcopy(request)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(mutated)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = mutated
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        edit = data.draw(
            st.sampled_from(["delete", "replace", "rename", "retype", "scalar", "wrap", "null", "odd"])
        )
        if edit == "null":
            parent[key] = None
        elif edit == "odd":
            parent[key] = copy.deepcopy(data.draw(_odd))
        elif edit == "delete":
            del parent[key]
        elif edit == "replace":
            parent[key] = data.draw(_json)
        elif edit == "rename" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=10))] = parent.pop(key)
        elif edit == "retype" and isinstance(parent[key], dict) and len(parent[key]) == 1:
            (inner,) = parent[key].values()
            parent[key] = {
                data.draw(st.sampled_from(["S", "N", "B", "SS", "NS", "BS", "M", "L", "X"])): inner
            }
        elif edit == "scalar":
            parent[key] = data.draw(_json_scalars)
        else:
            parent[key] = [parent[key]]
    return mutated


def _mutate_text(data: st.DataObject, text: str) -> str:
    """Delete, insert or replace a few characters or tokens of an expression."""
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        edit = data.draw(st.sampled_from(["delete", "insert", "token", "truncate"]))
        if edit == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 5)) :]
        elif edit == "insert":
            text = text[:at] + data.draw(st.text(min_size=1, max_size=3)) + text[at:]
        elif edit == "token":
            text = text[:at] + data.draw(st.sampled_from(_TOKENS)) + text[at:]
        else:
            text = text[:at]
    return text


def test_valid_requests_are_valid(wire: _Wire) -> None:
    """The seeds of the mutations are themselves accepted, so mutations start from valid ground."""
    for operation, request in _VALID.items():
        status, body = wire.send(operation, json.dumps(request).encode())
        assert status == 200, (operation, body)


@_SETTINGS
@given(operation=st.sampled_from(_OPERATIONS), request=_json)
def test_random_json(wire: _Wire, operation: str, request: t.Any) -> None:
    assert_answered_sanely(wire, operation, json.dumps(request).encode())


@_SETTINGS
@given(
    operation=st.sampled_from(_OPERATIONS), body=st.binary(max_size=64) | st.text(max_size=64).map(str.encode)
)
def test_random_bytes(wire: _Wire, operation: str, body: bytes) -> None:
    assert_answered_sanely(wire, operation, body)


@_SETTINGS
@given(operation=st.sampled_from(sorted(_VALID)), data=st.data())
def test_mutated_valid_request(wire: _Wire, operation: str, data: st.DataObject) -> None:
    request = _mutate(data, _VALID[operation])
    assert_answered_sanely(wire, operation, json.dumps(request).encode())


@_SETTINGS
@given(operation=st.sampled_from(sorted(_VALID)), data=st.data())
def test_random_expression(wire: _Wire, operation: str, data: st.DataObject) -> None:
    request = copy.deepcopy(_VALID[operation])
    field = data.draw(st.sampled_from(_EXPRESSION_FIELDS[operation]))
    request[field] = data.draw(_expression_text)
    assert_answered_sanely(wire, operation, json.dumps(request).encode())


@_SETTINGS
@given(operation=st.sampled_from(sorted(_VALID)), data=st.data())
def test_mutated_valid_expression(wire: _Wire, operation: str, data: st.DataObject) -> None:
    request = copy.deepcopy(_VALID[operation])
    field = data.draw(st.sampled_from(_EXPRESSION_FIELDS[operation]))
    request[field] = _mutate_text(data, request[field])
    assert_answered_sanely(wire, operation, json.dumps(request).encode())


def _slots(value: t.Any, prefix: tuple[t.Any, ...] = ()) -> list[tuple[t.Any, ...]]:
    """Paths to every AttributeValue of a request (a dict with one type key)."""
    found = []
    if (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)) in ("S", "N", "B", "SS", "NS", "BOOL", "M", "L")
    ):
        found.append(prefix)
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    )
    for key, child in children:
        found.extend(_slots(child, (*prefix, key)))
    return found


def _replace(request: dict[str, t.Any], path: tuple[t.Any, ...], value: t.Any) -> dict[str, t.Any]:
    copied = copy.deepcopy(request)
    parent = copied
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return copied


@_SETTINGS
@given(operation=st.sampled_from(sorted(_VALID)), data=st.data())
def test_deeply_nested_values(wire: _Wire, operation: str, data: st.DataObject) -> None:
    """Values from 1 to 700 containers deep (DynamoDB allows 32) in any AttributeValue of a request."""
    depth = data.draw(st.integers(1, 700))
    kinds = data.draw(st.lists(st.sampled_from(["M", "L"]), min_size=1, max_size=3))
    leaf = data.draw(st.sampled_from([{"S": "x"}, {"N": "1"}, {"M": {}}, {"L": []}, {"NULL": True}]))
    path = data.draw(st.sampled_from(_slots(_VALID[operation])))
    request = _replace(_VALID[operation], path, _nested_value(depth, leaf, kinds))
    assert_answered_sanely(wire, operation, json.dumps(request).encode())


@_SETTINGS
@given(
    operation=st.sampled_from(_OPERATIONS),
    depth=st.integers(1, 300_000),
    opener=st.sampled_from(["[", '{"a":']),
)
def test_deeply_nested_json(wire: _Wire, operation: str, depth: int, opener: str) -> None:
    """A body nested deeper than any JSON decoder goes (up to 300,000 levels)."""
    closer = "]" if opener == "[" else "}"
    body = '{"TableName": "' + _TABLE + '", "Item": ' + opener * depth + "1" + closer * depth + "}"
    assert_answered_sanely(wire, operation, body.encode())


@_SETTINGS
@given(operation=st.sampled_from(sorted(_VALID)), data=st.data())
def test_long_expression(wire: _Wire, operation: str, data: st.DataObject) -> None:
    """Expressions of thousands of characters, hundreds of operators or thousands of nesting levels."""
    request = copy.deepcopy(_VALID[operation])
    field = data.draw(st.sampled_from(_EXPRESSION_FIELDS[operation]))
    request[field] = data.draw(_long_expression)
    assert_answered_sanely(wire, operation, json.dumps(request).encode())


@_SETTINGS
@given(operation=st.sampled_from(sorted(_VALID)), data=st.data())
def test_extreme_numbers(wire: _Wire, operation: str, data: st.DataObject) -> None:
    """Number texts past every limit wherever an N, NS member or placeholder number goes."""
    number = data.draw(_extreme_number)
    path = data.draw(st.sampled_from(_slots(_VALID[operation])))
    kind = data.draw(st.sampled_from(["N", "NS"]))
    request = _replace(_VALID[operation], path, {"N": number} if kind == "N" else {"NS": [number, "1"]})
    assert_answered_sanely(wire, operation, json.dumps(request).encode())


@_SETTINGS
@given(
    operation=st.sampled_from(["Query", "Scan", "ListTables", "CreateTable", "UpdateTable"]),
    member=st.sampled_from(["Limit", "Segment", "TotalSegments", "ReadCapacityUnits"]),
    number=_extreme_json_number,
)
def test_extreme_json_numbers(wire: _Wire, operation: str, member: str, number: str) -> None:
    """NaN, Infinity, 1e999 and 400-digit integers where a JSON number (a Long) belongs."""
    if member == "ReadCapacityUnits":
        members = f'"ProvisionedThroughput": {{"ReadCapacityUnits": {number}, "WriteCapacityUnits": 1}}'
    else:
        members = f'"{member}": {number}'
    body = f'{{"TableName": "{_TABLE}", {members}}}'
    assert_answered_sanely(wire, operation, body.encode())


_ITEM = _VALID["PutItem"]["Item"]


@pytest.mark.parametrize(
    ("operation", "request_"),
    [
        pytest.param(
            "PutItem", {"TableName": _TABLE, "Item": {**_ITEM, "AlbumTitle": None}}, id="item-member"
        ),
        pytest.param(
            "GetItem", {"TableName": _TABLE, "Key": {"Artist": None, "SongTitle": {"S": "x"}}}, id="key"
        ),
        pytest.param(
            "PutItem", {"TableName": _TABLE, "Item": {**_ITEM, "Meta": {"M": {"Plays": None}}}}, id="map"
        ),
        pytest.param("PutItem", {"TableName": _TABLE, "Item": {**_ITEM, "Meta": {"L": [None]}}}, id="list"),
        pytest.param(
            "Query",
            {
                "TableName": _TABLE,
                "KeyConditionExpression": "Artist = :a",
                "ExpressionAttributeValues": {":a": None},
            },
            id="placeholder",
        ),
    ],
)
def test_null_attribute_value_is_a_validation_error(
    wire: _Wire, operation: str, request_: dict[str, t.Any]
) -> None:
    """Found by test_mutated_valid_request: a JSON null where an AttributeValue belongs passes the shape
    check and reaches `values.validate_value(None)`, which raised TypeError (a 500). An AttributeValue with
    no data type set is DynamoDB's "Supplied AttributeValue is empty" ValidationException."""
    status, body = wire.send(operation, json.dumps(request_).encode())
    message = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    if "ExpressionAttributeValues" in request_:
        # Values of placeholders are reported with their key, as for every invalid EAV value.
        message = f"ExpressionAttributeValues contains invalid value: {message} for key :a"
    assert (status, json.loads(body)) == (
        400,
        {"__type": "com.amazon.coral.validate#ValidationException", "message": message},
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # dynalite validations/index.js, recorded from DynamoDB: a null (or, before 2020, empty) member.
        ({"SS": [None, "b"]}, "An string set may not have a empty string as a member"),
        ({"BS": ["YQ==", None]}, "Binary sets may not contain null or empty values"),
        ({"NS": [None, "1"]}, "The parameter cannot be converted to a numeric value"),
    ],
    ids=["SS", "BS", "NS"],
)
def test_a_null_member_of_a_set_is_a_validation_error(wire: _Wire, value: dict, message: str) -> None:
    """Found by test_mutated_valid_request: a JSON null inside a set passed validation and made item_size
    raise AttributeError (a 500)."""
    request_ = {"TableName": _TABLE, "Item": {"id": {"S": "x"}, "set": value}}
    status, body = wire.send("PutItem", json.dumps(request_).encode())
    prefix = "" if "NS" in value else "One or more parameter values were invalid: "
    assert (status, json.loads(body)) == (
        400,
        {"__type": "com.amazon.coral.validate#ValidationException", "message": prefix + message},
    )
