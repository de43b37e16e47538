"""Table lookup and key-schema checks shared by the item operations.

Messages: ``The provided key element does not match the schema`` and the Missing/Type mismatch
texts from dynalite db/index.js (observed AWS); empty key values from
nubo-db/dynamodb-conformance tests/tier3/error-messages/getItem.test.ts; key size limits from
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html (2048 / 1024
bytes) with dynalite's recorded wording (note AWS's missing space in "limit of2048").
"""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.errors import ResourceNotFoundException, ValidationException
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.keys import encode_key
from serverlite.dynamodb.values import AttributeValue, Item, blob, type_of

__all__ = [
    "Key",
    "check_key_values",
    "item_key",
    "key_identity",
    "key_names",
    "key_of",
    "request_key",
    "require_table",
]

Key = tuple[bytes, bytes]
_INVALID = "One or more parameter values were invalid: "
_MISMATCH = "The provided key element does not match the schema"


def require_table(storage: Database, name: str, message: str | None = None) -> dict[str, Any]:
    """The table's description, or ResourceNotFoundException (item ops: no table name in text)."""
    table = storage.tables.get(name)
    if table is None:
        raise ResourceNotFoundException(message)
    return table


def key_names(table: dict[str, Any]) -> list[tuple[str, str]]:
    """[(name, type)] for HASH then RANGE."""
    types = {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]}
    return [(k["AttributeName"], types[k["AttributeName"]]) for k in table["KeySchema"]]


def request_key(table: dict[str, Any], key: Item) -> Key:
    """Check a Key parameter against the schema and encode it."""
    schema = key_names(table)
    if len(key) != len(schema) or any(name not in key or type_of(key[name]) != kind for name, kind in schema):
        raise ValidationException(_MISMATCH)
    return _encode(schema, key)


def item_key(table: dict[str, Any], item: Item) -> Key:
    """Check the key attributes inside a full item and encode them."""
    schema = key_names(table)
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
            _check_key_value(name, attributes[name], is_hash=position == 0)


def key_identity(table: dict[str, Any], attributes: Item) -> tuple[str, ...]:
    """A comparable identity of the key attributes in an item or key (for duplicate checks)."""
    return tuple(repr(attributes.get(name)) for name, _ in key_names(table))


def _encode(schema: list[tuple[str, str]], values: Item) -> Key:
    for position, (name, _) in enumerate(schema):
        _check_key_value(name, values[name], is_hash=position == 0)
    encoded = [encode_key(values[name]) for name, _ in schema]
    return encoded[0], encoded[1] if len(encoded) > 1 else b""


def _check_key_value(name: str, value: AttributeValue, *, is_hash: bool) -> None:
    kind = type_of(value)
    if kind == "N":
        return
    size = len(value["S"].encode()) if kind == "S" else len(blob(value["B"]))
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
