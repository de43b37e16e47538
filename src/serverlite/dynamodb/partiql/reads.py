"""SELECT as the read operations: Query when the WHERE pins the partition key, Scan otherwise.

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.select.html: an
equality or IN on the partition key avoids a full scan; other terms are filters; ORDER BY needs
the partition key pinned and names key attributes only. Sort-key terms (``= < <= > >= BETWEEN
begins_with``) become the key condition. ``pk IN [...]`` runs one Query per value, in order.
Index rules and messages: nubo-db/dynamodb-conformance tests/tier3/error-messages/partiql.test.ts
and tests/tier2/partiql/indexQualifier.test.ts (captured from AWS). Limit counts items read, as in
Query and Scan; NextToken is serverlite's own opaque token (base64 JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import Between, Comparison, Function, In, Path, Value
from serverlite.dynamodb.expressions.key_condition import KeyCondition
from serverlite.dynamodb.expressions.names import path_heads
from serverlite.dynamodb.operations import query, scan
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.schema import key_names, require_table
from serverlite.dynamodb.partiql.ast import Select
from serverlite.dynamodb.partiql.keys import conjoin, equality, terms
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.indexes import IndexDefinition, definitions
from serverlite.dynamodb.storage.keys import encode_key
from serverlite.dynamodb.values import AttributeValue, Item

__all__ = ["ReadPlan", "plan_read", "run_branch"]

_INVALID = "One or more parameter values were invalid: "
_KEY_OPERATORS = {"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True, slots=True)
class ReadPlan:
    """Query branches (one per partition-key value) or, with no branches, one Scan."""

    table_name: str
    index_name: str | None
    hash_values: tuple[AttributeValue, ...]
    key_names: tuple[str, ...]
    range_condition: KeyCondition | None
    filter: Any
    select: str | None
    forward: bool


def plan_read(statement: Select, storage: Database, *, consistent: bool) -> ReadPlan:
    """Check the source, index rules and ORDER BY, and split the WHERE into key and filter.

    Raises:
        ResourceNotFoundException: no such table.
        ValidationException: an unknown index or a rule the statement breaks.
    """
    source = statement.source
    table = require_table(storage, source.table)
    index = _index(table, source.index, consistent)
    schema = tuple(name for name, _ in (index.keys if index else key_names(table)))
    hash_values, rest = _hash_values(statement.where, schema[0])
    range_condition = None
    if hash_values and len(schema) > 1:
        range_condition, rest = _range_condition(rest, schema[1])
    select = None
    if index is not None:
        select = _check_index(index, statement, rest, keyed=bool(hash_values))
    forward = _check_order(statement, schema, keyed=bool(hash_values))
    if hash_values and statement.order_by and statement.order_by[0][0] == schema[0]:
        hash_values = sorted(hash_values, key=encode_key, reverse=statement.order_by[0][1])
    filter_tree = conjoin(rest) if hash_values else statement.where
    return ReadPlan(
        source.table, source.index, tuple(hash_values), schema, range_condition, filter_tree, select, forward
    )


def _index(table: dict[str, Any], name: str | None, consistent: bool) -> IndexDefinition | None:
    if name is None:
        return None
    index = next((i for i in definitions(table) if i.name == name), None)
    if index is None:
        raise ValidationException("The table does not have the specified index")
    if index.is_global and consistent:
        raise ValidationException("Strongly consistent read is not supported on Global Secondary Indexes")
    return index


def _hash_values(where: Any, name: str) -> tuple[list[AttributeValue], list[Any]]:
    rest = terms(where)
    for position, term in enumerate(rest):
        pinned = equality(term)
        if pinned is not None and pinned[0] == name:
            return [pinned[1]], rest[:position] + rest[position + 1 :]
        if isinstance(term, In) and term.operand == Path((name,)):
            values = [option.value for option in term.options if isinstance(option, Value) and option.value]
            return values, rest[:position] + rest[position + 1 :]
    return [], rest


def _range_condition(rest: list[Any], name: str) -> tuple[KeyCondition | None, list[Any]]:
    for position, term in enumerate(rest):
        condition = _key_condition(term, Path((name,)))
        if condition is not None:
            return condition, rest[:position] + rest[position + 1 :]
    return None, rest


def _key_condition(term: Any, path: Path) -> KeyCondition | None:
    if isinstance(term, Comparison) and term.operator in _KEY_OPERATORS:
        for left, right, operator in ((term.left, term.right, term.operator), (term.right, term.left, None)):
            if left == path and isinstance(right, Value) and right.value is not None:
                return KeyCondition(_KEY_OPERATORS[operator or _FLIPPED[term.operator]], (right.value,))
    if isinstance(term, Between) and term.operand == path:
        bounds = [b.value for b in (term.low, term.high) if isinstance(b, Value) and b.value is not None]
        if len(bounds) == 2:
            return KeyCondition("BETWEEN", tuple(bounds))
    if isinstance(term, Function) and term.name == "begins_with" and term.args[0] == path:
        prefix = term.args[1]
        if isinstance(prefix, Value) and prefix.value is not None:
            return KeyCondition("BEGINS_WITH", (prefix.value,))
    return None


def _check_index(index: IndexDefinition, statement: Select, rest: list[Any], *, keyed: bool) -> str | None:
    """Projection and filter attributes the index must hold; the Select mode for the read."""
    projected = index.projected_names()
    if projected is None:
        return None
    wanted = [str(path.parts[0]) for path in statement.projection or ()]
    missing = list(dict.fromkeys(name for name in wanted if name not in projected))
    if missing and index.is_global:
        raise ValidationException(
            f"{_INVALID}Global secondary index {index.name} does not project [{', '.join(missing)}]"
        )
    if keyed:
        heads = dict.fromkeys(h for term in rest for h in path_heads(term) if h not in projected)
        if heads:
            raise ValidationException(
                f"{_INVALID}Secondary index {index.name} does not project one or more filter attributes: "
                f"[{', '.join(heads)}]"
            )
    return "ALL_ATTRIBUTES" if missing else None


def _check_order(statement: Select, schema: tuple[str, ...], *, keyed: bool) -> bool:
    """ORDER BY rules (DynamoDB Local ValidationExceptionMessages); True for ascending."""
    forward = True
    for name, descending in statement.order_by:
        if name not in schema:
            raise ValidationException(
                f"Variable reference {name} in ORDER BY clause must be part of the primary key"
            )
        if not keyed:
            raise ValidationException(
                "Must have at least one non-optional hash key condition in WHERE clause when using "
                "ORDER BY clause."
            )
        if len(schema) > 1 and name == schema[1]:
            forward = not descending
    return forward


def run_branch(
    plan: ReadPlan,
    storage: Database,
    environment: Environment,
    branch: int,
    limit: int | None,
    start_key: Item | None,
) -> dict[str, Any]:
    """One Query (branch < number of hash values) or the Scan; the operation's raw response."""
    if not plan.hash_values:
        request: Any = scan.ScanRequest(
            plan.table_name, plan.index_name, plan.filter, None, plan.select, limit, False, start_key, 0, 1
        )
        return scan.execute(request, storage, environment)
    conditions = {plan.key_names[0]: KeyCondition("EQ", (plan.hash_values[branch],))}
    if plan.range_condition is not None:
        conditions[plan.key_names[1]] = plan.range_condition
    request = query.QueryRequest(
        table_name=plan.table_name,
        index_name=plan.index_name,
        key_conditions=conditions,
        filter=plan.filter,
        filter_heads=(),
        filter_member="Filter Expression",
        projection=None,
        select=plan.select,
        limit=limit,
        forward=plan.forward,
        consistent=False,
        start_key=start_key,
    )
    return query.execute(request, storage, environment)
