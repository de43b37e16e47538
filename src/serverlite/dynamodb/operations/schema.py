"""Table lookup and key-schema checks shared by the item operations.

Messages: ``The provided key element does not match the schema`` and the Missing/Type mismatch
texts from dynalite db/index.js (observed AWS); empty key values from
nubo-db/dynamodb-conformance tests/tier3/error-messages/getItem.test.ts; key size limits from
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html (2048 / 1024
bytes) with dynalite's recorded wording (note AWS's missing space in "limit of2048").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from serverlite.dynamodb.errors import ResourceNotFoundException, ValidationException
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.keys import encode_number
from serverlite.dynamodb.values import AttributeValue, Item, blob, type_of

__all__ = [
    "Key",
    "KeySchema",
    "check_key_values",
    "item_key",
    "key_identity",
    "key_names",
    "key_of",
    "reported_table",
    "request_key",
    "require_key_schema",
    "require_table",
    "schema_item_key",
    "schema_key",
]

Key = tuple[bytes, bytes]
# The key attributes as (name, type): HASH, then RANGE when the table has one.
KeySchema = tuple[tuple[str, str], ...]
_INVALID = "One or more parameter values were invalid: "
_MISMATCH = "The provided key element does not match the schema"


def require_table(storage: Database, name: str, message: str | None = None) -> dict[str, Any]:
    """The table's description, or ResourceNotFoundException (item ops: no table name in text)."""
    table = storage.tables.get(name)
    if table is None:
        raise ResourceNotFoundException(message)
    return table


def require_key_schema(storage: Database, name: str) -> KeySchema:
    """The table's key schema, or ResourceNotFoundException: ``require_table`` for a request that
    needs only the key (cached, without copying the description)."""
    schema = storage.tables.key_schema(name)
    if schema is None:
        raise ResourceNotFoundException()
    return schema


def reported_table(storage: Database, name: str, *, capacity: str | None, metrics: bool) -> dict[str, Any]:
    """The description a write's ConsumedCapacity or ItemCollectionMetrics needs; ``{}`` when the
    request asks for neither (consumption.write_report and item_collections.metrics_member then
    read nothing of it). The table exists: the write itself required it."""
    if metrics or capacity in ("TOTAL", "INDEXES"):
        return require_table(storage, name)
    return {}


def key_names(table: dict[str, Any]) -> list[tuple[str, str]]:
    """[(name, type)] for HASH then RANGE."""
    types = {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]}
    return [(k["AttributeName"], types[k["AttributeName"]]) for k in table["KeySchema"]]


def request_key(table: dict[str, Any], key: Item) -> Key:
    """Check a Key parameter against the schema and encode it."""
    return schema_key(key_names(table), key)


def schema_key(schema: KeySchema | list[tuple[str, str]], key: Item) -> Key:
    """Check a Key parameter against a key schema (`require_key_schema`) and encode it."""
    if len(key) != len(schema):
        raise ValidationException(_MISMATCH)
    for name, kind in schema:
        value = key.get(name)
        if value is None or next(iter(value)) != kind:
            raise ValidationException(_MISMATCH)
    return _encode(schema, key)


def item_key(table: dict[str, Any], item: Item) -> Key:
    """Check the key attributes inside a full item and encode them."""
    return schema_item_key(key_names(table), item)


def schema_item_key(schema: KeySchema | list[tuple[str, str]], item: Item) -> Key:
    """Check the key attributes inside a full item against a key schema and encode them."""
    for name, kind in schema:
        if name not in item:
            raise ValidationException(f"{_INVALID}Missing the key {name} in the item")
        actual = type_of(item[name])
        if actual != kind:
            raise ValidationException(
                f"{_INVALID}Type mismatch for key {name} expected: {kind} actual: {actual}"
            )
    return _encode(schema, item)


def key_of(table: dict[str, Any], item: Item) -> Item:
    """The key attributes present in an item (BatchWriteItem checks a PutRequest item this way)."""
    return {name: item[name] for name, _ in key_names(table) if name in item}


def check_key_values(table: dict[str, Any], attributes: Item) -> None:
    """Empty and oversized key values only, ignoring missing or mistyped key attributes.

    TransactWriteItems reports these as a top-level ValidationException but a schema mismatch as a
    ``ValidationError`` cancellation reason (nubo-db/dynamodb-conformance
    tests/tier3/error-messages/transactWriteItems.test.ts, captured from AWS).
    """
    for position, (name, kind) in enumerate(key_names(table)):
        if name in attributes and type_of(attributes[name]) == kind:
            _key_bytes(name, attributes[name], is_hash=position == 0)


def key_identity(table: dict[str, Any], attributes: Item) -> tuple[str, ...]:
    """A comparable identity of the key attributes in an item or key (for duplicate checks)."""
    return tuple(repr(attributes.get(name)) for name, _ in key_names(table))


def _encode(schema: KeySchema | list[tuple[str, str]], values: Item) -> Key:
    hash_name = schema[0][0]
    hash_key = _key_bytes(hash_name, values[hash_name], is_hash=True)
    if len(schema) == 1:
        return hash_key, b""
    range_name = schema[1][0]
    return hash_key, _key_bytes(range_name, values[range_name], is_hash=False)


def _key_bytes(name: str, value: AttributeValue, *, is_hash: bool) -> bytes:
    """A key value's storage/keys.py encoding, once its size is checked (S and B: not empty, at most
    2048 bytes for the hash key and 1024 for the range key)."""
    kind = type_of(value)
    if kind == "N":
        return encode_number(Decimal(value["N"]))
    data = value["S"].encode() if kind == "S" else blob(value["B"])
    size = len(data)
    if size == 0:
        empty = "string" if kind == "S" else "binary"
        raise ValidationException(
            "One or more parameter values are not valid. The AttributeValue for a key "
            f"attribute cannot contain an empty {empty} value. Key: {name}"
        )
    if is_hash and size > 2048:
        raise ValidationException(
            f"{_INVALID}Size of hashkey has exceeded the maximum size limit of2048 bytes"
        )
    if not is_hash and size > 1024:
        raise ValidationException(
            f"{_INVALID}Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
        )
    return data
