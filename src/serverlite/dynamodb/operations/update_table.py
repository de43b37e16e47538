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
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.indexes import definitions

__all__ = ["SHAPE", "UpdateTableRequest", "execute", "validate"]

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


_THROUGHPUT = {"ReadCapacityUnits": "Long", "WriteCapacityUnits": "Long"}
_KEY_SCHEMA = ("List", {"AttributeName": "String", "KeyType": "String"})
SHAPE = {
    "TableName": "String",
    "AttributeDefinitions": ("List", {"AttributeName": "String", "AttributeType": "String"}),
    "BillingMode": "String",
    "ProvisionedThroughput": _THROUGHPUT,
    "GlobalSecondaryIndexUpdates": (
        "List",
        {
            "Update": {"IndexName": "String", "ProvisionedThroughput": _THROUGHPUT},
            "Create": {
                "IndexName": "String",
                "KeySchema": _KEY_SCHEMA,
                "Projection": {"ProjectionType": "String", "NonKeyAttributes": ("List", "String")},
                "ProvisionedThroughput": _THROUGHPUT,
            },
            "Delete": {"IndexName": "String"},
        },
    ),
    "StreamSpecification": {"StreamEnabled": "Boolean", "StreamViewType": "String"},
    "TableClass": "String",
    "DeletionProtectionEnabled": "Boolean",
}


def validate(request: dict[str, Any]) -> UpdateTableRequest:
    """TableName, the members' types and constraints, then the GSI update list's rules."""
    name = validate_table_name(request)
    check_shape(request, SHAPE)
    _check_constraints(request)
    seen: set[str] = set()
    for update in request.get("GlobalSecondaryIndexUpdates") or ():
        if not any(update.get(kind) for kind in ("Update", "Create", "Delete")):
            raise ValidationException(
                _INVALID + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        index = next(
            update[kind].get("IndexName") for kind in ("Update", "Create", "Delete") if update.get(kind)
        )
        if index in seen:
            raise ValidationException(
                _INVALID
                + "Only one global secondary index update per index is allowed simultaneously. "
                + f"Index: {index}"
            )
        seen.add(index)
    return UpdateTableRequest(name, request)


def _check_constraints(request: dict[str, Any]) -> None:
    """The service model's constraints (dynalite validations/updateTable.js, observed AWS)."""
    constraints = Constraints()
    for position, definition in enumerate(request.get("AttributeDefinitions") or (), start=1):
        where = f"attributeDefinitions.{position}.member"
        constraints.not_null(definition.get("AttributeName"), f"{where}.attributeName")
        constraints.not_null(definition.get("AttributeType"), f"{where}.attributeType")
        constraints.one_of(definition.get("AttributeType"), f"{where}.attributeType", ("B", "N", "S"))
    constraints.one_of(request.get("BillingMode"), "billingMode", ("PROVISIONED", "PAY_PER_REQUEST"))
    _throughput_constraints(constraints, request.get("ProvisionedThroughput"), "provisionedThroughput")
    for position, update in enumerate(request.get("GlobalSecondaryIndexUpdates") or (), start=1):
        where = f"globalSecondaryIndexUpdates.{position}.member"
        for kind, member in update.items():
            if kind in ("Update", "Create", "Delete") and member is not None:
                _index_constraints(constraints, kind, member, f"{where}.{kind.lower()}")
    constraints.raise_if_any()


def _index_constraints(constraints: Constraints, kind: str, member: dict[str, Any], where: str) -> None:
    name = member.get("IndexName")
    constraints.not_null(name, f"{where}.indexName")
    constraints.pattern(name, f"{where}.indexName", "[a-zA-Z0-9_.-]+")
    constraints.length(name, f"{where}.indexName", 3, 255)
    if kind == "Update":
        constraints.not_null(member.get("ProvisionedThroughput"), f"{where}.provisionedThroughput")
    if kind != "Delete":
        _throughput_constraints(
            constraints, member.get("ProvisionedThroughput"), f"{where}.provisionedThroughput"
        )
    if kind != "Create":
        return
    schema = member.get("KeySchema")
    constraints.not_null(schema, f"{where}.keySchema")
    constraints.length(schema, f"{where}.keySchema", 1, 2)
    for position, element in enumerate(schema or (), start=1):
        constraints.not_null(
            element.get("AttributeName"), f"{where}.keySchema.{position}.member.attributeName"
        )
        constraints.not_null(element.get("KeyType"), f"{where}.keySchema.{position}.member.keyType")
        constraints.one_of(
            element.get("KeyType"), f"{where}.keySchema.{position}.member.keyType", ("HASH", "RANGE")
        )
    projection = member.get("Projection")
    constraints.not_null(projection, f"{where}.projection")
    if projection is not None:
        constraints.one_of(
            projection.get("ProjectionType"),
            f"{where}.projection.projectionType",
            ("ALL", "KEYS_ONLY", "INCLUDE"),
        )
        constraints.length(projection.get("NonKeyAttributes"), f"{where}.projection.nonKeyAttributes", 1, 20)


def _throughput_constraints(constraints: Constraints, throughput: dict[str, Any] | None, where: str) -> None:
    if throughput is None:
        return
    for member in ("WriteCapacityUnits", "ReadCapacityUnits"):
        at = f"{where}.{member[0].lower()}{member[1:]}"
        constraints.not_null(throughput.get(member), at)
        constraints.at_least(throughput.get(member), at, 1)


def execute(request: UpdateTableRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Check every change against the stored table, then apply them all, in one transaction."""
    with storage.transaction():
        table = require_table(storage, request.table_name, not_found(request.table_name))
        changes = request.request
        _check_created_keys(table, changes)
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


def _check_created_keys(table: dict[str, Any], changes: dict[str, Any]) -> None:
    """Every key attribute of a created index is defined, by the table or by the request, before
    anything changes. CreateTable's wording, listing the request's definitions (not recorded from AWS
    for UpdateTable); the table's definitions count too (AWS merges the two sets: ExtendDB
    tests/rust/src/gsi_update_table_attr_defs.rs, measured against DynamoDB)."""
    sent = [d.get("AttributeName") for d in changes.get("AttributeDefinitions") or ()]
    defined = {d["AttributeName"] for d in table["AttributeDefinitions"]} | set(sent)
    for update in changes.get("GlobalSecondaryIndexUpdates") or ():
        keys = [k.get("AttributeName") for k in (update.get("Create") or {}).get("KeySchema") or ()]
        if any(key not in defined for key in keys):
            raise ValidationException(
                _INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
                f"Keys: [{', '.join(map(str, keys))}], AttributeDefinitions: [{', '.join(map(str, sent))}]"
            )


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
