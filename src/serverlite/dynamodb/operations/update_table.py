"""UpdateTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html

Changes apply at once and the table stays ACTIVE (AWS passes through UPDATING). A created GSI is
backfilled from the table's items in the same transaction. Messages: dynalite
validations/updateTable.js and actions/updateTable.js (observed AWS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ResourceInUseException, ResourceNotFoundException, ValidationException
from serverlite.dynamodb.operations.create_table import index_description, stream_members
from serverlite.dynamodb.operations.describe_table import not_found
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.schema import require_table
from serverlite.dynamodb.operations.table_name import validate_table_name
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.indexes import definitions

__all__ = ["UpdateTableRequest", "execute", "validate"]

OPERATION = "UpdateTable"

_INVALID = "One or more parameter values were invalid: "
_UNCHANGED = (
    "The provisioned throughput for the table will not change. The requested value equals the current value."
)


@dataclass(frozen=True, slots=True)
class UpdateTableRequest:
    """A validated UpdateTable request (members as sent)."""

    table_name: str
    request: dict[str, Any]


def validate(request: dict[str, Any]) -> UpdateTableRequest:
    """TableName, then the GSI update list's shape rules."""
    name = validate_table_name(request)
    seen: set[str] = set()
    for update in request.get("GlobalSecondaryIndexUpdates") or ():
        if not any(update.get(kind) for kind in ("Update", "Create", "Delete")):
            raise ValidationException(
                _INVALID + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        index = next(update[kind]["IndexName"] for kind in ("Update", "Create", "Delete") if update.get(kind))
        if index in seen:
            raise ValidationException(
                _INVALID
                + "Only one global secondary index update per index is allowed simultaneously. "
                + f"Index: {index}"
            )
        seen.add(index)
    return UpdateTableRequest(name, request)


def execute(request: UpdateTableRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Apply every change to the stored description, in one transaction."""
    with storage.transaction():
        table = require_table(storage, request.table_name, not_found(request.table_name))
        changes = request.request
        _throughput(table, changes, environment)
        for definition in changes.get("AttributeDefinitions") or ():
            if definition not in table["AttributeDefinitions"]:
                table["AttributeDefinitions"].append(definition)
        for update in changes.get("GlobalSecondaryIndexUpdates") or ():
            _index_update(storage, table, update, environment)
        if changes.get("StreamSpecification") is not None:
            _stream(storage, table, changes["StreamSpecification"], environment)
        if changes.get("DeletionProtectionEnabled") is not None:
            table["DeletionProtectionEnabled"] = bool(changes["DeletionProtectionEnabled"])
        storage.tables.put(request.table_name, table)
    return {"TableDescription": table}


def _throughput(table: dict[str, Any], changes: dict[str, Any], environment: Environment) -> None:
    mode = changes.get("BillingMode")
    current = table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    throughput = changes.get("ProvisionedThroughput")
    if throughput is not None and mode != "PROVISIONED":
        stored = table["ProvisionedThroughput"]
        same = all(stored[k] == throughput[k] for k in ("ReadCapacityUnits", "WriteCapacityUnits"))
        if same and current == "PROVISIONED":
            raise ValidationException(_UNCHANGED)
    if mode is not None and mode != current:
        table["BillingModeSummary"] = {
            "BillingMode": mode,
            "LastUpdateToPayPerRequestDateTime": environment.clock(),
        }
    if throughput is not None:
        table["ProvisionedThroughput"].update(
            {
                "ReadCapacityUnits": throughput["ReadCapacityUnits"],
                "WriteCapacityUnits": throughput["WriteCapacityUnits"],
            }
        )
    elif mode == "PAY_PER_REQUEST":
        table["ProvisionedThroughput"].update({"ReadCapacityUnits": 0, "WriteCapacityUnits": 0})


def _stream(
    storage: Database, table: dict[str, Any], specification: dict[str, Any], environment: Environment
) -> None:
    """Enable a new stream (new label and ARN) or disable the current one.

    Messages observed from AWS (scylladb/scylladb test/alternator/test_streams.py):
    ``Table already has an enabled stream: TableName: NAME`` and
    ``Table has no stream to disable: TableName: NAME``. Disabling keeps LatestStreamArn and
    LatestStreamLabel and drops StreamSpecification.
    """
    name = table["TableName"]
    enabled = bool((table.get("StreamSpecification") or {}).get("StreamEnabled"))
    if specification.get("StreamEnabled"):
        if enabled:
            raise ValidationException(f"Table already has an enabled stream: TableName: {name}")
        if specification.get("StreamViewType") not in _VIEW_TYPES:
            raise ValidationException(_INVALID + "You must specify a StreamViewType when enabling a stream")
        table.update(stream_members(specification, table["TableArn"], environment.clock()))
        storage.streams.create(table)
        return
    if not enabled:
        raise ValidationException(f"Table has no stream to disable: TableName: {name}")
    table.pop("StreamSpecification", None)
    storage.streams.disable(name)


_VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")


def _index_update(
    storage: Database, table: dict[str, Any], update: dict[str, Any], environment: Environment
) -> None:
    indexes: list[dict[str, Any]] = table.setdefault("GlobalSecondaryIndexes", [])
    names = [index["IndexName"] for index in indexes]
    if update.get("Create"):
        create = update["Create"]
        if create["IndexName"] in names:
            raise ResourceInUseException(
                f"Attempt to change a resource which is still in use: Index {create['IndexName']} exists"
            )
        indexes.append(index_description(create, table["TableArn"], "ACTIVE"))
        _backfill(storage, table, create["IndexName"])
    elif update.get("Delete"):
        name = update["Delete"]["IndexName"]
        if name not in names:
            raise ResourceNotFoundException(f"Requested resource not found: Index: {name} not found")
        indexes.pop(names.index(name))
        storage.items.index_entries.delete_index(table["TableName"], name)
    if not indexes:
        table.pop("GlobalSecondaryIndexes")


def _backfill(storage: Database, table: dict[str, Any], name: str) -> None:
    index = next(i for i in definitions(table) if i.name == name)
    rows = storage.items.scan(table["TableName"])
    for hash_key, range_key, item in rows:
        storage.items.index_entries.write(table["TableName"], index, (hash_key, range_key), None, item)
