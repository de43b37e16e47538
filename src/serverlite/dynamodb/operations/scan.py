"""Scan: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html

Rows stream from a SQLite cursor in storage-key order and the page stops at Limit or 1 MB, so a
full paged Scan never holds the table in memory. Parallel scan
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.ParallelScan):
an item belongs to segment ``crc32(hash key bytes) % TotalSegments``, so each item is in exactly
one segment. Checks and messages: dynalite validations/scan.js and actions/scan.js (observed AWS),
segment wording confirmed by nubo-db/dynamodb-conformance tests/tier3/error-messages/scan.test.ts.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions import legacy
from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.operations import read_request
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.read_request import Page, Target
from serverlite.dynamodb.operations.schema import key_names, request_key, require_table
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["ScanRequest", "execute", "segment_of", "validate"]

OPERATION = "Scan"

SHAPE: dict[str, Any] = {
    **read_request.COMMON_SHAPE,
    "ScanFilter": read_request.CONDITIONS,
    "Segment": "Long",
    "TotalSegments": "Long",
}
_INVALID_START = "The provided starting key is invalid"


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """A validated Scan request."""

    table_name: str
    index_name: str | None
    filter: Any
    projection: tuple[Path, ...] | None
    select: str | None
    limit: int | None
    consistent: bool
    start_key: Item | None
    segment: int
    total_segments: int
    return_consumed_capacity: str | None = None


def validate(request: dict[str, Any]) -> ScanRequest:
    """Shape, constraints, expression parameters, legacy filter, start key, segments, expressions."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    read_request.check_common(request, constraints, "ScanFilter")
    constraints.at_least(request.get("Limit"), "limit", 1)
    constraints.at_least(request.get("Segment"), "segment", 0)
    constraints.at_most(request.get("Segment"), "segment", 999999)
    constraints.at_least(request.get("TotalSegments"), "totalSegments", 1)
    constraints.at_most(request.get("TotalSegments"), "totalSegments", 1000000)
    constraints.raise_if_any()
    context = expression_context(
        request,
        ("ProjectionExpression", "FilterExpression"),
        ("AttributesToGet", "ScanFilter", "ConditionalOperator"),
    )
    _check_duplicates(request.get("AttributesToGet"))
    scan_filter = legacy.check_conditions(request.get("ScanFilter"))
    legacy.check_conditional_operator(request.get("ScanFilter"), request.get("ConditionalOperator"))
    start_key = read_request.check_start_key_values(request)
    segment, total = _segments(request)
    select = read_request.check_select(request, "")
    filter_tree = projection = None
    if request.get("FilterExpression") is not None:
        filter_tree = context.condition(request["FilterExpression"], "FilterExpression")
    if request.get("ProjectionExpression") is not None:
        projection = context.projection(request["ProjectionExpression"]).paths
    context.finish()
    if request.get("ScanFilter") is not None:
        filter_tree = legacy.filter_condition(
            request["ScanFilter"], scan_filter, request.get("ConditionalOperator")
        )
    if request.get("AttributesToGet") is not None:
        projection = tuple(Path((name,)) for name in request["AttributesToGet"])
    return ScanRequest(
        table_name=request["TableName"],
        index_name=request.get("IndexName"),
        filter=filter_tree,
        projection=projection,
        select=select,
        limit=request.get("Limit"),
        consistent=bool(request.get("ConsistentRead")),
        start_key=start_key,
        segment=segment,
        total_segments=total,
        return_consumed_capacity=request.get("ReturnConsumedCapacity"),
    )


def _check_duplicates(names: list[str] | None) -> None:
    if names is not None and len(set(names)) != len(names):
        duplicate = next(name for i, name in enumerate(names) if name in names[:i])
        raise ValidationException(
            f"One or more parameter values were invalid: Duplicate value in attribute name: {duplicate}"
        )


def _segments(request: dict[str, Any]) -> tuple[int, int]:
    segment, total = request.get("Segment"), request.get("TotalSegments")
    if segment is not None and total is None:
        raise ValidationException(
            "The TotalSegments parameter is required but was not present in the request when Segment "
            "parameter is present"
        )
    if total is not None and segment is None:
        raise ValidationException(
            "The Segment parameter is required but was not present in the request when parameter "
            "TotalSegments is present"
        )
    if total is not None and segment >= total:
        raise ValidationException(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {segment} is not less than TotalSegments: {total}"
        )
    return int(segment or 0), int(total or 1)


def segment_of(hash_key: bytes, total_segments: int) -> int:
    """The parallel-scan segment an encoded hash key belongs to."""
    return zlib.crc32(hash_key) % total_segments


def execute(request: ScanRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Table-level checks in dynalite actions/scan.js order, then one streamed page."""
    table = require_table(storage, request.table_name)
    target = read_request.resolve_target(
        request.table_name,
        table,
        request.index_name,
        request.consistent,
        start_present=request.start_key is not None,
    )
    after = _check_start_key(target, request)
    read_request.check_all_attributes(target, request.select)
    page = Page(request.limit, request.filter, request.projection, request.select, _segment_filter(request))
    response, size = _read(storage, target, request, page, after)
    mode = request.return_consumed_capacity
    return response | read_request.capacity_report(mode, target, size, consistent=request.consistent)


def _read(
    storage: Database, target: Target, request: ScanRequest, page: Page, after: tuple[bytes, ...] | None
) -> tuple[dict[str, Any], int]:
    if target.index is None:
        rows = storage.items.scan(request.table_name, after=None if after is None else (after[0], after[1]))
        entries: Any = (((hash_key, range_key), item) for hash_key, range_key, item in rows)
        return read_request.read_page(target, _closing(entries, rows), page, None)
    index_after = None if after is None else (after[0], after[1], after[2], after[3])
    entries = storage.items.index_entries.scan(request.table_name, target.index.name, after=index_after)
    fetch = None
    if target.fetches_table(request.select, request.projection):
        fetch = read_request.table_fetch(storage, target)
    return read_request.read_page(target, entries, page, fetch)


def _segment_filter(request: ScanRequest) -> Any:
    if request.total_segments == 1:
        return lambda keys: True
    return lambda keys: segment_of(keys[0], request.total_segments) == request.segment


def _closing(entries: Any, rows: Any) -> Any:
    try:
        yield from entries
    finally:
        rows.close()


def _check_start_key(target: Target, request: ScanRequest) -> tuple[bytes, ...] | None:
    start = request.start_key
    if start is None:
        return None
    if len(start) != len(target.start_key_names):
        if target.index is not None:
            raise ValidationException(_INVALID_START)
        raise ValidationException(f"{_INVALID_START}: The provided key element does not match the schema")
    if target.index is not None:
        for name, kind in target.key_schema:
            read_request.check_start_key_piece(start, name, kind)
    table_key = {name: start[name] for name, _ in key_names(target.table) if name in start}
    try:
        hash_key, range_key = request_key(target.table, table_key)
    except ValidationException as error:
        raise ValidationException(f"{_INVALID_START}: {error.message}") from None
    encoded: tuple[bytes, ...] = (hash_key, range_key)
    if target.index is not None:
        encoded = (*read_request.encoded_index_key(target.index, start), hash_key, range_key)
    if request.total_segments > 1 and segment_of(encoded[0], request.total_segments) != request.segment:
        raise ValidationException(
            f"{_INVALID_START}: Invalid ExclusiveStartKey. "
            "Please use ExclusiveStartKey with correct Segment. "
            f"TotalSegments: {request.total_segments} Segment: {request.segment}"
        )
    return encoded
