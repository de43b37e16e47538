"""TransactWriteItems: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html

Up to 100 ConditionCheck/Put/Update/Delete actions, all-or-nothing in one SQLite transaction: a
cancelled transaction rolls back every write. Each action reuses its single-item operation's
`parse` and `apply`. ClientRequestToken replay: transaction_tokens.py. Check order: transaction.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.operations import capacity, condition_check, delete_item, put_item, update_item
from serverlite.dynamodb.operations.consumption import Tallies
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.item_collections import item_collection_metrics
from serverlite.dynamodb.operations.schema import require_table
from serverlite.dynamodb.operations.transaction import check_targets, check_transact_items, run_actions
from serverlite.dynamodb.operations.transaction_tokens import ledger_for
from serverlite.dynamodb.shapes import ATTRIBUTE_MAP, Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["TransactWriteItemsRequest", "execute", "validate"]

OPERATION = "TransactWriteItems"

_CONDITION = {
    "TableName": "String",
    "ConditionExpression": "String",
    "ExpressionAttributeNames": ("Map", "String"),
    "ExpressionAttributeValues": ATTRIBUTE_MAP,
    "ReturnValuesOnConditionCheckFailure": "String",
}
# Wire member -> (its shape, the module that parses and applies it, its required members).
_ACTIONS: dict[str, tuple[dict[str, Any], Any, tuple[str, ...]]] = {
    "ConditionCheck": ({**_CONDITION, "Key": ATTRIBUTE_MAP}, condition_check, ("Key", "ConditionExpression")),
    "Put": ({**_CONDITION, "Item": ATTRIBUTE_MAP}, put_item, ("Item",)),
    "Delete": ({**_CONDITION, "Key": ATTRIBUTE_MAP}, delete_item, ("Key",)),
    "Update": (
        {**_CONDITION, "Key": ATTRIBUTE_MAP, "UpdateExpression": "String"},
        update_item,
        ("Key", "UpdateExpression"),
    ),
}
SHAPE = {
    "TransactItems": ("List", {name: shape for name, (shape, _, _) in _ACTIONS.items()}),
    "ReturnConsumedCapacity": "String",
    "ReturnItemCollectionMetrics": "String",
    "ClientRequestToken": "String",
}
# No action, or more than one, in a TransactWriteItem: dynalite validations/transactWriteItems.js
# and moto dynamodb/exceptions.py respectively (emulators; AWS's wording is not recorded).
_NO_ACTION = "The action or operation requested is invalid. Verify that the action is typed correctly."
_MANY_ACTIONS = "TransactItems can only contain one of Check, Put, Update or Delete"


@dataclass(frozen=True, slots=True)
class TransactWriteItemsRequest:
    """The validated actions (wire name, parsed request), the token and the request's fingerprint."""

    actions: tuple[tuple[str, Any], ...]
    client_request_token: str | None
    fingerprint: str
    return_consumed_capacity: str | None = None
    return_item_collection_metrics: bool = False


def validate(request: dict[str, Any]) -> TransactWriteItemsRequest:
    """Types, constraints, then each action's values and expressions, in list order."""
    check_shape(request, SHAPE)
    _check_constraints(request)
    actions = []
    for action in request["TransactItems"]:
        present = [name for name in _ACTIONS if action.get(name) is not None]
        if len(present) != 1:
            raise ValidationException(_MANY_ACTIONS if present else _NO_ACTION)
        shape, module, _ = _ACTIONS[present[0]]
        member = {name: action[present[0]].get(name) for name in shape}
        actions.append((present[0], module.parse(member)))
    _check_total_size(request["TransactItems"])
    fingerprint = json.dumps({k: v for k, v in request.items() if k != "ClientRequestToken"}, sort_keys=True)
    return TransactWriteItemsRequest(
        tuple(actions),
        request.get("ClientRequestToken"),
        fingerprint,
        request.get("ReturnConsumedCapacity"),
        request.get("ReturnItemCollectionMetrics") == "SIZE",
    )


# "The aggregate size of the items in the transaction cannot exceed 4 MB"
# (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html), refused
# before any condition is read; the wording is the one client code matches on (not recorded from AWS
# by a source we have): "Transaction request cannot be larger than 4 MB".
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024


def _check_total_size(items: list[dict[str, Any]]) -> None:
    """The actions as sent, in compact JSON: items, keys and values, and a few bytes of framing each."""
    if len(json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode()) > MAX_TRANSACTION_BYTES:
        raise ValidationException("Transaction request cannot be larger than 4 MB")


def _check_constraints(request: dict[str, Any]) -> None:
    constraints = Constraints()
    constraints.one_of(
        request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE")
    )
    constraints.one_of(
        request.get("ReturnItemCollectionMetrics"), "returnItemCollectionMetrics", ("SIZE", "NONE")
    )
    constraints.length(request.get("ClientRequestToken"), "clientRequestToken", 1, 36)
    check_transact_items(request.get("TransactItems"), "TransactWriteItem", constraints)
    for position, action in enumerate(request.get("TransactItems") or (), start=1):
        for name, (_, _, required) in _ACTIONS.items():
            member = action.get(name)
            if member is None:
                continue
            where = f"transactItems.{position}.member.{name[0].lower()}{name[1:]}"
            for required_name in required:
                constraints.not_null(
                    member.get(required_name), f"{where}.{required_name[0].lower()}{required_name[1:]}"
                )
            constraints.table_name(member.get("TableName"), f"{where}.tableName")
            constraints.one_of(
                member.get("ReturnValuesOnConditionCheckFailure"),
                f"{where}.returnValuesOnConditionCheckFailure",
                ("ALL_OLD", "NONE"),
            )
    constraints.raise_if_any()


def execute(
    request: TransactWriteItemsRequest, storage: Database, environment: Environment
) -> dict[str, Any]:
    """Replay a known token, or run every action in one transaction and remember the token."""
    ledger, now = ledger_for(storage), environment.clock()
    token = request.client_request_token
    if token is not None:
        earlier = ledger.replay(token, request.fingerprint, now)
        if earlier is not None:
            return earlier
    with storage.transaction():
        check_targets(storage, [(parsed.table_name, _target(parsed)) for _, parsed in request.actions])
        results = run_actions(
            [partial(_ACTIONS[name][1].apply, parsed, storage) for name, parsed in request.actions]
        )
        tables = {
            parsed.table_name: require_table(storage, parsed.table_name) for _, parsed in request.actions
        }
        metrics = (
            _metrics(request, storage, tables, results) if request.return_item_collection_metrics else {}
        )
    spent, replayed = _tallies(request, tables, results)
    mode = request.return_consumed_capacity
    response: dict[str, Any] = _with_capacity({}, spent.reports(mode, transactional=True))
    if metrics:
        response["ItemCollectionMetrics"] = metrics
    if token is not None:
        replay = _with_capacity({}, replayed.reports(mode, transactional=True))
        ledger.record(token, request.fingerprint, environment.clock(), replay)
    return response


def _tallies(
    request: TransactWriteItemsRequest, tables: dict[str, dict[str, Any]], results: list[Any]
) -> tuple[Tallies, Tallies]:
    """What the transaction cost, and what a replay of its token costs.

    A write costs twice its write units (indexes included) and a ConditionCheck twice a read;
    a replay with the same ClientRequestToken reads each item transactionally instead of writing
    (API_TransactWriteItems.html ClientRequestToken; conformance
    tests/tier2/partiql/executeTransaction.test.ts: ``WriteCapacityUnits: 2`` then ``ReadCapacityUnits: 2``).
    """
    spent, replayed = Tallies(), Tallies()
    for (name, parsed), (old, new) in zip(request.actions, results, strict=True):
        table_name = parsed.table_name
        if name == "ConditionCheck":
            spent.of(table_name).read += _transactional_read(old)
        else:
            spent.of(table_name).add_write(tables[table_name], old, new, factor=2)
        replayed.of(table_name).read += _transactional_read(new if new is not None else old)
    return spent, replayed


def _transactional_read(item: Item | None) -> float:
    return capacity.read_units(capacity.item_bytes(item), consistent=True, transactional=True)


def _with_capacity(response: dict[str, Any], reports: list[dict[str, Any]] | None) -> dict[str, Any]:
    return response if reports is None else {**response, "ConsumedCapacity": reports}


def _metrics(
    request: TransactWriteItemsRequest,
    storage: Database,
    tables: dict[str, dict[str, Any]],
    results: list[Any],
) -> dict[str, list[dict[str, Any]]]:
    """ItemCollectionMetrics per LSI table, one entry per item collection written to."""
    found: dict[str, list[dict[str, Any]]] = {}
    for (name, parsed), _ in zip(request.actions, results, strict=True):
        if name == "ConditionCheck":
            continue
        metrics = item_collection_metrics(
            storage, parsed.table_name, tables[parsed.table_name], _target(parsed)
        )
        entries = found.setdefault(parsed.table_name, []) if metrics is not None else []
        if metrics is not None and all(
            e["ItemCollectionKey"] != metrics["ItemCollectionKey"] for e in entries
        ):
            entries.append(metrics)
    return found


def _target(parsed: Any) -> Item:
    item: Item = parsed.item if isinstance(parsed, put_item.PutItemRequest) else parsed.key
    return item
