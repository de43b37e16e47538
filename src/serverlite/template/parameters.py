"""Template parameter values: defaults, overrides and CloudFormation's constraint checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from serverlite.template.errors import TemplateError

__all__ = ["ParameterValue", "resolve_parameters", "scalar_text"]

# Ref to a parameter yields a string (Number included) or, for list types, a list of strings.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
ParameterValue = str | list[str]


def scalar_text(value: object) -> str:
    """A YAML scalar as CloudFormation sees it: booleans are `true`/`false`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def resolve_parameters(
    declared: Mapping[str, Any], overrides: Mapping[str, str]
) -> dict[str, ParameterValue]:
    """The value of every declared parameter.

    Raises:
        TemplateError: naming the parameter that has no value, an unknown override or a broken constraint.
    """
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise TemplateError(f"parameter overrides name undeclared parameters: {', '.join(unknown)}")
    return {name: _value(name, spec, overrides) for name, spec in declared.items()}


def _value(name: str, spec: Any, overrides: Mapping[str, str]) -> ParameterValue:
    """One parameter's checked value, as Ref returns it."""
    if not isinstance(spec, dict):
        raise TemplateError("a parameter must be a mapping", resource=name, kind="parameter")
    if name in overrides:
        raw = overrides[name]
    elif "Default" in spec:
        raw = _default_text(spec["Default"])
    else:
        raise TemplateError("no Default and no override value", resource=name, kind="parameter")
    kind = str(spec.get("Type", "String"))
    is_list = kind.startswith("List<") or kind == "CommaDelimitedList"
    items = _split(raw) if is_list else [raw]
    for item in items:
        _check(name, spec, kind, item)
    return items if is_list else raw


def _default_text(default: object) -> str:
    """A Default as text; a YAML list default of a list type becomes comma-delimited."""
    if isinstance(default, list):
        return ",".join(scalar_text(item) for item in default)
    return scalar_text(default)


def _split(raw: str) -> list[str]:
    """A comma-delimited value as its items (CloudFormation trims no spaces; neither do we)."""
    return raw.split(",") if raw else []


def _check(name: str, spec: Mapping[str, Any], kind: str, value: str) -> None:
    """Apply Type, AllowedValues, AllowedPattern, length and range constraints."""
    for check in _CHECKS:
        problem = check(spec, kind, value)
        if problem:
            raise TemplateError(f"value '{value}' {problem}", resource=name, kind="parameter")


def _allowed_values(spec: Mapping[str, Any], kind: str, value: str) -> str | None:
    allowed = spec.get("AllowedValues")
    if allowed is None or value in [scalar_text(item) for item in allowed]:
        return None
    return f"is not one of the AllowedValues [{', '.join(scalar_text(item) for item in allowed)}]"


def _allowed_pattern(spec: Mapping[str, Any], kind: str, value: str) -> str | None:
    pattern = spec.get("AllowedPattern")
    if pattern is None or re.fullmatch(str(pattern), value):
        return None
    return f"does not match the AllowedPattern {pattern}"


def _number(spec: Mapping[str, Any], kind: str, value: str) -> str | None:
    if kind not in ("Number", "List<Number>"):
        return None
    number = _decimal(value)
    if number is None:
        return "is not a number"
    if "MinValue" in spec and number < Decimal(str(spec["MinValue"])):
        return f"is less than MinValue {spec['MinValue']}"
    if "MaxValue" in spec and number > Decimal(str(spec["MaxValue"])):
        return f"is greater than MaxValue {spec['MaxValue']}"
    return None


def _length(spec: Mapping[str, Any], kind: str, value: str) -> str | None:
    if "MinLength" in spec and len(value) < int(spec["MinLength"]):
        return f"is shorter than MinLength {spec['MinLength']}"
    if "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
        return f"is longer than MaxLength {spec['MaxLength']}"
    return None


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_CHECKS: tuple[Callable[[Mapping[str, Any], str, str], str | None], ...] = (
    _number,
    _allowed_values,
    _allowed_pattern,
    _length,
)
