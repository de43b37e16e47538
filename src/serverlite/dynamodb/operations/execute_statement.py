"""ExecuteStatement: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteStatement.html

One PartiQL statement (partiql/): a SELECT reads a page (Query or Scan), a write runs its
single-item operation in one transaction and answers ``Items`` (the RETURNING item, if any).
Check order: shape, constraints, Parameters, the statement, then table-level checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.partiql import paging
from serverlite.dynamodb.partiql.ast import Exists, Select, Statement
from serverlite.dynamodb.partiql.parser import parse
from serverlite.dynamodb.partiql.reads import plan_read
from serverlite.dynamodb.partiql.request import MEMBER_SHAPE, check_member, parameters
from serverlite.dynamodb.partiql.writes import apply_write, check_returning, plan_write
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database

__all__ = ["ExecuteStatementRequest", "execute", "validate"]

OPERATION = "ExecuteStatement"

SHAPE = {**MEMBER_SHAPE, "NextToken": "String", "ReturnConsumedCapacity": "String", "Limit": "Long"}
# DynamoDB Local ValidationExceptionMessages UNSUPPORTED_CONDITION_CHECK_CLAUSE_FOR_NON_TX_REQUEST.
_EXISTS = "EXISTS can only be used in ExecuteTransaction write requests."


@dataclass(frozen=True, slots=True)
class ExecuteStatementRequest:
    """A parsed statement with its paging and consistency settings."""

    statement: Statement
    consistent: bool
    limit: int | None
    next_token: str | None
    return_old_on_failure: bool
    fingerprint: str


def validate(request: dict[str, Any]) -> ExecuteStatementRequest:
    """Types, constraints, Parameters, then the statement."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    check_member(request, "", constraints)
    constraints.length(request.get("NextToken"), "nextToken", 1, 32768)
    constraints.at_least(request.get("Limit"), "limit", 1)
    constraints.one_of(
        request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE")
    )
    constraints.raise_if_any()
    values = parameters(request)
    statement = parse(request["Statement"], values, allow_exists=True)
    if isinstance(statement, Exists):
        raise ValidationException(_EXISTS)
    if not isinstance(statement, Select):
        check_returning(statement)
    return ExecuteStatementRequest(
        statement,
        bool(request.get("ConsistentRead")),
        request.get("Limit"),
        request.get("NextToken"),
        request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD",
        paging.fingerprint(request["Statement"], values),
    )


def execute(request: ExecuteStatementRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """A page of items for a SELECT; ``Items`` with the RETURNING item (if any) for a write."""
    statement = request.statement
    if isinstance(statement, Select):
        plan = plan_read(statement, storage, consistent=request.consistent)
        page = (request.limit, request.next_token, request.fingerprint)
        return paging.read_page(statement, plan, storage, environment, page)
    assert not isinstance(statement, Exists)
    with storage.transaction():
        write = plan_write(statement, storage, return_old=request.return_old_on_failure)
        item = apply_write(write, storage)
    return {"Items": [] if item is None else [item]}
