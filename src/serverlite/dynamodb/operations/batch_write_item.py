"""BatchWriteItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html

Up to 25 PutRequest/DeleteRequest across tables; each write is atomic on its own and serverlite
processes every one, so UnprocessedItems is always ``{}``. All checks run before the first write.
ConsumedCapacity is one entry per table (writes and index writes, consumption.py); with
``ReturnItemCollectionMetrics: SIZE`` each LSI table lists the item collections it wrote to.
Check order and messages: dynalite validations/batchWriteItem.js and test/batchWriteItem.js
(observed AWS); the empty-map and >25 wordings from nubo-db/dynamodb-conformance
tests/tier3/error-messages/batchWriteItem.test.ts. Key problems in a PutRequest item say
``The provided key element does not match the schema`` (same sources), unlike PutItem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.operations import delete_item, item_request, put_item
from serverlite.dynamodb.operations.consumption import Tallies
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.item_collections import item_collection_metrics
from serverlite.dynamodb.operations.request_echo import echo_write_requests
from serverlite.dynamodb.operations.request_items import check_table_names, require_request_items
from serverlite.dynamodb.operations.schema import key_of, request_key, require_table
from serverlite.dynamodb.shapes import ATTRIBUTE_MAP, Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["BatchWriteItemRequest", "execute", "validate"]

OPERATION = "BatchWriteItem"

MAX_REQUESTS = 25
SHAPE = {
    "RequestItems": (
        "Map",
        ("List", {"PutRequest": {"Item": ATTRIBUTE_MAP}, "DeleteRequest": {"Key": ATTRIBUTE_MAP}}),
    ),
    "ReturnConsumedCapacity": "String",
    "ReturnItemCollectionMetrics": "String",
}
_LIST_RULES = (
    "Map value must satisfy constraint: [Member must have length less than or equal to 25, "
    "Member must have length greater than or equal to 1]"
)
# A WriteRequest must hold exactly one of PutRequest and DeleteRequest; AWS answers an empty one
# with this AttributeValue wording (dynalite test/batchWriteItem.js). serverlite gives a request
# with both the same answer (not recorded from AWS).
_NOT_ONE_REQUEST = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)

WriteAction = put_item.PutItemRequest | delete_item.DeleteItemRequest


@dataclass(frozen=True, slots=True)
class BatchWriteItemRequest:
    """Validated writes per table, in request order."""

    writes: tuple[tuple[str, tuple[WriteAction, ...]], ...]
    return_consumed_capacity: str | None = None
    return_item_collection_metrics: bool = False


def validate(request: dict[str, Any]) -> BatchWriteItemRequest:
    """Types, constraints, then each request's values and item size."""
    check_shape(request, SHAPE)
    request_items = _check_constraints(request)
    writes = []
    for table_name, requests in request_items.items():
        if any(not _one_request(write) for write in requests):
            raise ValidationException(_NOT_ONE_REQUEST)
        writes.append((table_name, tuple(_action(table_name, write) for write in requests)))
    return BatchWriteItemRequest(
        tuple(writes),
        request.get("ReturnConsumedCapacity"),
        request.get("ReturnItemCollectionMetrics") == "SIZE",
    )


def _check_constraints(request: dict[str, Any]) -> dict[str, Any]:
    constraints = Constraints()
    constraints.one_of(
        request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE")
    )
    constraints.one_of(
        request.get("ReturnItemCollectionMetrics"), "returnItemCollectionMetrics", ("SIZE", "NONE")
    )
    constraints.not_null(request.get("RequestItems"), "requestItems")
    constraints.raise_if_any()
    request_items: dict[str, Any] = request["RequestItems"]
    require_request_items(request_items, OPERATION)
    echo = echo_write_requests(request_items)
    check_table_names(request_items, echo, constraints)
    # A null list is refused as an empty one (not recorded from AWS; it must not be a 500).
    if any(not 1 <= len(requests or ()) <= MAX_REQUESTS for requests in request_items.values()):
        constraints.failures.append(
            f"Value '{echo}' at 'requestItems' failed to satisfy constraint: {_LIST_RULES}"
        )
    for table_name, requests in request_items.items():
        for position, write in enumerate(requests or (), start=1):
            where = f"requestItems.{table_name}.member.{position}.member"
            if write.get("DeleteRequest") is not None:
                constraints.not_null(write["DeleteRequest"].get("Key"), f"{where}.deleteRequest.key")
            if write.get("PutRequest") is not None:
                constraints.not_null(write["PutRequest"].get("Item"), f"{where}.putRequest.item")
    constraints.raise_if_any()
    if sum(len(requests) for requests in request_items.values()) > MAX_REQUESTS:
        # The per-table limit is the model's; the total is DynamoDB's 25-request quota, worded like
        # BatchGetItem's (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html).
        raise ValidationException("Too many items requested for the BatchWriteItem call")
    return request_items


def _one_request(write: dict[str, Any]) -> bool:
    return (write.get("PutRequest") is None) != (write.get("DeleteRequest") is None)


def _action(table_name: str, write: dict[str, Any]) -> WriteAction:
    if write.get("PutRequest") is not None:
        item = item_request.validated_item(write["PutRequest"]["Item"])
        item_request.check_item_size(item, "Item size has exceeded the maximum allowed size")
        return put_item.PutItemRequest(table_name, item)
    return delete_item.DeleteItemRequest(
        table_name, item_request.validated_item(write["DeleteRequest"]["Key"])
    )


def execute(request: BatchWriteItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Check every table and key, then write each item; one SQLite transaction for the batch."""
    tallies = Tallies()
    metrics: dict[str, list[dict[str, Any]]] = {}
    with storage.transaction():
        tables = {
            table_name: _check_keys(storage, table_name, actions) for table_name, actions in request.writes
        }
        for table_name, actions in request.writes:
            for action in actions:
                old, new = _APPLY[type(action)](action, storage)
                tallies.of(table_name).add_write(tables[table_name], old, new)
            if request.return_item_collection_metrics:
                _collect(metrics, storage, table_name, tables[table_name], actions)
    response: dict[str, Any] = {"UnprocessedItems": {}}
    reports = tallies.reports(request.return_consumed_capacity)
    if reports is not None:
        response["ConsumedCapacity"] = reports
    if metrics:
        response["ItemCollectionMetrics"] = metrics
    return response


def _collect(
    metrics: dict[str, list[dict[str, Any]]],
    storage: Database,
    table_name: str,
    table: dict[str, Any],
    actions: tuple[WriteAction, ...],
) -> None:
    """One ItemCollectionMetrics entry per item collection the table's writes touched."""
    seen: list[Any] = []
    for action in actions:
        found = item_collection_metrics(storage, table_name, table, _key(action))
        if found is not None and found["ItemCollectionKey"] not in seen:
            seen.append(found["ItemCollectionKey"])
            metrics.setdefault(table_name, []).append(found)


def _check_keys(storage: Database, table_name: str, actions: tuple[WriteAction, ...]) -> dict[str, Any]:
    """The table's description, once its keys are checked (no duplicates in one batch)."""
    table = require_table(storage, table_name)
    seen = set()
    for action in actions:
        key = _key(action)
        encoded = request_key(
            table, key_of(table, key) if isinstance(action, put_item.PutItemRequest) else key
        )
        if encoded in seen:
            raise ValidationException("Provided list of item keys contains duplicates")
        seen.add(encoded)
    return table


def _key(action: WriteAction) -> Item:
    return action.item if isinstance(action, put_item.PutItemRequest) else action.key


_APPLY: dict[type, Any] = {
    put_item.PutItemRequest: put_item.apply,
    delete_item.DeleteItemRequest: delete_item.apply,
}
