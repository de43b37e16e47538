"""CloudFormation intrinsic functions: a small evaluator over plain template values.

A value is an intrinsic call when it is a one-key mapping whose key is in the function table.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from serverlite.template.errors import TemplateError
from serverlite.template.parameters import scalar_text

__all__ = ["CONDITION_FUNCTIONS", "FUNCTIONS", "NO_VALUE", "Scope", "resolve", "text"]


class Scope(Protocol):
    """What intrinsics look up: names, attributes, conditions and mappings of one stack."""

    region: str

    def ref(self, name: str) -> Any:
        """`Ref name`: a parameter, pseudo parameter or resource."""

    def get_att(self, logical_id: str, attribute: str) -> Any:
        """`Fn::GetAtt [logical_id, attribute]`."""

    def condition(self, name: str) -> bool:
        """The value of the named condition."""

    def find_in_map(self, name: str, top: str, second: str) -> Any:
        """`Fn::FindInMap [name, top, second]`; raises KeyError when absent."""


class _NoValue:
    """`Ref AWS::NoValue`: removes the enclosing key or list element."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()

Function = Callable[[Any, Scope, "Table"], Any]
Table = Mapping[str, Function]


def resolve(value: Any, scope: Scope, table: Table | None = None) -> Any:
    """`value` with every intrinsic call replaced by its result and `NO_VALUE`s dropped.

    Raises:
        TemplateError: an unsupported or malformed call, or a failed lookup.
    """
    functions = FUNCTIONS if table is None else table
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key in functions:
                return functions[key](argument, scope, functions)
            if key.startswith("Fn::"):
                raise TemplateError(f"{key} is not supported")
        pairs = ((key, resolve(item, scope, functions)) for key, item in value.items())
        return {key: item for key, item in pairs if item is not NO_VALUE}
    if isinstance(value, list):
        items = (resolve(item, scope, functions) for item in value)
        return [item for item in items if item is not NO_VALUE]
    return value


def text(value: Any, where: str = "value") -> str:
    """A resolved scalar as CloudFormation text; lists join with commas.

    Raises:
        TemplateError: the value is a mapping.
    """
    if isinstance(value, list):
        return ",".join(text(item, where) for item in value)
    if isinstance(value, dict) or value is None or value is NO_VALUE:
        raise TemplateError(f"{where} must be a string, not {json.dumps(value, default=repr)}")
    return scalar_text(value)


def _arguments(name: str, argument: Any, count: int) -> list[Any]:
    """The argument list of `name`, checked for length."""
    if not isinstance(argument, list) or len(argument) != count:
        raise TemplateError(f"{name} takes a list of {count} arguments")
    return argument


def _ref(argument: Any, scope: Scope, table: Table) -> Any:
    name = resolve(argument, scope, table)
    if not isinstance(name, str):
        raise TemplateError("Ref takes a logical id or parameter name")
    return NO_VALUE if name == "AWS::NoValue" else scope.ref(name)


def _get_att(argument: Any, scope: Scope, table: Table) -> Any:
    if isinstance(argument, str):
        argument = argument.split(".", 1)
    logical_id, attribute = _arguments("Fn::GetAtt", argument, 2)
    return scope.get_att(text(logical_id, "Fn::GetAtt"), text(resolve(attribute, scope, table), "Fn::GetAtt"))


_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def _sub(argument: Any, scope: Scope, table: Table) -> str:
    pattern, variables = (argument, {}) if isinstance(argument, str) else _arguments("Fn::Sub", argument, 2)
    if not isinstance(pattern, str) or not isinstance(variables, dict):
        raise TemplateError("Fn::Sub takes a string or [string, {variables}]")
    values = {name: resolve(value, scope, table) for name, value in variables.items()}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in values:
            return text(values[name], f"Fn::Sub variable {name}")
        if "." in name and not name.startswith("AWS::"):
            return text(scope.get_att(*name.split(".", 1)), f"Fn::Sub ${{{name}}}")
        return text(scope.ref(name), f"Fn::Sub ${{{name}}}")

    return _PLACEHOLDER.sub(replace, pattern)


def _join(argument: Any, scope: Scope, table: Table) -> str:
    delimiter, items = (resolve(item, scope, table) for item in _arguments("Fn::Join", argument, 2))
    if not isinstance(items, list):
        raise TemplateError("Fn::Join takes [delimiter, [values]]")
    return text(delimiter).join(text(item, "Fn::Join element") for item in items)


def _select(argument: Any, scope: Scope, table: Table) -> Any:
    index, items = (resolve(item, scope, table) for item in _arguments("Fn::Select", argument, 2))
    if not isinstance(items, list) or not str(index).isdigit() or int(index) >= len(items):
        raise TemplateError(f"Fn::Select index {index} is out of range or not a list index")
    return items[int(index)]


def _split(argument: Any, scope: Scope, table: Table) -> list[str]:
    delimiter, source = (resolve(item, scope, table) for item in _arguments("Fn::Split", argument, 2))
    return text(source, "Fn::Split source").split(text(delimiter))


def _if(argument: Any, scope: Scope, table: Table) -> Any:
    name, when_true, when_false = _arguments("Fn::If", argument, 3)
    return resolve(when_true if scope.condition(text(name, "Fn::If")) else when_false, scope, table)


def _equals(argument: Any, scope: Scope, table: Table) -> bool:
    left, right = (resolve(item, scope, table) for item in _arguments("Fn::Equals", argument, 2))
    return _comparable(left) == _comparable(right)


def _comparable(value: Any) -> Any:
    """Scalars compare as CloudFormation text; lists element-wise."""
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value if isinstance(value, dict) else scalar_text(value)


def _truth(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise TemplateError(f"{name} takes conditions, not {json.dumps(value, default=repr)}")
    return value


def _not(argument: Any, scope: Scope, table: Table) -> bool:
    (condition,) = _arguments("Fn::Not", argument, 1)
    return not _truth(resolve(condition, scope, table), "Fn::Not")


def _and(argument: Any, scope: Scope, table: Table) -> bool:
    items = resolve(argument, scope, table)
    return all(_truth(item, "Fn::And") for item in (items if isinstance(items, list) else [items]))


def _or(argument: Any, scope: Scope, table: Table) -> bool:
    items = resolve(argument, scope, table)
    return any(_truth(item, "Fn::Or") for item in (items if isinstance(items, list) else [items]))


def _condition(argument: Any, scope: Scope, table: Table) -> bool:
    return scope.condition(text(argument, "Condition"))


def _find_in_map(argument: Any, scope: Scope, table: Table) -> Any:
    if not isinstance(argument, list) or len(argument) not in (3, 4):
        raise TemplateError("Fn::FindInMap takes [map, top-level key, second-level key]")
    name, top, second = (text(resolve(item, scope, table), "Fn::FindInMap") for item in argument[:3])
    try:
        return scope.find_in_map(name, top, second)
    except KeyError:
        default = argument[3].get("DefaultValue", NO_VALUE) if len(argument) == 4 else NO_VALUE
        if default is NO_VALUE:
            raise TemplateError(f"Fn::FindInMap: mapping {name} has no {top}.{second}") from None
        return resolve(default, scope, table)


def _base64(argument: Any, scope: Scope, table: Table) -> str:
    value = text(resolve(argument, scope, table), "Fn::Base64")
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


def _get_azs(argument: Any, scope: Scope, table: Table) -> list[str]:
    region = text(resolve(argument, scope, table) or scope.region, "Fn::GetAZs")
    return [f"{region}{zone}" for zone in "abc"]


def _import_value(argument: Any, scope: Scope, table: Table) -> Any:
    raise TemplateError("Fn::ImportValue is not supported locally: other stacks' exports are unknown")


def _to_json_string(argument: Any, scope: Scope, table: Table) -> str:
    return json.dumps(resolve(argument, scope, table), separators=(",", ":"))


def _length(argument: Any, scope: Scope, table: Table) -> int:
    items = resolve(argument, scope, table)
    if not isinstance(items, list):
        raise TemplateError("Fn::Length takes a list")
    return len(items)


FUNCTIONS: Table = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::If": _if,
    "Fn::Equals": _equals,
    "Fn::Not": _not,
    "Fn::And": _and,
    "Fn::Or": _or,
    "Fn::FindInMap": _find_in_map,
    "Fn::Base64": _base64,
    "Fn::GetAZs": _get_azs,
    "Fn::ImportValue": _import_value,
    "Fn::ToJsonString": _to_json_string,
    "Fn::Length": _length,
}

# `{"Condition": name}` is a call only inside the Conditions section (elsewhere it is an IAM policy key).
CONDITION_FUNCTIONS: Table = {**FUNCTIONS, "Condition": _condition}
