"""Condition operators of IAM policies, over a request context of multi-valued keys.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
and .../reference_policies_condition-single-vs-multi-valued-context-keys.html:

* blocks AND together; within a block every key must hold; a key's values are ORed;
* keys are case-insensitive, values case-sensitive (except the IgnoreCase operators);
* `...IfExists`: a missing key satisfies the condition; otherwise a missing key fails every operator
  except the negated ones (`StringNotEquals`, `StringNotLike`, `NotIpAddress`) and `Null: true`;
* `ForAllValues:` holds when every request value matches (vacuously true when the key is missing or
  empty); `ForAnyValue:` when at least one does (false when missing).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import typing as t
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

__all__ = ["Context", "conditions_hold"]

# Context key (lower case) -> its values; a key that is absent has no entry (None).
Context = Callable[[str], "Sequence[str] | None"]

_Test = Callable[[str, str], bool]


def _like(value: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _in_network(value: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(value) in _network(cidr)
    except ValueError:
        return False


@lru_cache(maxsize=256)
def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(cidr.strip(), strict=False)


# Operator -> (test of one request value against one policy value, negated?)
_OPERATORS: Mapping[str, tuple[_Test, bool]] = {
    "StringEquals": (lambda v, e: v == e, False),
    "StringNotEquals": (lambda v, e: v == e, True),
    "StringEqualsIgnoreCase": (lambda v, e: v.lower() == e.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda v, e: v.lower() == e.lower(), True),
    "StringLike": (_like, False),
    "StringNotLike": (_like, True),
    "IpAddress": (_in_network, False),
    "NotIpAddress": (_in_network, True),
    "Bool": (lambda v, e: v.lower() == e.lower(), False),
    "ArnEquals": (_like, False),
    "ArnLike": (_like, False),
    "ArnNotEquals": (_like, True),
    "ArnNotLike": (_like, True),
}


def conditions_hold(block: Mapping[str, t.Any], context: Context) -> bool:
    """Whether every operator of a statement's `Condition` block holds; unknown operators never do."""
    for operator, entries in block.items():
        if not isinstance(entries, Mapping):
            return False
        for key, expected in entries.items():
            values = context(str(key).lower())
            if not _holds(str(operator), values, _strings(expected)):
                return False
    return True


def _holds(operator: str, values: Sequence[str] | None, expected: list[str]) -> bool:
    qualifier, _, base = operator.rpartition(":")
    if base == "Null":  # `Null: true` -> the key is absent
        absent = not values
        return any(absent == (e.lower() == "true") for e in expected)
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    found = _OPERATORS.get(base)
    if found is None:
        return False
    test, negated = found
    if qualifier == "ForAllValues":
        return all(_one(value, expected, test, negated) for value in values or ())
    if qualifier == "ForAnyValue":
        return any(_one(value, expected, test, negated) for value in values or ())
    if not values:
        return if_exists or negated
    if negated:
        return all(_one(value, expected, test, negated) for value in values)
    return any(_one(value, expected, test, negated) for value in values)


def _one(value: str, expected: list[str], test: _Test, negated: bool) -> bool:
    matched = any(test(value, e) for e in expected)
    return not matched if negated else matched


def _strings(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in items]
