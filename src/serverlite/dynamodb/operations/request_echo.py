"""How DynamoDB echoes a request list in a length-constraint message: Java ``toString`` of the model.

AWS's answer to 26 BatchWriteItem requests (nubo-db/dynamodb-conformance
captures/2026-06-09-validation-rewording.json, probe c_bw_over25) reads
``Value '{Table=[WriteRequest(putRequest=PutRequest(item={pk=AttributeValue(s=bw-0, n=null, ...)},
workloadProfileName=null), deleteRequest=null), ...]}' at 'requestItems' ...``. Members print in
the service model's order (botocore dynamodb service-2.json) with lower-camel names. Only the
WriteRequest and AttributeValue layouts are recorded from AWS; the transaction structures follow
the same rules and are unverified.
"""

from __future__ import annotations

from typing import Any

__all__ = ["echo_transact_items", "echo_write_requests"]

# Wire member, then the structure it holds (None for strings and maps of strings).
_STRUCTURES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "WriteRequest": (("PutRequest", "PutRequest"), ("DeleteRequest", "DeleteRequest")),
    "PutRequest": (("Item", "Attributes"), ("WorkloadProfileName", None)),
    "DeleteRequest": (("Key", "Attributes"),),
    "TransactWriteItem": (
        ("ConditionCheck", "ConditionCheck"),
        ("Put", "Put"),
        ("Delete", "Delete"),
        ("Update", "Update"),
    ),
    "TransactGetItem": (("Get", "Get"),),
    "Get": (
        ("Key", "Attributes"),
        ("TableName", None),
        ("ProjectionExpression", None),
        ("ExpressionAttributeNames", None),
    ),
}
_CONDITION = (
    ("ConditionExpression", None),
    ("ExpressionAttributeNames", None),
    ("ExpressionAttributeValues", "Attributes"),
    ("ReturnValuesOnConditionCheckFailure", None),
)
_STRUCTURES["ConditionCheck"] = (("Key", "Attributes"), ("TableName", None), *_CONDITION)
_STRUCTURES["Put"] = (("Item", "Attributes"), ("TableName", None), *_CONDITION)
_STRUCTURES["Delete"] = (("Key", "Attributes"), ("TableName", None), *_CONDITION)
_STRUCTURES["Update"] = (("Key", "Attributes"), ("UpdateExpression", None), ("TableName", None), *_CONDITION)

# AttributeValue's fields as the Java SDK prints them, with the wire type each one carries.
_VALUE_FIELDS = (
    ("s", "S"),
    ("n", "N"),
    ("b", "B"),
    ("iNT", None),
    ("dECIMAL", None),
    ("dOUBLE", None),
    ("sS", "SS"),
    ("nS", "NS"),
    ("bS", "BS"),
    ("iNTSET", None),
    ("dECIMALSET", None),
    ("dOUBLESET", None),
    ("m", "M"),
    ("l", "L"),
    ("nULL", "NULL"),
    ("bOOL", "BOOL"),
)


def echo_write_requests(request_items: dict[str, Any]) -> str:
    """``{Table=[WriteRequest(...), ...]}`` for BatchWriteItem's RequestItems."""
    tables = (f"{name}={_list(requests, 'WriteRequest')}" for name, requests in request_items.items())
    return "{" + ", ".join(tables) + "}"


def echo_transact_items(items: list[Any], structure: str) -> str:
    """``[TransactWriteItem(...), ...]`` (or TransactGetItem) for TransactItems."""
    return _list(items, structure)


def _list(values: Any, structure: str) -> str:
    if values is None:
        return "null"
    return "[" + ", ".join(_structure(value, structure) for value in values) + "]"


def _structure(value: Any, structure: str) -> str:
    if not isinstance(value, dict):
        return "null"
    fields = (
        f"{_camel(member)}={_member(value.get(member), kind)}" for member, kind in _STRUCTURES[structure]
    )
    return f"{structure}({', '.join(fields)})"


def _member(value: Any, kind: str | None) -> str:
    if value is None:
        return "null"
    if kind == "Attributes":
        return _map(value, _attribute_value)
    if kind is not None:
        return _structure(value, kind)
    if isinstance(value, dict):
        return _map(value, str)
    return str(value)


def _map(value: dict[str, Any], render: Any) -> str:
    return "{" + ", ".join(f"{name}={render(member)}" for name, member in value.items()) + "}"


def _attribute_value(value: Any) -> str:
    if not isinstance(value, dict):
        return "null"
    fields = (
        f"{field}={_attribute_field(value.get(wire)) if wire else 'null'}" for field, wire in _VALUE_FIELDS
    )
    return f"AttributeValue({', '.join(fields)})"


def _attribute_field(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return _map(value, _attribute_value)
    if isinstance(value, list):
        return "[" + ", ".join(_attribute_value(v) if isinstance(v, dict) else str(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _camel(member: str) -> str:
    return member[0].lower() + member[1:]
