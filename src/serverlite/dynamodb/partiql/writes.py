"""INSERT, UPDATE and DELETE as the single-item operations' requests, applied in a transaction.

Semantics captured from AWS by nubo-db/dynamodb-conformance
tests/tier2/partiql/executeStatement.test.ts: INSERT is not an upsert (an existing key fails with
DuplicateItemException); UPDATE is not an upsert either (a missing item fails the condition);
a DELETE of a missing item is a silent no-op even with extra conditions; extra WHERE terms are a
condition (ConditionalCheckFailedException). RETURNING: ALL/MODIFIED OLD/NEW on UPDATE, only
ALL OLD on DELETE; MODIFIED projects the written paths, list indexes packed in ascending order,
and an empty projection returns no item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import (
    ConditionalCheckFailedException,
    DuplicateItemException,
    ValidationException,
)
from serverlite.dynamodb.expressions.ast import Function, Not, Or, Path, UpdateExpression
from serverlite.dynamodb.expressions.paths import project
from serverlite.dynamodb.operations import delete_item, put_item, update_item
from serverlite.dynamodb.operations.schema import key_names, require_table
from serverlite.dynamodb.partiql.ast import Delete, Insert, Source, Update
from serverlite.dynamodb.partiql.keys import conjoin, split_key
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["Write", "apply_write", "check_returning", "plan_write"]

_ON_INDEX = "This operation is not supported on an index"


@dataclass(frozen=True, slots=True)
class Write:
    """A planned write: the operation request, its target (table, key or item) and RETURNING."""

    request: Any
    target: Item
    returning: str | None


def check_returning(statement: Insert | Update | Delete) -> None:
    """Only ``RETURNING ALL OLD *`` on DELETE (conformance tests/tier3/error-messages/partiql.test.ts)."""
    if isinstance(statement, Delete) and statement.returning not in (None, "ALL OLD"):
        raise ValidationException(
            f"Invalid returning clause: RETURNING {statement.returning} *. "
            "Only RETURNING ALL OLD * is allowed in DELETE statements."
        )


def plan_write(statement: Insert | Update | Delete, storage: Database, *, return_old: bool) -> Write:
    """The put/update/delete request for a statement against its table.

    Raises:
        ResourceNotFoundException: no such table.
        ValidationException: an index target or an incomplete key.
    """
    table = _table(statement.source, storage)
    names = [name for name, _ in key_names(table)]
    exists = Function("attribute_exists", (Path((names[0],)),))
    if isinstance(statement, Insert):
        missing = Function("attribute_not_exists", (Path((names[0],)),))
        return Write(
            put_item.PutItemRequest(statement.source.table, statement.item, missing), statement.item, None
        )
    key, rest = split_key(statement.where, names)
    extra = conjoin(rest)
    if isinstance(statement, Update):
        sections = tuple(dict.fromkeys(_section(action) for action in statement.actions))
        update = UpdateExpression(statement.actions, sections)
        condition = exists if extra is None else conjoin([exists, extra])
        request: Any = update_item.UpdateItemRequest(
            statement.source.table, key, update, condition, "NONE", return_old
        )
        return Write(request, key, statement.returning)
    condition = None if extra is None else Or(Not(exists), extra)
    request = delete_item.DeleteItemRequest(statement.source.table, key, condition, "NONE", return_old)
    return Write(request, key, statement.returning)


def _table(source: Source, storage: Database) -> dict[str, Any]:
    table = require_table(storage, source.table)
    if source.index is not None:
        raise ValidationException(_ON_INDEX)
    return table


def _section(action: Any) -> str:
    return getattr(action, "section", "SET")


def apply_write(write: Write, storage: Database) -> Item | None:
    """Apply inside the caller's transaction; the RETURNING item, if any.

    Raises:
        DuplicateItemException: INSERT of an existing key.
        ConditionalCheckFailedException: UPDATE of a missing item or a false WHERE term.
    """
    request = write.request
    if isinstance(request, put_item.PutItemRequest):
        try:
            put_item.apply(request, storage)
        except ConditionalCheckFailedException:
            raise DuplicateItemException() from None
        return None
    if isinstance(request, update_item.UpdateItemRequest):
        old, new = update_item.apply(request, storage)
        return _returned(write.returning, request.update, old, new)
    old, _ = delete_item.apply(request, storage)
    return old if write.returning == "ALL OLD" else None


def _returned(returning: str | None, update: Any, old: Item | None, new: Item | None) -> Item | None:
    images = {"OLD": old or {}, "NEW": new or {}}
    if returning is None:
        return None
    scope, image = returning.split()
    if scope == "ALL":
        return images[image] or None
    paths = sorted((action.path for action in update.actions), key=_index_order)
    return project(images[image], paths) or None


def _index_order(path: Path) -> tuple[int, ...]:
    """Sort key that orders list indexes ascending and keeps names in written order."""
    return tuple(part if isinstance(part, int) else -1 for part in path.parts)
