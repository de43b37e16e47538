"""Query: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html

A Query is a range read on the table's (or an index's) primary key in SQLite: one hash key, the
sort-key condition as byte bounds on the order-preserving encoding, ScanIndexForward as ORDER BY
direction. Validation order follows dynalite validations/query.js; the table-level checks in
execute follow dynalite actions/query.js (both recorded against AWS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions import key_condition, legacy
from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.expressions.key_condition import KeyCondition
from serverlite.dynamodb.expressions.legacy import OPERATORS
from serverlite.dynamodb.expressions.names import path_heads
from serverlite.dynamodb.operations import read_request
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.read_request import Page, Target
from serverlite.dynamodb.operations.schema import key_names, request_key, require_table
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.keys import encode_key
from serverlite.dynamodb.values import Item, compact_json, type_of

__all__ = ["QueryRequest", "execute", "execute_encoded", "validate"]

OPERATION = "Query"

SHAPE: dict[str, Any] = {
    **read_request.COMMON_SHAPE,
    "KeyConditions": read_request.CONDITIONS,
    "QueryFilter": read_request.CONDITIONS,
    "ScanIndexForward": "Boolean",
    "KeyConditionExpression": "String",
}
_ENVELOPE = "1 validation error detected: "
_NOT_INDEXABLE = ("NULL", "NOT_NULL", "NE", "CONTAINS", "NOT_CONTAINS", "IN")


@dataclass(frozen=True, slots=True)
class QueryRequest:
    """A validated Query: key conditions by attribute, resolved filter and projection."""

    table_name: str
    index_name: str | None
    key_conditions: dict[str, KeyCondition]
    filter: Any
    filter_heads: tuple[str, ...]
    filter_member: str
    projection: tuple[Path, ...] | None
    select: str | None
    limit: int | None
    forward: bool
    consistent: bool
    start_key: Item | None
    return_consumed_capacity: str | None = None


def validate(request: dict[str, Any]) -> QueryRequest:
    """Shape, constraints, expression parameters, legacy conditions, Select, then expressions."""
    check_shape(request, SHAPE)
    _check_constraints(request)
    legacy_members = ["AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"]
    if request.get("KeyConditionExpression") is None:
        legacy_members.remove("KeyConditions")
    context = expression_context(
        request, ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"), tuple(legacy_members)
    )
    query_filter = legacy.check_conditions(request.get("QueryFilter"))
    legacy.check_conditional_operator(request.get("QueryFilter"), request.get("ConditionalOperator"))
    _check_duplicates(request.get("AttributesToGet"))
    start_key = read_request.check_start_key_values(request)
    select = read_request.check_select(request, _ENVELOPE)
    if request.get("KeyConditions") is None and request.get("KeyConditionExpression") is None:
        raise ValidationException(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
        )
    tree = filter_tree = projection = None
    if request.get("KeyConditionExpression") is not None:
        tree = context.condition(request["KeyConditionExpression"], "KeyConditionExpression")
    if request.get("FilterExpression") is not None:
        filter_tree = context.condition(request["FilterExpression"], "FilterExpression")
    if request.get("ProjectionExpression") is not None:
        projection = context.projection(request["ProjectionExpression"]).paths
    context.finish()
    conditions = _key_conditions(request, tree)
    if request.get("QueryFilter") is not None:
        filter_tree = legacy.filter_condition(
            request["QueryFilter"], query_filter, request.get("ConditionalOperator")
        )
    if request.get("AttributesToGet") is not None:
        projection = tuple(Path((name,)) for name in request["AttributesToGet"])
    return QueryRequest(
        table_name=request["TableName"],
        index_name=request.get("IndexName"),
        key_conditions=conditions,
        filter=filter_tree,
        filter_heads=tuple(path_heads(filter_tree)) if filter_tree is not None else (),
        filter_member="Filter Expression" if request.get("QueryFilter") is None else "QueryFilter",
        projection=projection,
        select=select,
        limit=request.get("Limit"),
        forward=request.get("ScanIndexForward") is not False,
        consistent=bool(request.get("ConsistentRead")),
        start_key=start_key,
        return_consumed_capacity=request.get("ReturnConsumedCapacity"),
    )


def _check_constraints(request: dict[str, Any]) -> None:
    constraints = Constraints()
    read_request.check_common(request, constraints, "QueryFilter")
    for name, condition in reversed(list((request.get("KeyConditions") or {}).items())):
        where = f"keyConditions.{name}.member.comparisonOperator"
        constraints.not_null(condition.get("ComparisonOperator"), where)
        # An unknown operator is the model's enum failure, reported before any count or type check
        # (as for QueryFilter, ScanFilter and Expected; issue 19).
        constraints.one_of(condition.get("ComparisonOperator"), where, OPERATORS)
    limit = request.get("Limit")
    if limit is not None and limit < 1:
        # Query words this one without the value (conformance tests/tier3/error-messages/query.test.ts).
        constraints.failures.append(
            "Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
        )
    constraints.raise_if_any()


def _check_duplicates(names: list[str] | None) -> None:
    seen: set[str] = set()
    for name in names or ():
        if name in seen:
            raise ValidationException(
                f"One or more parameter values were invalid: Duplicate value in attribute name: {name}"
            )
        seen.add(name)


def _key_conditions(request: dict[str, Any], tree: Any) -> dict[str, KeyCondition]:
    if tree is not None:
        conditions = key_condition.from_expression(tree)
        as_legacy = {
            name: {"ComparisonOperator": c.operator, "AttributeValueList": list(c.values)}
            for name, c in conditions.items()
        }
        legacy.check_conditions(as_legacy)
    else:
        checked = legacy.check_conditions(request["KeyConditions"])
        conditions = legacy.key_conditions(request["KeyConditions"], checked)
    if len(conditions) not in (1, 2):
        raise ValidationException("Conditions can be of length 1 or 2 only")
    return conditions


def execute(request: QueryRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Table-level checks in AWS's order, then one range read."""
    target = _checked_target(request, storage)
    response, size = _read(storage, target, request)
    mode = request.return_consumed_capacity
    return response | read_request.capacity_report(mode, target, size, consistent=request.consistent)


def execute_encoded(request: QueryRequest, storage: Database, environment: Environment) -> bytes:
    """`execute`'s response as JSON; a page of whole items is answered with their stored text."""
    target = _checked_target(request, storage)
    mode = request.return_consumed_capacity
    if (
        request.filter is not None
        or request.projection is not None
        or request.select not in (None, "ALL_ATTRIBUTES")
        or target.fetches_table(request.select, request.projection)
    ):
        response, size = _read(storage, target, request)
        report = read_request.capacity_report(mode, target, size, consistent=request.consistent)
        return compact_json(response | report).encode()
    measure = mode in ("TOTAL", "INDEXES")
    page = read_request.read_plain_page(
        _entries(storage, target, request, decode=False), request.limit, measure=measure
    )
    report = read_request.capacity_report(mode, target, page.size or 0, consistent=request.consistent)
    return read_request.encode_plain_page(page, target, report)


def _checked_target(request: QueryRequest, storage: Database) -> Target:
    table = require_table(storage, request.table_name)
    target = read_request.resolve_target(
        request.table_name, table, request.index_name, request.consistent, start_present=False
    )
    _check_keys(target, request)
    _check_start_key(target, request)
    for name, _ in target.key_schema:
        if name in request.filter_heads:
            raise ValidationException(
                f"{request.filter_member} can only contain non-primary key attributes: "
                f"Primary key attribute: {name}"
            )
    read_request.check_all_attributes(target, request.select)
    return target


def _check_keys(target: Target, request: QueryRequest) -> None:
    conditions = request.key_conditions
    start = request.start_key
    if start is not None and len(start) != len(target.start_key_names):
        raise ValidationException("The provided starting key is invalid")
    for position, (name, kind) in enumerate(target.key_schema):
        if start is not None:
            read_request.check_start_key_piece(start, name, kind)
        if position == 0 and len(target.key_schema) == 1 and len(conditions) > 1:
            raise ValidationException("Query key condition not supported")
        condition = conditions.get(name)
        if condition is None:
            if position == 0 or len(conditions) > 1:
                raise ValidationException(f"Query condition missed key schema element: {name}")
            continue
        if condition.operator in _NOT_INDEXABLE:
            raise ValidationException("Attempted conditional constraint is not an indexable operation")
        if any(type_of(value) != kind for value in condition.values):
            raise ValidationException(
                "One or more parameter values were invalid: "
                "Condition parameter type does not match schema type"
            )
        if position == 0 and condition.operator != "EQ":
            raise ValidationException("Query key condition not supported")


def _check_start_key(target: Target, request: QueryRequest) -> None:
    start = request.start_key
    if start is None:
        return
    table_key = {name: start[name] for name, _ in key_names(target.table) if name in start}
    try:
        request_key(target.table, table_key)
    except ValidationException as error:
        raise ValidationException(f"The provided starting key is invalid: {error.message}") from None
    hash_name = target.key_schema[0][0]
    same_hash = read_request.same_value(start[hash_name], request.key_conditions[hash_name].values[0])
    range_condition = _range_condition(target, request)
    if range_condition is None:
        if not same_hash:
            raise ValidationException(
                "The provided starting key is outside query boundaries based on provided conditions"
            )
        return
    if not _within(encode_key(start[target.key_schema[1][0]]), key_condition.bounds(range_condition)):
        raise ValidationException("The provided starting key does not match the range key predicate")
    if not same_hash:
        raise ValidationException("The query can return at most one row and cannot be restarted")


def _within(value: bytes, bounds: tuple[Any, Any]) -> bool:
    lower, upper = bounds
    if lower is not None and (value < lower[0] or (value == lower[0] and not lower[1])):
        return False
    return upper is None or value < upper[0] or (value == upper[0] and upper[1])


def _range_condition(target: Target, request: QueryRequest) -> KeyCondition | None:
    if len(target.key_schema) < 2:
        return None
    return request.key_conditions.get(target.key_schema[1][0])


def _read(storage: Database, target: Target, request: QueryRequest) -> tuple[dict[str, Any], int]:
    page = Page(request.limit, request.filter, request.projection, request.select)
    fetch = (
        read_request.table_fetch(storage, target)
        if target.fetches_table(request.select, request.projection)
        else None
    )
    return read_request.read_page(target, _entries(storage, target, request), page, fetch)


def _entries(storage: Database, target: Target, request: QueryRequest, *, decode: bool = True) -> Any:
    """The range read: (keys, item) in order, or (keys, stored JSON text) when not `decode`."""
    hash_name = target.key_schema[0][0]
    hash_key = encode_key(request.key_conditions[hash_name].values[0])
    bounds = key_condition.bounds(_range_condition(target, request))
    start = request.start_key
    if target.index is None:
        after = None
        if start is not None and len(target.key_schema) > 1:
            after = encode_key(start[target.key_schema[1][0]])
        read = storage.items.query if decode else storage.items.query_json
        return read(target.table_name, hash_key, bounds, forward=request.forward, after=after)
    index_after = None
    if start is not None:
        table_hash, table_range = request_key(target.table, _table_key(target, start))
        index_after = (read_request.encoded_index_key(target.index, start)[1], table_hash, table_range)
    return storage.items.index_entries.query(
        target.table_name,
        target.index.name,
        hash_key,
        bounds,
        forward=request.forward,
        after=index_after,
        decode=decode,
    )


def _table_key(target: Target, item: Item) -> Item:
    return {name: item[name] for name, _ in key_names(target.table)}
