"""Shape checks: JSON types of request members, then the service model's constraints.

Wrong JSON types are SerializationExceptions with Coral's (Java) wording; constraint failures are
collected and reported together as ``N validation errors detected: ...``. Wording recorded from
DynamoDB by dynalite (architect/dynalite validations/index.js) and confirmed against AWS by
nubo-db/dynamodb-conformance (tests/tier3/error-messages/createTable.test.ts, putItem.test.ts).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from serverlite.dynamodb.errors import SerializationException, ValidationException
from serverlite.dynamodb.values import is_base64

__all__ = [
    "ATTRIBUTE_MAP",
    "ATTRIBUTE_VALUE",
    "NESTING_LIMIT",
    "NESTING_TOO_DEEP",
    "Constraints",
    "check_shape",
]

_NUMBER_CLASS = "com.amazon.coral.value.json.numbers.TruncatingBigNumber"
_STRUCTURE = "Start of structure or map found where not expected."
_LIST = "Start of list found where not expected"

# Shape specs: "String", "Boolean", "Long", "Blob", ("List", spec), ("Map", spec) or a dict (structure).
ATTRIBUTE_VALUE: dict[str, Any] = {
    "S": "String",
    "N": "String",
    "B": "Blob",
    "BOOL": "Boolean",
    "NULL": "Boolean",
    "SS": ("List", "String"),
    "NS": ("List", "String"),
    "BS": ("List", "Blob"),
}
ATTRIBUTE_VALUE["L"] = ("List", ATTRIBUTE_VALUE)
ATTRIBUTE_VALUE["M"] = ("Map", ATTRIBUTE_VALUE)
ATTRIBUTE_MAP = ("Map", ATTRIBUTE_VALUE)


# Items nest at most 32 levels deep, the item itself being the first
# (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-attributes-nested-depth):
# 31 maps inside an attribute are accepted, 32 are not (scylladb test/alternator/test_manual_requests.py
# test_almost_exceed_nested_level, run against AWS). The same holds for every AttributeValue of a
# request (ExpressionAttributeValues too); AWS's answer, captured by nubo-db/dynamodb-conformance
# (captures/2026-08-12-batch-empty-and-nesting.json, UpdateItem with a 32-level placeholder value):
NESTING_LIMIT = 32
NESTING_TOO_DEEP = (
    "1 validation error detected: Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)


def check_shape(value: Any, spec: Any) -> None:
    """Raise SerializationException when a member's JSON type does not fit the spec.

    Raises:
        ValidationException: an AttributeValue nested deeper than NESTING_LIMIT (found while its
            JSON types are checked, so that no check recurses without bound).
    """
    if value is None:
        return
    if spec is ATTRIBUTE_VALUE:
        _check_attribute_value(value, 1)
    elif isinstance(spec, dict):
        _check_structure(value, spec)
    elif isinstance(spec, tuple):
        _check_collection(value, spec)
    else:
        _SCALARS[spec](value)


def _check_structure(value: Any, spec: dict[str, Any]) -> None:
    """Members in the spec's order (which decides the error reported); unknown members are ignored."""
    _expect_container(value, dict, "Expected null")
    if len(value) == 1:  # an AttributeValue, mostly: order cannot matter
        name, member = next(iter(value.items()))
        member_spec = spec.get(name)
        if member_spec is not None and member is not None:
            check_shape(member, member_spec)
        return
    if len(value) < len(spec):  # a request, mostly: check only the members present, ...
        try:
            for name, member in value.items():
                member_spec = spec.get(name)
                if member_spec is not None and member is not None:
                    check_shape(member, member_spec)
            return
        except Exception:  # noqa: BLE001 - ... and when one fails, again in order, for the right error
            pass
    for name, member_spec in spec.items():
        member = value.get(name)
        if member is not None:
            check_shape(member, member_spec)


def _expect_container(value: Any, kind: type, scalar_message: str) -> None:
    if isinstance(value, kind):
        return
    if isinstance(value, list):
        raise SerializationException(_LIST)
    if isinstance(value, dict):
        raise SerializationException(_STRUCTURE)
    raise SerializationException(scalar_message)


def _check_collection(value: Any, spec: tuple[str, Any]) -> None:
    kind, member_spec = spec
    if kind == "List":
        _expect_container(value, list, "Expected list or null")
        members = value
    else:
        _expect_container(value, dict, "Expected map or null")
        members = value.values()
    if member_spec == "String":  # names, SS and NS members: the common case, without a call each
        for member in members:
            if type(member) is not str and member is not None:
                _string(member)
        return
    if member_spec is ATTRIBUTE_VALUE:  # items, keys and placeholders: most of every request
        _check_attribute_values(members, 1)
        return
    for member in members:
        check_shape(member, member_spec)


def _check_attribute_values(members: Any, depth: int) -> None:
    """AttributeValues held at `depth` (1: the item's own attributes)."""
    for member in members:
        if type(member) is dict and len(member) == 1:  # a plain S, N or BOOL: nothing to check
            raw = member.get("S", member.get("N"))
            if type(raw) is str or type(member.get("BOOL")) is bool:
                continue
        if member is not None:
            _check_attribute_value(member, depth)


def _check_attribute_value(value: Any, depth: int) -> None:
    """One AttributeValue: its members in the model's order (which decides the error reported)."""
    _expect_container(value, dict, "Expected null")
    for kind, spec in ATTRIBUTE_VALUE.items():
        member = value.get(kind)
        if member is None:
            continue
        if kind == "L":
            _expect_container(member, list, "Expected list or null")
            _check_nested(member, depth + 1)
        elif kind == "M":
            _expect_container(member, dict, "Expected map or null")
            _check_nested(member.values(), depth + 1)
        else:
            check_shape(member, spec)


def _check_nested(members: Any, level: int) -> None:
    if level > NESTING_LIMIT:
        raise ValidationException(NESTING_TOO_DEEP)
    _check_attribute_values(members, level)


def _class_of(value: Any) -> str:
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, (int, float)):
        return _NUMBER_CLASS
    return "java.lang.String"


def _scalar(value: Any, allowed: type | tuple[type, ...], target: str) -> None:
    if isinstance(value, list):
        raise SerializationException(_LIST)
    if isinstance(value, dict):
        raise SerializationException(_STRUCTURE)
    if not isinstance(value, allowed) or (isinstance(value, bool) and allowed is not bool):
        raise SerializationException(f"class {_class_of(value)} can not be converted to {target}")


def _string(value: Any) -> None:
    if type(value) is not str:
        _scalar(value, str, "an String")


def _long(value: Any) -> None:
    _scalar(value, (int, float), "an Long")


def _boolean(value: Any) -> None:
    if isinstance(value, str) and value.upper() not in ("TRUE", "FALSE", "1", "0", "YES", "NO"):
        raise SerializationException(f"'{value.upper()}' can not be converted to an Boolean")
    if not isinstance(value, str):
        _scalar(value, bool, "an Boolean")


def _blob(value: Any) -> None:
    _scalar(value, str, "a Blob")
    if not is_base64(value):
        raise SerializationException(f"'{value}' can not be converted to a Blob")


_SCALARS = {"String": _string, "Long": _long, "Boolean": _boolean, "Blob": _blob}


class Constraints:
    """Collects service-model constraint failures and raises them as one ValidationException."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def _fail(self, value: Any, where: str, rule: str) -> None:
        shown = "null" if value is None else f"'{value}'"
        self.failures.append(f"Value {shown} at '{where}' failed to satisfy constraint: {rule}")

    def not_null(self, value: Any, where: str) -> None:
        """Member must not be null."""
        if value is None:
            self._fail(value, where, "Member must not be null")

    def pattern(self, value: str | None, where: str, pattern: str) -> None:
        """Member must match a regular expression (shown as written in the model)."""
        if value is not None and not re.fullmatch(pattern, value):
            self._fail(value, where, f"Member must satisfy regular expression pattern: {pattern}")

    def length(self, value: Any, where: str, minimum: int | None, maximum: int | None) -> None:
        """Member length bounds (strings, lists, maps)."""
        if value is None:
            return
        if minimum is not None and len(value) < minimum:
            self._fail(_shown(value), where, f"Member must have length greater than or equal to {minimum}")
        if maximum is not None and len(value) > maximum:
            self._fail(_shown(value), where, f"Member must have length less than or equal to {maximum}")

    def at_least(self, value: Any, where: str, minimum: int) -> None:
        """Numeric lower bound."""
        if value is not None and value < minimum:
            self._fail(value, where, f"Member must have value greater than or equal to {minimum}")

    def at_most(self, value: Any, where: str, maximum: int) -> None:
        """Numeric upper bound."""
        if value is not None and value > maximum:
            self._fail(value, where, f"Member must have value less than or equal to {maximum}")

    def one_of(self, value: Any, where: str, allowed: tuple[str, ...]) -> None:
        """Enum membership, listed in the model's order."""
        if value is not None and value not in allowed:
            self._fail(value, where, f"Member must satisfy enum value set: [{', '.join(allowed)}]")

    def table_name(self, value: str | None, where: str = "tableName") -> None:
        """TableName: pattern [a-zA-Z0-9_.-]+, length 3..255 (botocore TableName shape)."""
        self.not_null(value, where)
        self.pattern(value, where, "[a-zA-Z0-9_.-]+")
        self.length(value, where, 3, 255)

    def raise_if_any(self) -> None:
        """Raise ``N validation error(s) detected: a; b`` (at most 10, as Coral reports)."""
        failures = self.failures[:10]
        if failures:
            plural = "s" if len(failures) > 1 else ""
            raise ValidationException(
                f"{len(failures)} validation error{plural} detected: " + "; ".join(failures)
            )


def _shown(value: Any) -> Any:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return value
