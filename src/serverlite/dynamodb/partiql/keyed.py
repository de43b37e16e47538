"""SELECT by full primary key, as BatchExecuteStatement and ExecuteTransaction read: a GetItem.

Rules captured from AWS: a batch SELECT must pin the table's key, and an index-qualified one
cannot (nubo-db/dynamodb-conformance tests/tier2/partiql/batchExecuteStatement.test.ts); a
transaction SELECT must be exactly the key equalities (floci DynamoDbPartiQLEdgeCaseIntegrationTest
``readsOnlyByTheKeyInATransaction``) and may not name an index (conformance
tests/tier3/error-messages/partiqlIndexQualifier.test.ts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.evaluate import evaluate
from serverlite.dynamodb.operations import get_item
from serverlite.dynamodb.operations.schema import key_names, require_table
from serverlite.dynamodb.partiql.ast import Select
from serverlite.dynamodb.partiql.keys import conjoin, split_key
from serverlite.dynamodb.partiql.projection import select_paths
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["BATCH", "TRANSACTION", "KeyedRead", "plan_keyed_read", "read_keyed"]

BATCH = "Select statements within BatchExecuteStatement must specify the primary key in the where clause."
TRANSACTION = "Select statements within ExecuteTransaction must specify the primary key in the where clause."


@dataclass(frozen=True, slots=True)
class KeyedRead:
    """A GetItem plus the remaining WHERE terms (batch only) and the projection."""

    get: get_item.GetItemRequest
    filter: Any
    select: Select


def plan_keyed_read(select: Select, storage: Database, *, in_transaction: bool) -> KeyedRead:
    """The GetItem a SELECT stands for.

    Raises:
        ResourceNotFoundException: no such table.
        ValidationException: the WHERE does not name exactly the key (or names an index).
    """
    message = TRANSACTION if in_transaction else BATCH
    if select.source.index is not None:
        if in_transaction:
            raise ValidationException("Reads on indices are not supported within transactions.")
        raise ValidationException(message)
    table = require_table(storage, select.source.table)
    try:
        key, rest = split_key(select.where, [name for name, _ in key_names(table)])
    except ValidationException:
        raise ValidationException(message) from None
    if rest and in_transaction:
        raise ValidationException(message)
    return KeyedRead(get_item.GetItemRequest(select.source.table, key), conjoin(rest), select)


def read_keyed(read: KeyedRead, storage: Database) -> Item | None:
    """The item, filtered and projected (None when absent or filtered out)."""
    item = get_item.read(read.get, storage)
    if item is None or (read.filter is not None and not evaluate(read.filter, item)):
        return None
    return select_paths(item, read.select.projection) or None
