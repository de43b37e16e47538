"""The `AWS::LanguageExtensions` transform: `Fn::ForEach`, `Fn::Length` and `Fn::ToJsonString`, applied
before SAM's transform as CloudFormation does
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-languageextensions.html).

`Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]` repeats its fragment for each item
of the collection (a list, or a `Ref` to a list parameter): `${Identifier}` in keys and text becomes the item,
`&{Identifier}` the item without its non-alphanumeric characters, and `{Ref: Identifier}` the item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from serverlite.template.errors import TemplateError
from serverlite.template.parameters import ParameterValue

__all__ = ["TRANSFORM", "apply_language_extensions"]

TRANSFORM = "AWS::LanguageExtensions"
_FOR_EACH = "Fn::ForEach::"


def apply_language_extensions(
    template: Mapping[str, Any], parameters: Mapping[str, ParameterValue]
) -> dict[str, Any]:
    """The template with every ForEach expanded and Fn::Length / Fn::ToJsonString computed.

    Raises:
        TemplateError: a malformed ForEach, a collection that is not a list, a duplicate generated key.
    """
    return dict(_expand(dict(template), parameters))


def _expand(node: Any, parameters: Mapping[str, ParameterValue]) -> Any:
    if isinstance(node, list):
        return [_expand(item, parameters) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        ((key, value),) = node.items()
        if key == "Fn::Length":
            return len(_collection(_expand(value, parameters), parameters, "Fn::Length"))
        if key == "Fn::ToJsonString":
            return json.dumps(_expand(value, parameters), separators=(",", ":"))
    expanded: dict[str, Any] = {}
    for key, value in node.items():
        generated = _for_each(key, value, parameters) if key.startswith(_FOR_EACH) else {key: value}
        for name, item in generated.items():
            if name in expanded:
                raise TemplateError(f"{key}: the key '{name}' is generated twice")
            expanded[name] = _expand(item, parameters)
    return expanded


def _for_each(key: str, value: Any, parameters: Mapping[str, ParameterValue]) -> dict[str, Any]:
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)):
        raise TemplateError(f"{key} must be [Identifier, Collection, {{OutputKey: OutputValue}}]")
    identifier, collection, fragment = value
    if not isinstance(fragment, dict):
        raise TemplateError(f"{key}: its third item must be a mapping of output keys to values")
    generated: dict[str, Any] = {}
    for item in _collection(collection, parameters, key):
        for name, output in _substituted(fragment, identifier, str(item)).items():
            if name in generated:
                raise TemplateError(f"{key}: the key '{name}' is generated twice")
            generated[name] = output
    return generated


def _collection(value: Any, parameters: Mapping[str, ParameterValue], where: str) -> list[Any]:
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in parameters:
        value = parameters[value["Ref"]]
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list):
        raise TemplateError(f"{where}: the collection must be a list or a Ref to a list parameter")
    return value


def _substituted(node: Any, identifier: str, item: str) -> Any:
    """`${Identifier}`, `&{Identifier}` and `{Ref: Identifier}` replaced in keys and values."""
    if isinstance(node, str):
        text = node.replace("${" + identifier + "}", item)
        return text.replace("&{" + identifier + "}", re.sub(r"[^A-Za-z0-9]", "", item))
    if isinstance(node, list):
        return [_substituted(value, identifier, item) for value in node]
    if isinstance(node, dict):
        if set(node) == {"Ref"} and node["Ref"] == identifier:
            return item
        return {
            _substituted(key, identifier, item): _substituted(value, identifier, item)
            for key, value in node.items()
        }
    return node
