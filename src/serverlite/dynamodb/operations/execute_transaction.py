"""ExecuteTransaction: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteTransaction.html

Up to 100 PartiQL statements, all reads (SELECT by full key) or all writes (INSERT, UPDATE,
DELETE, EXISTS condition checks), in one SQLite transaction: any failure rolls every write back
and raises TransactionCanceledException with one reason per statement (``DuplicateItem``,
``ConditionalCheckFailed``, ``ValidationError`` or ``None``), as TransactWriteItems does
(transaction.py). A statement's own validation errors are prefixed ``Validation failed in
TransactStatements[i]: `` and RETURNING is refused (nubo-db/dynamodb-conformance
tests/tier3/error-messages/partiql.test.ts; floci DynamoDbPartiQLEdgeCaseIntegrationTest, both
captured from AWS). ClientRequestToken replay: transaction_tokens.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from serverlite.dynamodb.errors import (
    ConditionalCheckFailedException,
    DuplicateItemException,
    TransactionCanceledException,
    ValidationException,
)
from serverlite.dynamodb.expressions.ast import Function, Path
from serverlite.dynamodb.operations import condition_check
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.schema import key_names, require_table
from serverlite.dynamodb.operations.transaction import MAX_ACTIONS, check_targets
from serverlite.dynamodb.operations.transaction_tokens import ledger_for
from serverlite.dynamodb.partiql.ast import Exists, Select, Statement
from serverlite.dynamodb.partiql.keyed import plan_keyed_read, read_keyed
from serverlite.dynamodb.partiql.keys import conjoin, split_key
from serverlite.dynamodb.partiql.parser import parse
from serverlite.dynamodb.partiql.request import MEMBER_SHAPE, check_member, parameters
from serverlite.dynamodb.partiql.writes import Write, apply_write, plan_write
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database

__all__ = ["ExecuteTransactionRequest", "execute", "validate"]

OPERATION = "ExecuteTransaction"

_MEMBER = {
    name: MEMBER_SHAPE[name] for name in ("Statement", "Parameters", "ReturnValuesOnConditionCheckFailure")
}
SHAPE = {
    "TransactStatements": ("List", _MEMBER),
    "ClientRequestToken": "String",
    "ReturnConsumedCapacity": "String",
}
_PREFIX = "Validation failed in TransactStatements[{}]: "
# serverlite's wording: no source records AWS's message for a mix of reads and writes.
_MIXED = "A transaction must contain either only read statements or only write statements"
# DynamoDB Local ValidationExceptionMessages INVALID_KEYS_FOR_TWI_CONDITION_CHECK.
_EXISTS_KEY = "EXISTS() must contain a single item read with additional condition"


@dataclass(frozen=True, slots=True)
class ExecuteTransactionRequest:
    """Parsed statements (with their ReturnValuesOnConditionCheckFailure), token and fingerprint."""

    statements: tuple[tuple[Statement, bool], ...]
    client_request_token: str | None
    fingerprint: str


def validate(request: dict[str, Any]) -> ExecuteTransactionRequest:
    """Types, constraints, every member's Parameters, then each statement (errors prefixed)."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    members = request.get("TransactStatements")
    constraints.not_null(members, "transactStatements")
    constraints.length(members, "transactStatements", 1, MAX_ACTIONS)
    for position, member in enumerate(members or (), start=1):
        check_member(member, f"transactStatements.{position}.member", constraints)
    constraints.length(request.get("ClientRequestToken"), "clientRequestToken", 1, 36)
    constraints.one_of(
        request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE")
    )
    constraints.raise_if_any()
    values = [parameters(member) for member in request["TransactStatements"]]
    statements = []
    for position, (member, bound) in enumerate(zip(request["TransactStatements"], values, strict=True)):
        with _prefixed(position):
            statement = parse(member["Statement"], bound, allow_exists=True)
            _check_statement(statement)
        statements.append((statement, member.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"))
    if len({isinstance(statement, Select) for statement, _ in statements}) > 1:
        raise ValidationException(_MIXED)
    fingerprint = json.dumps({k: v for k, v in request.items() if k != "ClientRequestToken"}, sort_keys=True)
    return ExecuteTransactionRequest(
        tuple(statements), request.get("ClientRequestToken"), OPERATION + fingerprint
    )


def _check_statement(statement: Statement) -> None:
    if isinstance(statement, Select) and statement.source.index is not None:
        raise ValidationException("Reads on indices are not supported within transactions.")
    if getattr(statement, "returning", None) is not None:
        raise ValidationException("RETURNING clause is not supported in ExecuteTransaction.")


class _prefixed:  # noqa: N801 - used as a lower-case context manager, like contextlib's
    """Re-raise a statement's ValidationException with ``Validation failed in TransactStatements[i]: ``."""

    def __init__(self, position: int) -> None:
        self.position = position

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if isinstance(error, ValidationException):
            raise ValidationException(_PREFIX.format(self.position) + str(error.message)) from None


def execute(
    request: ExecuteTransactionRequest, storage: Database, environment: Environment
) -> dict[str, Any]:
    """Replay a known token, or plan and run every statement in one transaction."""
    ledger, token = ledger_for(storage), request.client_request_token
    if token is not None:
        earlier = ledger.replay(token, request.fingerprint, environment.clock())
        if earlier is not None:
            return earlier
    with storage.transaction():
        planned = []
        for position, (statement, return_old) in enumerate(request.statements):
            with _prefixed(position):
                planned.append(_plan(statement, storage, return_old))
        check_targets(storage, [(table, target) for table, target, _ in planned])
        results = _run([action for _, _, action in planned])
    response: dict[str, Any] = {}
    if isinstance(request.statements[0][0], Select):
        response["Responses"] = [{} if item is None else {"Item": item} for item in results]
    if token is not None:
        ledger.record(token, request.fingerprint, environment.clock(), response)
    return response


def _plan(statement: Statement, storage: Database, return_old: bool) -> tuple[str, Any, Any]:
    """(table, key or item, the action to run) for one statement."""
    if isinstance(statement, Select):
        read = plan_keyed_read(statement, storage, in_transaction=True)
        return read.get.table_name, read.get.key, partial(read_keyed, read, storage)
    if isinstance(statement, Exists):
        check = _condition_check(statement.select, storage, return_old)
        return check.table_name, check.key, partial(condition_check.apply, check, storage)
    write: Write = plan_write(statement, storage, return_old=return_old)
    return statement.source.table, write.target, partial(apply_write, write, storage)


def _condition_check(
    select: Select, storage: Database, return_old: bool
) -> condition_check.ConditionCheckRequest:
    """EXISTS(SELECT ... WHERE key AND condition): the item must exist and match."""
    table = require_table(storage, select.source.table)
    names = [name for name, _ in key_names(table)]
    try:
        key, rest = split_key(select.where, names)
    except ValidationException:
        raise ValidationException(_EXISTS_KEY) from None
    if not rest or select.source.index is not None:
        raise ValidationException(_EXISTS_KEY)
    condition = conjoin([Function("attribute_exists", (Path((names[0],)),)), *rest])
    return condition_check.ConditionCheckRequest(select.source.table, key, condition, return_old)


def _run(actions: list[Any]) -> list[Any]:
    """Run every action; TransactionCanceledException (one reason each) if any failed."""
    results: list[Any] = []
    reasons: list[dict[str, Any]] = []
    failed = False
    for action in actions:
        try:
            results.append(action())
            reasons.append({"Code": "None"})
            continue
        except ConditionalCheckFailedException as error:
            reasons.append({"Code": "ConditionalCheckFailed", "Message": error.message, **error.extra})
        except DuplicateItemException as error:
            reasons.append({"Code": "DuplicateItem", "Message": error.message})
        except ValidationException as error:
            reasons.append({"Code": "ValidationError", "Message": error.message})
        failed = True
    if failed:
        raise TransactionCanceledException(reasons)
    return results
