"""CreateTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html

serverlite answers TableStatus ACTIVE at once; real DynamoDB answers CREATING and turns ACTIVE
some seconds later. Clients that wait (``table_exists`` waiter) work either way, and clients that
do not wait work here where they might fail on AWS. Tags are checked with TagResource's rules
(operations/tagging.py: key, value, duplicates, at most 50) after the schema checks and stored
with the table, so ListTagsOfResource returns them.
Check order and messages: dynalite validations/createTable.js (observed AWS), corrected by
nubo-db/dynamodb-conformance tests/tier3/error-messages/createTable.test.ts where AWS changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ResourceInUseException, ValidationException
from serverlite.dynamodb.operations import tagging
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.metadata import metadata_of

__all__ = [
    "CreateTableRequest",
    "describe_new_table",
    "execute",
    "index_constraints",
    "index_description",
    "stream_members",
    "validate",
]

OPERATION = "CreateTable"

_INVALID = "One or more parameter values were invalid: "
_MAX_LOCAL = 5
_MAX_GLOBAL = 20
_KEY_SCHEMA = ("List", {"AttributeName": "String", "KeyType": "String"})
_THROUGHPUT = {"ReadCapacityUnits": "Long", "WriteCapacityUnits": "Long"}
_PROJECTION = {"ProjectionType": "String", "NonKeyAttributes": ("List", "String")}
_INDEX = {
    "IndexName": "String",
    "KeySchema": _KEY_SCHEMA,
    "Projection": _PROJECTION,
    "ProvisionedThroughput": _THROUGHPUT,
}
SHAPE = {
    "TableName": "String",
    "AttributeDefinitions": ("List", {"AttributeName": "String", "AttributeType": "String"}),
    "KeySchema": _KEY_SCHEMA,
    "BillingMode": "String",
    "ProvisionedThroughput": _THROUGHPUT,
    "LocalSecondaryIndexes": ("List", _INDEX),
    "GlobalSecondaryIndexes": ("List", _INDEX),
    "StreamSpecification": {"StreamEnabled": "Boolean", "StreamViewType": "String"},
    "TableClass": "String",
    "DeletionProtectionEnabled": "Boolean",
    "Tags": ("List", {"Key": "String", "Value": "String"}),
}


@dataclass(frozen=True, slots=True)
class CreateTableRequest:
    """A validated CreateTable request."""

    table_name: str
    attribute_definitions: tuple[dict[str, str], ...]
    key_schema: tuple[dict[str, str], ...]
    billing_mode: str
    read_capacity: int
    write_capacity: int
    local_indexes: tuple[dict[str, Any], ...]
    global_indexes: tuple[dict[str, Any], ...]
    stream_specification: dict[str, Any] | None
    table_class: str | None
    deletion_protection: bool
    tags: tuple[tuple[str, str], ...] = ()


def validate(request: dict[str, Any]) -> CreateTableRequest:
    """Shape, constraints, then the key-schema rules, in DynamoDB's order."""
    check_shape(request, SHAPE)
    if request.get("TableName") is None:
        raise ValidationException("The parameter 'TableName' is required but was not present in the request")
    _check_constraints(request)
    _check_billing(request)
    _check_key_schema(request)
    _check_indexes(request)
    tags = _checked_tags(request.get("Tags"))
    throughput = request.get("ProvisionedThroughput") or {}
    return CreateTableRequest(
        table_name=request["TableName"],
        attribute_definitions=tuple(request["AttributeDefinitions"]),
        key_schema=tuple(request["KeySchema"]),
        billing_mode=request.get("BillingMode") or "PROVISIONED",
        read_capacity=int(throughput.get("ReadCapacityUnits", 0)),
        write_capacity=int(throughput.get("WriteCapacityUnits", 0)),
        local_indexes=tuple(request.get("LocalSecondaryIndexes") or ()),
        global_indexes=tuple(request.get("GlobalSecondaryIndexes") or ()),
        stream_specification=request.get("StreamSpecification"),
        table_class=request.get("TableClass"),
        deletion_protection=bool(request.get("DeletionProtectionEnabled", False)),
        tags=tuple(tags),
    )


def _checked_tags(tags: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
    """Tags as TagResource checks them; more than 50 is TagResource's limit message."""
    checked = tagging.checked_tags([(tag.get("Key"), tag.get("Value")) for tag in tags or ()])
    if len(checked) > tagging.MAX_TAGS:
        raise ValidationException(tagging.TOO_MANY_TAGS)
    return checked


def _check_constraints(request: dict[str, Any]) -> None:
    constraints = Constraints()
    definitions = request.get("AttributeDefinitions")
    constraints.not_null(definitions, "attributeDefinitions")
    for position, definition in enumerate(definitions or (), start=1):
        where = f"attributeDefinitions.{position}.member"
        _attribute_name(constraints, definition.get("AttributeName"), f"{where}.attributeName")
        constraints.not_null(definition.get("AttributeType"), f"{where}.attributeType")
        constraints.one_of(definition.get("AttributeType"), f"{where}.attributeType", ("B", "N", "S"))
    constraints.table_name(request.get("TableName"))
    constraints.one_of(request.get("BillingMode"), "billingMode", ("PROVISIONED", "PAY_PER_REQUEST"))
    throughput = request.get("ProvisionedThroughput")
    if throughput is not None:
        for member in ("WriteCapacityUnits", "ReadCapacityUnits"):
            where = f"provisionedThroughput.{member[0].lower()}{member[1:]}"
            constraints.not_null(throughput.get(member), where)
            constraints.at_least(throughput.get(member), where, 1)
    key_schema = request.get("KeySchema")
    constraints.not_null(key_schema, "keySchema")
    constraints.length(key_schema, "keySchema", 1, 2)
    for position, element in enumerate(key_schema or (), start=1):
        where = f"keySchema.{position}.member"
        _attribute_name(constraints, element.get("AttributeName"), f"{where}.attributeName")
        constraints.not_null(element.get("KeyType"), f"{where}.keyType")
        constraints.one_of(element.get("KeyType"), f"{where}.keyType", ("HASH", "RANGE"))
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        for position, index in enumerate(request.get(member) or (), start=1):
            index_constraints(constraints, index, f"{member[0].lower()}{member[1:]}.{position}.member")
    constraints.raise_if_any()


def index_constraints(constraints: Constraints, index: dict[str, Any], where: str) -> None:
    """An index's model constraints (dynalite validations/createTable.js, observed AWS; names of
    1 to 255 characters as botocore's KeySchemaAttributeName and NonKeyAttributeName shapes)."""
    name = index.get("IndexName")
    constraints.not_null(name, f"{where}.indexName")
    constraints.pattern(name, f"{where}.indexName", "[a-zA-Z0-9_.-]+")
    constraints.length(name, f"{where}.indexName", 3, 255)
    schema = index.get("KeySchema")
    constraints.not_null(schema, f"{where}.keySchema")
    constraints.length(schema, f"{where}.keySchema", 1, 2)
    for position, element in enumerate(schema or (), start=1):
        at = f"{where}.keySchema.{position}.member"
        _attribute_name(constraints, element.get("AttributeName"), f"{at}.attributeName")
        constraints.not_null(element.get("KeyType"), f"{at}.keyType")
        constraints.one_of(element.get("KeyType"), f"{at}.keyType", ("HASH", "RANGE"))
    projection = index.get("Projection")
    constraints.not_null(projection, f"{where}.projection")
    if projection is not None:
        constraints.one_of(
            projection.get("ProjectionType"),
            f"{where}.projection.projectionType",
            ("ALL", "INCLUDE", "KEYS_ONLY"),
        )
        attributes = projection.get("NonKeyAttributes")
        constraints.length(attributes, f"{where}.projection.nonKeyAttributes", 1, 20)
        for position, attribute in enumerate(attributes or (), start=1):
            constraints.length(attribute, f"{where}.projection.nonKeyAttributes.{position}.member", 1, 255)
    throughput = index.get("ProvisionedThroughput")
    for member in ("WriteCapacityUnits", "ReadCapacityUnits") if throughput is not None else ():
        at = f"{where}.provisionedThroughput.{member[0].lower()}{member[1:]}"
        constraints.not_null(throughput.get(member), at)
        constraints.at_least(throughput.get(member), at, 1)


def _attribute_name(constraints: Constraints, name: Any, where: str) -> None:
    """Key attribute names: 1 to 255 characters, checked before any definition is compared
    (scylladb test/alternator/test_limits.py test_limit_attribute_length_key_bad_incoherent_names, run
    against AWS: the length error comes first)."""
    constraints.not_null(name, where)
    constraints.length(name, where, 1, 255)


def _check_billing(request: dict[str, Any]) -> None:
    throughput = request.get("ProvisionedThroughput")
    if request.get("BillingMode") == "PAY_PER_REQUEST":
        if throughput is not None:
            raise ValidationException(
                _INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                "specified when BillingMode is PAY_PER_REQUEST"
            )
        return
    if not throughput:
        raise ValidationException(
            _INVALID + "ReadCapacityUnits and WriteCapacityUnits must both be specified "
            "when BillingMode is PROVISIONED"
        )


def _check_key_schema(request: dict[str, Any]) -> None:
    definitions = [d["AttributeName"] for d in request["AttributeDefinitions"]]
    if len(set(definitions)) != len(definitions):
        # Observed AWS wording (PynamoDB's tests, which run against DynamoDB, match it); the same name
        # twice is refused whatever the types.
        raise ValidationException("Cannot have two attributes with the same name")
    schema = request["KeySchema"]
    keys = [k["AttributeName"] for k in schema]
    if len(keys) > len(definitions):
        raise ValidationException("Invalid KeySchema: Some index key attribute have no definition")
    if any(key not in definitions for key in keys):
        raise ValidationException(
            _INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(definitions)}]"
        )
    if len(keys) == 2 and keys[0] == keys[1]:
        raise ValidationException(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if schema[0]["KeyType"] != "HASH":
        raise ValidationException("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(schema) == 2 and schema[1]["KeyType"] != "RANGE":
        raise ValidationException("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
    indexed = request.get("LocalSecondaryIndexes") or request.get("GlobalSecondaryIndexes")
    if not indexed and len(keys) != len(definitions):
        raise ValidationException(
            _INVALID + "Number of attributes in KeySchema does not exactly match number of "
            "attributes defined in AttributeDefinitions"
        )


def _check_indexes(request: dict[str, Any]) -> None:
    """LSI then GSI rules, in dynalite validations/createTable.js order (observed AWS).

    Limits: 5 LSIs and 20 GSIs per table
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-secondary-indexes).
    """
    definitions = [d["AttributeName"] for d in request["AttributeDefinitions"]]
    seen: set[str] = set()
    local = request.get("LocalSecondaryIndexes")
    if local is not None:
        if not local:
            raise ValidationException(_INVALID + "List of LocalSecondaryIndexes is empty")
        if len(request["KeySchema"]) != 2:
            raise ValidationException(
                _INVALID + "Table KeySchema does not have a range key, which is required when "
                "specifying a LocalSecondaryIndex"
            )
        for index in local:
            _check_index(index, definitions, seen, request["KeySchema"][0]["AttributeName"])
        if len(local) > _MAX_LOCAL:
            raise ValidationException(
                _INVALID + f"LocalSecondaryIndex count exceeds the per-table limit of {_MAX_LOCAL}"
            )
    glob = request.get("GlobalSecondaryIndexes")
    if glob is not None:
        if not glob:
            raise ValidationException(_INVALID + "List of GlobalSecondaryIndexes is empty")
        for index in glob:
            _check_index(index, definitions, seen, None)
        if len(glob) > _MAX_GLOBAL:
            raise ValidationException(
                _INVALID + f"GlobalSecondaryIndex count exceeds the per-table limit of {_MAX_GLOBAL}"
            )


def _check_index(
    index: dict[str, Any], definitions: list[str], seen: set[str], table_hash: str | None
) -> None:
    """One index's key schema and projection; table_hash is set for an LSI."""
    schema = index.get("KeySchema") or []
    keys = [k["AttributeName"] for k in schema]
    if any(key not in definitions for key in keys):
        raise ValidationException(
            _INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(definitions)}]"
        )
    if len(keys) == 2 and keys[0] == keys[1]:
        raise ValidationException(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if schema[0]["KeyType"] != "HASH":
        raise ValidationException("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(schema) == 2 and schema[1]["KeyType"] != "RANGE":
        raise ValidationException("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
    name = index.get("IndexName")
    if table_hash is not None:
        if len(schema) != 2:
            raise ValidationException(
                _INVALID + f"Index KeySchema does not have a range key for index: {name}"
            )
        if keys[0] != table_hash:
            raise ValidationException(
                _INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema "
                f"for index: {name}. index hash key: {keys[0]}, table hash key: {table_hash}"
            )
    projection = index.get("Projection") or {}
    kind = projection.get("ProjectionType")
    if kind is None:
        raise ValidationException(_INVALID + "Unknown ProjectionType: null")
    if projection.get("NonKeyAttributes") and kind != "INCLUDE":
        raise ValidationException(_INVALID + f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    if kind == "INCLUDE" and not projection.get("NonKeyAttributes"):
        # nubo-db/dynamodb-conformance tests/tier3/error-messages/createTable.test.ts (captured from AWS).
        raise ValidationException(
            _INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"
        )
    if name in seen:
        raise ValidationException(_INVALID + f"Duplicate index name: {name}")
    seen.add(str(name))


def execute(request: CreateTableRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Store the new table's description; ResourceInUseException if the name is taken."""
    with storage.transaction():
        if storage.tables.get(request.table_name) is not None:
            # Observed AWS text "Table already exists: NAME" (boto2 user code matching it, and dynalite).
            raise ResourceInUseException(f"Table already exists: {request.table_name}")
        description = describe_new_table(request, environment)
        storage.tables.put(request.table_name, description)
        if "LatestStreamArn" in description:
            storage.streams.create(description)
        if request.tags:
            metadata_of(storage).put_tags(description, list(request.tags))
    return {"TableDescription": description}


def describe_new_table(request: CreateTableRequest, environment: Environment) -> dict[str, Any]:
    """The TableDescription DynamoDB returns (member order as AWS sends it)."""
    now = environment.clock()
    arn = environment.table_arn(request.table_name)
    description: dict[str, Any] = {
        "AttributeDefinitions": list(request.attribute_definitions),
        "TableName": request.table_name,
        "KeySchema": list(request.key_schema),
        "TableStatus": "ACTIVE",
        "CreationDateTime": now,
        "ProvisionedThroughput": _throughput(request.read_capacity, request.write_capacity),
        "TableSizeBytes": 0,
        "ItemCount": 0,
        "TableArn": arn,
        "TableId": environment.new_id(),
    }
    if request.billing_mode == "PAY_PER_REQUEST":
        description["BillingModeSummary"] = {
            "BillingMode": "PAY_PER_REQUEST",
            "LastUpdateToPayPerRequestDateTime": now,
        }
    if request.local_indexes:
        description["LocalSecondaryIndexes"] = [
            index_description(i, arn, None) for i in request.local_indexes
        ]
    if request.global_indexes:
        description["GlobalSecondaryIndexes"] = [
            index_description(i, arn, "ACTIVE") for i in request.global_indexes
        ]
    description.update(stream_members(request.stream_specification, arn, now))
    if request.table_class:
        description["TableClassSummary"] = {"TableClass": request.table_class}
    description["DeletionProtectionEnabled"] = request.deletion_protection
    return description


def _throughput(read: int, write: int) -> dict[str, int]:
    return {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": read, "WriteCapacityUnits": write}


def index_description(index: dict[str, Any], table_arn: str, status: str | None) -> dict[str, Any]:
    """A new index as DescribeTable shows it (GSIs carry IndexStatus and ProvisionedThroughput)."""
    described: dict[str, Any] = {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
    }
    if status is not None:
        described["IndexStatus"] = status
        throughput = index.get("ProvisionedThroughput") or {}
        described["ProvisionedThroughput"] = _throughput(
            int(throughput.get("ReadCapacityUnits", 0)), int(throughput.get("WriteCapacityUnits", 0))
        )
    described.update(
        {"IndexSizeBytes": 0, "ItemCount": 0, "IndexArn": f"{table_arn}/index/{index['IndexName']}"}
    )
    return described


def stream_members(specification: dict[str, Any] | None, table_arn: str, now: float) -> dict[str, Any]:
    """StreamSpecification, LatestStreamLabel and LatestStreamArn of a newly enabled stream.

    The label is the stream's creation time in UTC with milliseconds, as AWS's
    (``arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/2016-11-29T20:46:22.144``).
    """
    if not specification or not specification.get("StreamEnabled"):
        return {}
    label = datetime.datetime.fromtimestamp(now, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    return {
        "StreamSpecification": specification,
        "LatestStreamLabel": label,
        "LatestStreamArn": f"{table_arn}/stream/{label}",
    }
