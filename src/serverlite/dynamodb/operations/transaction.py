"""What TransactGetItems and TransactWriteItems share: the TransactItems list and cancellation.

Order (nubo-db/dynamodb-conformance tests/tier3/error-messages/transactWriteItems.test.ts and
transactGetItems.test.ts, captured from AWS): list-length constraints, then every action's
parameters (a top-level ValidationException), then missing tables (ResourceNotFoundException,
``Requested resource not found``), empty or oversized key values (top-level), two actions on one
item (``Transaction request cannot include multiple operations on one item``), and only then the
actions themselves. An action that fails its condition or any remaining check does not stop the
others from being tried: the TransactionCanceledException lists one reason per action, ``None``
for those that would have succeeded (``ConditionalCheckFailed`` with ``The conditional request
failed``, ``ValidationError`` with the check's message). The first ValidationError ends the run: the
actions after it are not tried and report ``None`` (issue 19, measured against AWS).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from serverlite.dynamodb.errors import (
    ConditionalCheckFailedException,
    TransactionCanceledException,
    ValidationException,
)
from serverlite.dynamodb.operations.request_echo import echo_transact_items
from serverlite.dynamodb.operations.schema import check_key_values, key_identity, require_table
from serverlite.dynamodb.shapes import Constraints
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["MAX_ACTIONS", "check_targets", "check_transact_items", "run_actions"]

MAX_ACTIONS = 100
Result = TypeVar("Result")


def check_transact_items(items: list[Any] | None, structure: str, constraints: Constraints) -> None:
    """TransactItems: not null, 1..100 actions, the list echoed as Java prints it."""
    constraints.not_null(items, "transactItems")
    if items is None or 1 <= len(items) <= MAX_ACTIONS:
        return
    rule = "greater than or equal to 1" if not items else f"less than or equal to {MAX_ACTIONS}"
    constraints.failures.append(
        f"Value '{echo_transact_items(items, structure)}' at 'transactItems' failed to satisfy constraint: "
        f"Member must have length {rule}"
    )


def check_targets(storage: Database, targets: Sequence[tuple[str, Item]]) -> None:
    """Tables exist, key values are usable, and no item is the target of two actions."""
    tables = [require_table(storage, table_name) for table_name, _ in targets]
    for table, (_, attributes) in zip(tables, targets, strict=True):
        check_key_values(table, attributes)
    seen = set()
    for table, (table_name, attributes) in zip(tables, targets, strict=True):
        identity = (table_name, key_identity(table, attributes))
        if identity in seen:
            raise ValidationException("Transaction request cannot include multiple operations on one item")
        seen.add(identity)


def run_actions(actions: Sequence[Callable[[], Result]]) -> list[Result]:
    """Run every action; raise TransactionCanceledException if any failed (the caller rolls back)."""
    results: list[Result] = []
    reasons: list[dict[str, Any]] = []
    for action in actions:
        try:
            results.append(action())
            reasons.append({"Code": "None"})
        except ConditionalCheckFailedException as error:
            reasons.append({"Code": "ConditionalCheckFailed", "Message": error.message, **error.extra})
        except ValidationException as error:
            reasons.append({"Code": "ValidationError", "Message": error.message})
            break  # the actions after an invalid one are not tried: their reasons are None
    if len(results) < len(actions):
        reasons += [{"Code": "None"}] * (len(actions) - len(reasons))
        raise TransactionCanceledException(reasons)
    return results
