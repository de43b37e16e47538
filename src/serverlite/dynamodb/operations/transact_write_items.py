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
from serverlite.dynamodb.operations import condition_check, delete_item, put_item, update_item
from serverlite.dynamodb.operations.environment import Environment
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
    fingerprint = json.dumps({k: v for k, v in request.items() if k != "ClientRequestToken"}, sort_keys=True)
    return TransactWriteItemsRequest(tuple(actions), request.get("ClientRequestToken"), fingerprint)


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
        run_actions([partial(_ACTIONS[name][1].apply, parsed, storage) for name, parsed in request.actions])
    response: dict[str, Any] = {}
    if token is not None:
        ledger.record(token, request.fingerprint, environment.clock(), response)
    return response


def _target(parsed: Any) -> Item:
    item: Item = parsed.item if isinstance(parsed, put_item.PutItemRequest) else parsed.key
    return item
