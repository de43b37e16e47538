"""What Query and Scan share: request shape, Select rules, index lookup, start keys, and the page.

Check order and messages: dynalite validations/query.js, validations/scan.js, actions/query.js and
actions/scan.js (observed AWS); Select wording and the Query-only ``1 validation error detected: ``
envelope from nubo-db/dynamodb-conformance tests/tier3/error-messages/query.test.ts and
tests/tier1/{query,scan}/select.test.ts. Paging
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html): a page
stops after ``Limit`` items are read (before the filter) or once 1 MB has been read, and then
carries LastEvaluatedKey, the key of the last item read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.expressions.evaluate import evaluate
from serverlite.dynamodb.expressions.paths import project
from serverlite.dynamodb.operations import capacity
from serverlite.dynamodb.operations.schema import key_names, request_key
from serverlite.dynamodb.shapes import ATTRIBUTE_MAP, ATTRIBUTE_VALUE, Constraints
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.indexes import IndexDefinition, decode_item, definitions
from serverlite.dynamodb.storage.keys import encode_key
from serverlite.dynamodb.values import AttributeValue, Item, compact_json, item_size, type_of, validate_value

__all__ = [
    "CONDITIONS",
    "capacity_report",
    "MAX_PAGE_BYTES",
    "COMMON_SHAPE",
    "SELECT",
    "Page",
    "PlainPage",
    "Target",
    "check_all_attributes",
    "check_common",
    "check_select",
    "check_start_key_piece",
    "check_start_key_values",
    "encode_plain_page",
    "encoded_index_key",
    "read_page",
    "read_plain_page",
    "resolve_target",
    "same_value",
    "table_fetch",
]

MAX_PAGE_BYTES = 1024 * 1024
SELECT = ("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES")
CONDITIONS = ("Map", {"AttributeValueList": ("List", ATTRIBUTE_VALUE), "ComparisonOperator": "String"})
COMMON_SHAPE: dict[str, Any] = {
    "TableName": "String",
    "IndexName": "String",
    "Select": "String",
    "AttributesToGet": ("List", "String"),
    "Limit": "Long",
    "ConsistentRead": "Boolean",
    "ConditionalOperator": "String",
    "ExclusiveStartKey": ATTRIBUTE_MAP,
    "ReturnConsumedCapacity": "String",
    "ProjectionExpression": "String",
    "FilterExpression": "String",
    "ExpressionAttributeNames": ("Map", "String"),
    "ExpressionAttributeValues": ATTRIBUTE_MAP,
}
_OPERATORS = (
    "IN",
    "NULL",
    "BETWEEN",
    "LT",
    "NOT_CONTAINS",
    "EQ",
    "GT",
    "NOT_NULL",
    "NE",
    "LE",
    "BEGINS_WITH",
    "GE",
    "CONTAINS",
)
_INVALID = "One or more parameter values were invalid: "


def check_common(request: dict[str, Any], constraints: Constraints, filter_member: str) -> None:
    """Model constraints Query and Scan share (collected, reported together)."""
    constraints.table_name(request.get("TableName"))
    index = request.get("IndexName")
    if index is not None:
        constraints.pattern(index, "indexName", "[a-zA-Z0-9_.-]+")
        constraints.length(index, "indexName", 3, 255)
    constraints.one_of(request.get("Select"), "select", SELECT)
    constraints.length(request.get("AttributesToGet"), "attributesToGet", 1, None)
    constraints.one_of(request.get("ConditionalOperator"), "conditionalOperator", ("AND", "OR"))
    constraints.one_of(
        request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE")
    )
    for name, condition in reversed(list((request.get(filter_member) or {}).items())):
        where = f"{filter_member[0].lower()}{filter_member[1:]}.{name}.member.comparisonOperator"
        constraints.not_null(condition.get("ComparisonOperator"), where)
        constraints.one_of(condition.get("ComparisonOperator"), where, _OPERATORS)


def check_start_key_values(request: dict[str, Any]) -> Item | None:
    """Validate ExclusiveStartKey's AttributeValues (``The provided starting key is invalid: ...``)."""
    start = request.get("ExclusiveStartKey")
    if start is None:
        return None
    try:
        return {name: validate_value(value) for name, value in start.items()}
    except ValidationException as error:
        raise ValidationException(f"The provided starting key is invalid: {error.message}") from None


def check_select(request: dict[str, Any], envelope: str) -> str | None:
    """Select against ProjectionExpression/AttributesToGet and IndexName; returns Select or None.

    Query wraps these messages in ``1 validation error detected: `` and Scan sends them bare.
    """
    select = request.get("Select")
    chosen = next(
        (m for m in ("ProjectionExpression", "AttributesToGet") if request.get(m) is not None), None
    )
    wanted = {"COUNT": "only the Count", "ALL_ATTRIBUTES": "ALL_ATTRIBUTES"}
    wanted["ALL_PROJECTED_ATTRIBUTES"] = "ALL_PROJECTED_ATTRIBUTES"
    if chosen is not None and select in wanted:
        raise ValidationException(
            f"{envelope}Cannot specify the {chosen} when choosing to get {wanted[select]}"
        )
    if select == "SPECIFIC_ATTRIBUTES" and chosen is None:
        raise ValidationException(
            f"{envelope}Must specify the AttributesToGet or ProjectionExpression when choosing to get "
            "SPECIFIC_ATTRIBUTES"
        )
    if select == "ALL_PROJECTED_ATTRIBUTES" and request.get("IndexName") is None:
        # AWS says "Querying" on Scan too (conformance tests/tier1/scan/select.test.ts).
        raise ValidationException(
            f"{envelope}ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        )
    return str(select) if select is not None else None


@dataclass(frozen=True, slots=True)
class Target:
    """What a read runs against: the table or one of its indexes."""

    table_name: str
    table: dict[str, Any]
    index: IndexDefinition | None
    key_schema: tuple[tuple[str, str], ...]
    start_key_names: tuple[str, ...]

    def fetches_table(self, select: str | None, projection: tuple[Path, ...] | None) -> bool:
        """True when an LSI read must fetch attributes the index does not project."""
        index = self.index
        if index is None or index.is_global or index.projection_type == "ALL":
            return False
        return select == "ALL_ATTRIBUTES" or projection is not None

    def start_key(self, item: Item) -> Item:
        """LastEvaluatedKey for an item: table keys then index keys."""
        return {name: item[name] for name in self.start_key_names if name in item}


def resolve_target(
    table_name: str, table: dict[str, Any], index_name: str | None, consistent: bool, *, start_present: bool
) -> Target:
    """The table or the named index.

    Raises:
        ValidationException: unknown index, or ConsistentRead on a GSI.
    """
    table_keys = tuple(key_names(table))
    if index_name is None:
        return Target(table_name, table, None, table_keys, tuple(name for name, _ in table_keys))
    index = next((i for i in definitions(table) if i.name == index_name), None)
    if index is None:
        if start_present:
            raise ValidationException("The provided starting key is invalid")
        raise ValidationException(f"The table does not have the specified index: {index_name}")
    if index.is_global and consistent:
        raise ValidationException("Consistent reads are not supported on global secondary indexes")
    names = [name for name, _ in table_keys]
    names += [name for name, _ in index.keys if name not in names]
    return Target(table_name, table, index, index.keys, tuple(names))


def check_all_attributes(target: Target, select: str | None) -> None:
    """ALL_ATTRIBUTES needs an ALL projection on a GSI (LSIs fetch from the table)."""
    index = target.index
    if (
        select == "ALL_ATTRIBUTES"
        and index is not None
        and index.is_global
        and index.projection_type != "ALL"
    ):
        raise ValidationException(
            f"{_INVALID}Select type ALL_ATTRIBUTES is not supported for global secondary index "
            f"{index.name} because its projection type is not ALL"
        )


def check_start_key_piece(start: Item, name: str, kind: str) -> None:
    """One key attribute of ExclusiveStartKey: present and of the schema's type."""
    if name not in start:
        raise ValidationException("The provided starting key is invalid")
    if type_of(start[name]) != kind:
        raise ValidationException("The provided key element does not match the schema")


def encoded_index_key(index: IndexDefinition, item: Item) -> tuple[bytes, bytes]:
    """(index hash, index range) encodings of an item carrying the index keys."""
    encoded = [encode_key(item[name]) for name, _ in index.keys]
    return encoded[0], encoded[1] if len(encoded) > 1 else b""


@dataclass(frozen=True, slots=True)
class Page:
    """How to turn read entries into a response."""

    limit: int | None
    filter: Any
    projection: tuple[Path, ...] | None
    select: str | None
    accept: Callable[[Any], bool] = lambda keys: True


def read_page(
    target: Target,
    entries: Iterator[tuple[Any, Item]],
    page: Page,
    fetch: Callable[[Item], Item] | None,
) -> tuple[dict[str, Any], int]:
    """Read entries until Limit or 1 MB, filter, project and count; the cursor is then closed.

    Returns:
        The response members and the bytes read (every item read, before the filter and the
        projection: what the read is charged for, capacity.scan_read_units).
    """
    items: list[Item] = []
    count = scanned = size = 0
    last: Item | None = None
    try:
        for keys, stored in entries:
            if not page.accept(keys):
                continue
            item = fetch(stored) if fetch is not None else stored
            scanned += 1
            size += item_size(stored)
            last = stored
            if page.filter is None or evaluate(page.filter, item):
                count += 1
                if page.select != "COUNT":
                    items.append(item if page.projection is None else project(item, page.projection))
            if scanned == page.limit or size >= MAX_PAGE_BYTES:
                break
        else:
            last = None
    finally:
        close = getattr(entries, "close", None)
        if close is not None:
            close()
    response: dict[str, Any] = {} if page.select == "COUNT" else {"Items": items}
    response.update({"Count": count, "ScannedCount": scanned})
    if last is not None:
        response["LastEvaluatedKey"] = target.start_key(last)
    return response, size


@dataclass(slots=True)
class PlainPage:
    """A page read by `read_plain_page`: its items as stored (JSON text), the last item when the
    page stopped early (LastEvaluatedKey is its key), and the bytes read when they were counted."""

    texts: list[str]
    last: Item | None
    size: int | None


def read_plain_page(entries: Iterator[tuple[Any, str]], limit: int | None, *, measure: bool) -> PlainPage:
    """`read_page` for a page without filter, projection, COUNT or table fetch, on entries whose
    items are still their stored JSON text; the cursor is then closed.

    The items are neither decoded nor encoded again. Sizes matter only for the 1 MB stop (and for
    ConsumedCapacity: `measure`), and an item's size (values.item_size) is never more than the
    length of its stored text, which is ASCII JSON: one byte per character, and at least one
    character for every byte the size counts. So the items are sized only once their texts
    add up to 1 MB, and the page stops where `read_page` would.
    """
    texts: list[str] = []
    size = 0 if measure else None  # the bytes read, once counted
    length = 0
    stopped = False
    try:
        for _, text in entries:
            texts.append(text)
            if size is None:
                length += len(text)
                if length >= MAX_PAGE_BYTES:
                    size = sum(item_size(decode_item(read)) for read in texts)
            else:
                size += item_size(decode_item(text))
            if len(texts) == limit or (size is not None and size >= MAX_PAGE_BYTES):
                stopped = True
                break
    finally:
        close = getattr(entries, "close", None)
        if close is not None:
            close()
    return PlainPage(texts, decode_item(texts[-1]) if stopped else None, size)


def encode_plain_page(page: PlainPage, target: Target, report: dict[str, Any]) -> bytes:
    """The response JSON of a plain page, as compact_json renders `read_page`'s response plus
    `report` (capacity_report's)."""
    count = str(len(page.texts))
    body = '{"Items":[' + ",".join(page.texts) + '],"Count":' + count + ',"ScannedCount":' + count
    if page.last is not None:
        body += ',"LastEvaluatedKey":' + compact_json(target.start_key(page.last))
    if report:
        body += ',"ConsumedCapacity":' + compact_json(report["ConsumedCapacity"])
    return (body + "}").encode()


def same_value(left: AttributeValue, right: AttributeValue) -> bool:
    """Key values equal by their encoding."""
    return type_of(left) == type_of(right) and encode_key(left) == encode_key(right)


def table_fetch(storage: Database, target: Target) -> Callable[[Item], Item]:
    """Read the table item behind an index entry (LSI reads of unprojected attributes)."""

    def fetch(stored: Item) -> Item:
        key = {name: stored[name] for name, _ in key_names(target.table)}
        hash_key, range_key = request_key(target.table, key)
        return storage.items.get(target.table_name, hash_key, range_key) or stored

    return fetch


def capacity_report(mode: str | None, target: Target, size: int, *, consistent: bool) -> dict[str, Any]:
    """``{"ConsumedCapacity": ...}`` for a Query or Scan page, or ``{}``.

    The sum of the sizes read is rounded up once (capacity.scan_read_units). A read of an index is
    charged to that index: INDEXES shows the table arm at 0 and the index's own arm.
    """
    units = capacity.scan_read_units([size], consistent=consistent)
    index = target.index
    if index is None:
        report = capacity.consumed_capacity(mode, target.table_name, units)
    elif index.is_global:
        report = capacity.consumed_capacity(mode, target.table_name, 0.0, global_indexes={index.name: units})
    else:
        report = capacity.consumed_capacity(mode, target.table_name, 0.0, local_indexes={index.name: units})
    return {} if report is None else {"ConsumedCapacity": report}
