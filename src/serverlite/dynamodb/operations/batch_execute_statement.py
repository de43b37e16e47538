"""BatchExecuteStatement: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchExecuteStatement.html

Up to 25 statements, each answered on its own in ``Responses`` (in order): ``Item`` and
``TableName`` when it ran, or ``Error`` with a BatchStatementErrorCodeEnum code (botocore
service-2.json). Per-member behaviour captured from AWS by nubo-db/dynamodb-conformance
tests/tier2/partiql/batchExecuteStatement.test.ts: a malformed or invalid member is a
``ValidationError`` without TableName and does not stop the others; a member that reached its
table and failed (ConditionalCheckFailed, DuplicateItem) echoes TableName; RETURNING is honoured;
ReturnValuesOnConditionCheckFailure is accepted but returns nothing. Each write is its own
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import (
    ConditionalCheckFailedException,
    DuplicateItemException,
    DynamoDBError,
    ResourceNotFoundException,
    ValidationException,
)
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.partiql.ast import Delete, Exists, Insert, Select, Statement, Update
from serverlite.dynamodb.partiql.keyed import plan_keyed_read, read_keyed
from serverlite.dynamodb.partiql.parser import parse
from serverlite.dynamodb.partiql.request import MEMBER_SHAPE, check_member, parameters
from serverlite.dynamodb.partiql.writes import apply_write, check_returning, plan_write
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["BatchExecuteStatementRequest", "execute", "validate"]

OPERATION = "BatchExecuteStatement"

MAX_STATEMENTS = 25
SHAPE = {"Statements": ("List", MEMBER_SHAPE), "ReturnConsumedCapacity": "String"}
# Error class -> BatchStatementError Code (botocore BatchStatementErrorCodeEnum).
_CODES: dict[type[DynamoDBError], str] = {
    ValidationException: "ValidationError",
    ConditionalCheckFailedException: "ConditionalCheckFailed",
    DuplicateItemException: "DuplicateItem",
    ResourceNotFoundException: "ResourceNotFound",
}


@dataclass(frozen=True, slots=True)
class BatchExecuteStatementRequest:
    """Each member parsed, or the ValidationException that rejected it."""

    members: tuple[Statement | ValidationException, ...]


def validate(request: dict[str, Any]) -> BatchExecuteStatementRequest:
    """Types and constraints for the whole batch; each member's own errors are kept for its answer."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    statements = request.get("Statements")
    constraints.not_null(statements, "statements")
    constraints.length(statements, "statements", 1, MAX_STATEMENTS)
    for position, member in enumerate(statements or (), start=1):
        check_member(member, f"statements.{position}.member", constraints)
    constraints.one_of(
        request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE")
    )
    constraints.raise_if_any()
    return BatchExecuteStatementRequest(tuple(_member(member) for member in request["Statements"]))


def _member(member: dict[str, Any]) -> Statement | ValidationException:
    try:
        statement = parse(member["Statement"], parameters(member))
        if isinstance(statement, (Insert, Update, Delete)):
            check_returning(statement)
    except ValidationException as error:
        return error
    return statement


def execute(
    request: BatchExecuteStatementRequest, storage: Database, environment: Environment
) -> dict[str, Any]:
    """Run every member in order; one response per member."""
    return {"Responses": [_respond(member, storage) for member in request.members]}


def _respond(member: Statement | ValidationException, storage: Database) -> dict[str, Any]:
    if isinstance(member, ValidationException):
        return _error(member)
    assert not isinstance(member, Exists), "parse() only returns Exists when allowed"  # noqa: S101
    try:
        run = _planned(member, storage)
    except DynamoDBError as error:
        return _error(error)
    response: dict[str, Any] = {"TableName": member.source.table}
    try:
        item = run()
    except DynamoDBError as error:
        return {**_error(error), **response}
    return {**response, "Item": item} if item else response


def _planned(member: Statement, storage: Database) -> Any:
    """Plan a member (errors here mean it never reached its table); return how to run it."""
    if isinstance(member, Select):
        read = plan_keyed_read(member, storage, in_transaction=False)
        return lambda: read_keyed(read, storage)
    assert not isinstance(member, Exists), "parse() only returns Exists when allowed"  # noqa: S101
    write = plan_write(member, storage, return_old=False)

    def run() -> Item | None:
        with storage.transaction():
            return apply_write(write, storage)

    return run


def _error(error: DynamoDBError) -> dict[str, Any]:
    code = _CODES.get(type(error))
    if code is None:
        raise error
    return {"Error": {"Code": code, "Message": error.message}}
