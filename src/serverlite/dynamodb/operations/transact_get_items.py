"""TransactGetItems: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html

Up to 100 Get actions read in one SQLite transaction; Responses holds one ``{"Item": ...}`` per
action in order, ``{}`` where there is no item. Check order: see transaction.py. Each Get costs
two read units per 4 KB, a missing item included, reported per table with ReadCapacityUnits
(consumption.py; conformance tests/tier2/transactions/transactGet.test.ts).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from serverlite.dynamodb.operations import capacity, get_item
from serverlite.dynamodb.operations.consumption import Tallies
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.transaction import check_targets, check_transact_items, run_actions
from serverlite.dynamodb.shapes import ATTRIBUTE_MAP, Constraints, check_shape
from serverlite.dynamodb.storage.database import Database

__all__ = ["TransactGetItemsRequest", "execute", "validate"]

OPERATION = "TransactGetItems"

_GET = {
    "Key": ATTRIBUTE_MAP,
    "TableName": "String",
    "ProjectionExpression": "String",
    "ExpressionAttributeNames": ("Map", "String"),
}
SHAPE = {"TransactItems": ("List", {"Get": _GET}), "ReturnConsumedCapacity": "String"}


@dataclass(frozen=True, slots=True)
class TransactGetItemsRequest:
    """The validated Get actions, in request order."""

    gets: tuple[get_item.GetItemRequest, ...]
    return_consumed_capacity: str | None = None


def validate(request: dict[str, Any]) -> TransactGetItemsRequest:
    """Types, constraints, then each Get's key values and projection."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    constraints.one_of(
        request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE")
    )
    items = request.get("TransactItems")
    check_transact_items(items, "TransactGetItem", constraints)
    for position, action in enumerate(items or (), start=1):
        where = f"transactItems.{position}.member.get"
        get = action.get("Get")
        constraints.not_null(get, where)
        if get is not None:
            constraints.not_null(get.get("Key"), f"{where}.key")
            constraints.table_name(get.get("TableName"), f"{where}.tableName")
    constraints.raise_if_any()
    items = request["TransactItems"]
    return TransactGetItemsRequest(
        tuple(get_item.parse({name: a["Get"].get(name) for name in _GET}) for a in items),
        request.get("ReturnConsumedCapacity"),
    )


def execute(request: TransactGetItemsRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Every item read in one transaction, or TransactionCanceledException."""
    with storage.transaction():
        check_targets(storage, [(get.table_name, get.key) for get in request.gets])
        found = run_actions([partial(get_item.fetch, get, storage) for get in request.gets])
    tallies = Tallies()
    for get, item in zip(request.gets, found, strict=True):
        tallies.of(get.table_name).read += capacity.read_units(
            capacity.item_bytes(item), consistent=True, transactional=True
        )
    items = [get_item.projected(get, item) for get, item in zip(request.gets, found, strict=True)]
    response: dict[str, Any] = {"Responses": [{} if item is None else {"Item": item} for item in items]}
    reports = tallies.reports(request.return_consumed_capacity, transactional=True)
    return response if reports is None else {**response, "ConsumedCapacity": reports}
