"""What each DynamoDB operation asks IAM: its actions, their resource ARNs, and the request's context keys.

"Actions, resources, and condition keys for Amazon DynamoDB"
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html): an
operation needs the action of its own name on the table it names (`table/<name>`), on
`table/<name>/index/<index>` for a Query or Scan with `IndexName`, on the stream ARN for the Streams API,
and on `*` for account-level calls (ListTables, DescribeLimits, DescribeEndpoints, ListStreams).
Exceptions, one entry each in `_SPECIAL`:

* BatchGetItem / BatchWriteItem need `dynamodb:BatchGetItem` / `dynamodb:BatchWriteItem` on each table of
  `RequestItems` (observed AWS denials name `dynamodb:BatchWriteItem`:
  aws-samples/aws-serverless-workshops#36, aws-amplify/amplify-category-api#2561);
* TransactGetItems / TransactWriteItems need the underlying `GetItem`, `PutItem`, `UpdateItem`,
  `DeleteItem` or `ConditionCheckItem` per action, with `dynamodb:EnclosingOperation`
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html);
* PartiQL statements need `dynamodb:PartiQLSelect|Insert|Update|Delete` on the table (or index)
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html).

Context keys (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html):
`dynamodb:LeadingKeys` (partition key values of the items addressed), `dynamodb:Attributes` (top-level
attribute names the request names: key, item, AttributesToGet, expression names and bare identifiers of
projection and update expressions), `dynamodb:Select`, `dynamodb:ReturnValues`.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Need", "PartitionKeyOf", "needs"]

# (table name, index name or None) -> the partition key attribute name, None when unknown.
PartitionKeyOf = Callable[[str, "str | None"], "str | None"]

_PARTIQL = re.compile(
    r"^\s*(?P<verb>SELECT|INSERT|UPDATE|DELETE)\b.*?(?:\bFROM|\bINTO|(?<=UPDATE))\s+"
    r'(?:"(?P<quoted>[^"]+)"|(?P<bare>[A-Za-z0-9_.-]+))(?:\."(?P<index>[^"]+)")?',
    re.I | re.S,
)
_NAMES = re.compile(r"#[A-Za-z0-9_]+|(?<![:#\w.\[])[A-Za-z_][A-Za-z0-9_]*(?!\s*\()")
_KEYWORDS = frozenset({"set", "remove", "add", "delete", "and", "or", "not", "between", "in"})
_EQUALS = re.compile(r"(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)")


@dataclass(frozen=True)
class Need:
    """One authorization: an action on a resource, with what the request says for conditions."""

    action: str
    table: str | None
    index: str | None = None
    keys: Sequence[t.Mapping[str, t.Any]] = ()  # items or keys whose partition keys are LeadingKeys
    attributes: frozenset[str] = frozenset()
    values: t.Mapping[str, str] = field(default_factory=dict)  # other context keys, lower case
    resource: str | None = None  # a full ARN (streams, tagging), instead of table/index


def needs(operation: str, request: t.Mapping[str, t.Any]) -> list[Need]:
    """Every authorization one request needs, in request order."""
    special = _SPECIAL.get(operation)
    if special is not None:
        return special(request)
    return [_simple(f"dynamodb:{operation}", request)]


def _simple(action: str, request: t.Mapping[str, t.Any], **values: str) -> Need:
    keys = [k for k in (request.get("Key"), request.get("Item")) if isinstance(k, dict)]
    return Need(
        action,
        request.get("TableName"),
        request.get("IndexName"),
        keys=keys,
        attributes=_attributes(request),
        values={**_values(request), **values},
    )


def _query(request: t.Mapping[str, t.Any]) -> list[Need]:
    need = _simple("dynamodb:Query", request)
    return [Need(need.action, need.table, need.index, [_query_key(request)], need.attributes, need.values)]


def _query_key(request: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The `name = :value` pairs of the key condition (or legacy EQ KeyConditions) as a pseudo key."""
    key: dict[str, t.Any] = {}
    names = request.get("ExpressionAttributeNames") or {}
    values = request.get("ExpressionAttributeValues") or {}
    for name, placeholder in _EQUALS.findall(str(request.get("KeyConditionExpression") or "")):
        if placeholder in values:
            key[str(names.get(name, name))] = values[placeholder]
    for name, condition in (request.get("KeyConditions") or {}).items():
        if isinstance(condition, dict) and condition.get("ComparisonOperator") == "EQ":
            key[name] = (condition.get("AttributeValueList") or [None])[0]
    return key


def _batch_get(request: t.Mapping[str, t.Any]) -> list[Need]:
    return [
        Need("dynamodb:BatchGetItem", table, None, list(entry.get("Keys") or []), _attributes(entry))
        for table, entry in (request.get("RequestItems") or {}).items()
        if isinstance(entry, dict)
    ]


def _batch_write(request: t.Mapping[str, t.Any]) -> list[Need]:
    found = []
    for table, writes in (request.get("RequestItems") or {}).items():
        keys = [_write_key(write) for write in writes if isinstance(write, dict)]
        names = frozenset(name for key in keys for name in key)
        found.append(Need("dynamodb:BatchWriteItem", table, None, keys, names))
    return found


def _write_key(write: t.Mapping[str, t.Any]) -> t.Mapping[str, t.Any]:
    put, delete = write.get("PutRequest") or {}, write.get("DeleteRequest") or {}
    return dict(put.get("Item") or delete.get("Key") or {})


_TRANSACT_WRITE = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _transact(operation: str, kinds: t.Mapping[str, str]) -> Callable[[t.Mapping[str, t.Any]], list[Need]]:
    def found(request: t.Mapping[str, t.Any]) -> list[Need]:
        return [
            _simple(f"dynamodb:{kinds[kind]}", body, **{"dynamodb:enclosingoperation": operation})
            for item in request.get("TransactItems") or []
            if isinstance(item, dict)
            for kind, body in item.items()
            if kind in kinds and isinstance(body, dict)
        ]

    return found


def _statements(statements: Iterable[t.Any]) -> list[Need]:
    found = []
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        match = _PARTIQL.match(str(statement.get("Statement") or ""))
        if match is not None:
            table = match.group("quoted") or match.group("bare")
            verb = match.group("verb").capitalize()
            found.append(Need(f"dynamodb:PartiQL{verb}", table, match.group("index")))
    return found


def _stream(action: str) -> Callable[[t.Mapping[str, t.Any]], list[Need]]:
    def found(request: t.Mapping[str, t.Any]) -> list[Need]:
        arn = request.get("StreamArn") or str(request.get("ShardIterator") or "").split("|", 1)[0]
        return [Need(action, None, resource=str(arn) or "*")]

    return found


def _account(action: str) -> Callable[[t.Mapping[str, t.Any]], list[Need]]:
    return lambda request: [Need(action, None, resource="*")]


def _tagging(action: str) -> Callable[[t.Mapping[str, t.Any]], list[Need]]:
    return lambda request: [Need(action, None, resource=str(request.get("ResourceArn") or "*"))]


def _attributes(request: t.Mapping[str, t.Any]) -> frozenset[str]:
    names: set[str] = set()
    for member in ("Key", "Item", "AttributeUpdates", "Expected"):
        value = request.get(member)
        if isinstance(value, dict):
            names.update(value)
    names.update(str(name) for name in request.get("AttributesToGet") or [])
    aliases = request.get("ExpressionAttributeNames") or {}
    for member in ("ProjectionExpression", "UpdateExpression", "ConditionExpression", "FilterExpression"):
        for token in _NAMES.findall(str(request.get(member) or "")):
            if token.lower() not in _KEYWORDS:
                names.add(str(aliases.get(token, token)))
    return frozenset(names)


def _values(request: t.Mapping[str, t.Any]) -> dict[str, str]:
    found = {}
    if request.get("Select") is not None:
        found["dynamodb:select"] = str(request["Select"])
    if request.get("ReturnValues") is not None:
        found["dynamodb:returnvalues"] = str(request["ReturnValues"])
    return found


_SPECIAL: t.Mapping[str, Callable[[t.Mapping[str, t.Any]], list[Need]]] = {
    "Query": _query,
    "BatchGetItem": _batch_get,
    "BatchWriteItem": _batch_write,
    "TransactGetItems": _transact("TransactGetItems", {"Get": "GetItem"}),
    "TransactWriteItems": _transact("TransactWriteItems", _TRANSACT_WRITE),
    "ExecuteStatement": lambda request: _statements([request]),
    "BatchExecuteStatement": lambda request: _statements(request.get("Statements") or []),
    "ExecuteTransaction": lambda request: _statements(request.get("TransactStatements") or []),
    "ListTables": _account("dynamodb:ListTables"),
    "DescribeLimits": _account("dynamodb:DescribeLimits"),
    "DescribeEndpoints": _account("dynamodb:DescribeEndpoints"),
    "ListStreams": _account("dynamodb:ListStreams"),
    "DescribeStream": _stream("dynamodb:DescribeStream"),
    "GetShardIterator": _stream("dynamodb:GetShardIterator"),
    "GetRecords": _stream("dynamodb:GetRecords"),
    "TagResource": _tagging("dynamodb:TagResource"),
    "UntagResource": _tagging("dynamodb:UntagResource"),
    "ListTagsOfResource": _tagging("dynamodb:ListTagsOfResource"),
}
