"""Lambda event filtering: an event source mapping's `FilterCriteria` patterns applied to each record.

Syntax (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html): a pattern is
a JSON object whose leaves are arrays of matchers; a record matches when every key of the pattern
matches. A matcher is a literal (string, number or null, compared exactly), or one of
``{"prefix"}``, ``{"suffix"}``, ``{"equals-ignore-case"}``, ``{"anything-but"}``, ``{"numeric"}``,
``{"exists"}``, ``{"wildcard"}``; ``"$or": [pattern, ...]`` matches when any alternative does.
A record matching any one of the filters is kept (filters are ORed); the others are dropped.
"""

from __future__ import annotations

import fnmatch
import json
import operator
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["FilterError", "RecordFilter"]

_MISSING = object()
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class FilterError(ValueError):
    """A filter pattern is not valid JSON or not a pattern object."""


class RecordFilter:
    """The parsed `FilterCriteria.Filters[].Pattern` strings of one event source mapping."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns: list[dict[str, Any]] = []
        for text in patterns:
            try:
                pattern = json.loads(text)
            except ValueError as error:
                raise FilterError(f"invalid filter pattern {text!r}: {error}") from None
            if not isinstance(pattern, dict):
                raise FilterError(f"a filter pattern must be a JSON object: {text!r}")
            self.patterns.append(pattern)

    def matches(self, record: dict[str, Any]) -> bool:
        """True when there are no filters or any one of them matches."""
        return not self.patterns or any(_object_matches(pattern, record) for pattern in self.patterns)


def _object_matches(pattern: dict[str, Any], value: Any) -> bool:
    for key, expected in pattern.items():
        if key == "$or":
            if not any(_object_matches(alternative, value) for alternative in expected):
                return False
            continue
        actual = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if isinstance(expected, dict):
            if actual is _MISSING or not _object_matches(expected, actual):
                return False
        elif not _leaf_matches(expected, actual):
            return False
    return True


def _leaf_matches(matchers: Any, actual: Any) -> bool:
    if not isinstance(matchers, list):
        matchers = [matchers]
    if isinstance(matchers, list) and any(isinstance(m, dict) and "exists" in m for m in matchers):
        exists = actual is not _MISSING
        if any(isinstance(m, dict) and m.get("exists") == exists for m in matchers):
            return True
    if actual is _MISSING:
        return False
    values = actual if isinstance(actual, list) else [actual]
    return any(_matcher_matches(matcher, value) for matcher in matchers for value in values)


def _matcher_matches(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, dict):
        return _equal(matcher, value)
    ((kind, argument),) = matcher.items()
    check = _MATCHERS.get(kind)
    return check is not None and check(argument, value)


def _equal(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return expected is value
    if isinstance(expected, int | float) and isinstance(value, int | float):
        return float(expected) == float(value)
    return bool(expected == value)


def _prefix(argument: Any, value: Any) -> bool:
    if isinstance(argument, dict):  # {"prefix": {"equals-ignore-case": "x"}}
        text = str(argument.get("equals-ignore-case", ""))
        return isinstance(value, str) and value.lower().startswith(text.lower())
    return isinstance(value, str) and value.startswith(str(argument))


def _suffix(argument: Any, value: Any) -> bool:
    if isinstance(argument, dict):
        text = str(argument.get("equals-ignore-case", ""))
        return isinstance(value, str) and value.lower().endswith(text.lower())
    return isinstance(value, str) and value.endswith(str(argument))


def _ignore_case(argument: Any, value: Any) -> bool:
    return isinstance(value, str) and value.lower() == str(argument).lower()


def _anything_but(argument: Any, value: Any) -> bool:
    if isinstance(argument, dict):
        return not any(_matcher_matches({kind: inner}, value) for kind, inner in argument.items())
    excluded = argument if isinstance(argument, list) else [argument]
    return not any(_equal(item, value) for item in excluded)


def _numeric(argument: Any, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    pairs = zip(argument[0::2], argument[1::2], strict=False)
    return all(op in _COMPARE and _COMPARE[op](value, bound) for op, bound in pairs)


def _wildcard(argument: Any, value: Any) -> bool:
    return isinstance(value, str) and fnmatch.fnmatchcase(value, str(argument).replace("[", "[[]"))


_MATCHERS: dict[str, Callable[[Any, Any], bool]] = {
    "prefix": _prefix,
    "suffix": _suffix,
    "equals-ignore-case": _ignore_case,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "wildcard": _wildcard,
    "exists": lambda argument, value: bool(argument),
}
