"""Issue 4: every property of every resource type serverlite acts on is classified (features.py).

The reference is CloudFormation's own resource schemas, as cfn-lint ships them (the SAM ones too), and
aws-sam-translator's property lists: a property AWS adds shows up here as unclassified, so it is decided
on (supported, harmless or refused) rather than silently ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import cfnlint
import pytest
from samtranslator.model import eventsources, sam_resources
from samtranslator.model.eventsources import cloudwatchlogs, pull, push, scheduler

from serverlite.template.features import (
    EVENT_PROPERTIES,
    NOT_EMULATED_EVENT_TYPES,
    NOT_EMULATED_TYPES,
    REFUSED_EVENT_TYPES,
    REFUSED_TYPES,
    RESOURCE_PROPERTIES,
    Rule,
    Status,
)

SCHEMAS = Path(cfnlint.__file__).parent / "data" / "schemas"
# Namespaces whose every type changes what the API, the functions or the tables do: each is decided on.
DECIDED_NAMESPACES = ("AWS::ApiGateway::", "AWS::Lambda::", "AWS::DynamoDB::", "AWS::Serverless::")


@cache
def _provider(name: str) -> Mapping[str, str]:
    return json.loads((SCHEMAS / "providers" / name).read_text())


def _schema(resource_type: str) -> dict[str, Any]:
    provider = _provider("sam.json" if resource_type.startswith("AWS::Serverless::") else "us-east-1.json")
    return json.loads((SCHEMAS / "resources" / f"{provider[resource_type]}.json").read_text())


def _writable(schema: Mapping[str, Any]) -> set[str]:
    """Top-level properties a template may set (read-only ones are return values)."""
    read_only = {
        path.split("/")[2] for path in schema.get("readOnlyProperties") or [] if path.count("/") == 2
    }
    return set(schema.get("properties") or {}) - read_only


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    reference = node.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/definitions/"):
        return _resolve(schema, schema["definitions"][reference.removeprefix("#/definitions/")])
    return node


def _object_keys(schema: Mapping[str, Any], node: Mapping[str, Any]) -> set[str] | None:
    """The keys of the object a property holds (or of each object of its list); None: free-form."""
    node = _resolve(schema, node)
    if isinstance(node.get("items"), dict):
        return _object_keys(schema, node["items"])
    if isinstance(node.get("properties"), dict):
        return set(node["properties"])
    found: set[str] | None = None
    for option in [*node.get("allOf", []), *node.get("anyOf", []), *node.get("oneOf", [])]:
        keys = _object_keys(schema, option) if isinstance(option, dict) else None
        if keys is not None:
            found = (found or set()) | keys
    return found


def _nested(table: Mapping[str, Rule], prefix: str = "") -> Iterator[tuple[str, Rule]]:
    """Every (dotted property, rule) with fields, at any depth."""
    for name, rule in table.items():
        if rule.fields is not None:
            yield prefix + name, rule
            yield from _nested(rule.fields, f"{prefix}{name}.")


def _sam_properties(resource_type: str) -> set[str]:
    """aws-sam-translator's own property list for a SAM type (internal `__` ones left out)."""
    for cls in vars(sam_resources).values():
        if isinstance(cls, type) and getattr(cls, "resource_type", None) == resource_type:
            return {name for name in cls.property_types if not name.startswith("__")}
    return set()


@pytest.mark.parametrize("resource_type", sorted(RESOURCE_PROPERTIES))
def test_every_property_of_the_resource_schema_is_classified(resource_type: str) -> None:
    table = RESOURCE_PROPERTIES[resource_type]
    schema = _schema(resource_type)
    known = _writable(schema) | _sam_properties(resource_type)
    assert sorted(known - set(table)) == [], "unclassified properties"
    assert sorted(set(table) - set(schema["properties"]) - known) == [], "properties AWS does not define"


@pytest.mark.parametrize("resource_type", sorted(RESOURCE_PROPERTIES))
def test_every_nested_property_of_the_resource_schema_is_classified(resource_type: str) -> None:
    schema = _schema(resource_type)
    for dotted, rule in _nested(RESOURCE_PROPERTIES[resource_type]):
        node: Mapping[str, Any] = {"properties": schema["properties"]}
        for part in dotted.split("."):
            node = _resolve(schema, node)
            node = _property_node(schema, _resolve(schema, node.get("items", node)), part)
        keys = _object_keys(schema, node)
        if keys is None:
            # A free-form map in the schema (RestApi `Parameters`, SAM's untyped objects): the table's keys
            # are serverlite's own refinement of it.
            assert resource_type.startswith("AWS::Serverless::") or _is_map(schema, node), dotted
            continue
        assert rule.fields is not None
        assert sorted(keys - set(rule.fields)) == [], f"{dotted}: unclassified properties"
        assert sorted(set(rule.fields) - keys) == [], f"{dotted}: properties AWS does not define"


def _is_map(schema: Mapping[str, Any], node: Mapping[str, Any]) -> bool:
    node = _resolve(schema, node)
    types = node.get("type") if isinstance(node.get("type"), list) else [node.get("type")]
    return "object" in types and ("patternProperties" in node or "additionalProperties" in node)


def _property_node(schema: Mapping[str, Any], node: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """The schema of property `name` of an object schema (through allOf/anyOf/oneOf)."""
    node = _resolve(schema, node)
    if name in (node.get("properties") or {}):
        return node["properties"][name]
    for option in [*node.get("allOf", []), *node.get("anyOf", []), *node.get("oneOf", [])]:
        option = _resolve(schema, option)
        option = _resolve(schema, option.get("items", option))
        if name in (option.get("properties") or {}):
            return option["properties"][name]
    raise AssertionError(f"no schema for {name}")


def _event_sources() -> dict[str, set[str]]:
    """Every SAM function event type aws-sam-translator knows -> its properties."""
    found: dict[str, set[str]] = {}
    for module in (push, pull, scheduler, cloudwatchlogs, eventsources):
        for cls in vars(module).values():
            kind = getattr(cls, "resource_type", None)
            # Event sources are named `SQS`, `Api` ...; the CloudFormation resources they make, `AWS::...`.
            if (
                isinstance(cls, type)
                and isinstance(kind, str)
                and "::" not in kind
                and hasattr(cls, "property_types")
            ):
                found.setdefault(kind, set()).update(cls.property_types)
    return found


def _schema_event_types() -> dict[str, set[str]]:
    """The same from the SAM schema: `XEvent` definitions with their `Type` enum and properties."""
    schema = _schema("AWS::Serverless::Function")
    found: dict[str, set[str]] = {}
    for option in schema["properties"]["Events"]["additionalProperties"]["anyOf"]:
        event = _resolve(schema, option)
        for kind in event["properties"]["Type"].get("enum", []):
            found[kind] = _object_keys(schema, event["properties"]["Properties"]) or set()
    return found


def test_every_sam_event_type_is_classified() -> None:
    known = set(_event_sources()) | set(_schema_event_types())
    assert {"Api", "Schedule", "ScheduleV2", "DynamoDB", "SQS", "HttpApi"} <= known
    classified = [set(EVENT_PROPERTIES), set(REFUSED_EVENT_TYPES), set(NOT_EMULATED_EVENT_TYPES)]
    assert sorted(known - set.union(*classified)) == []
    assert sum(len(kinds) for kinds in classified) == len(set.union(*classified))


@pytest.mark.parametrize("kind", sorted(EVENT_PROPERTIES))
def test_every_property_of_a_served_event_type_is_classified(kind: str) -> None:
    known = _event_sources()[kind] | _schema_event_types().get(kind, set())
    assert sorted(known - set(EVENT_PROPERTIES[kind])) == []
    assert sorted(set(EVENT_PROPERTIES[kind]) - known) == []


def test_every_type_of_the_api_lambda_and_dynamodb_namespaces_is_decided_on() -> None:
    types = [*_provider("us-east-1.json"), *_provider("sam.json")]
    decided = set(RESOURCE_PROPERTIES) | set(REFUSED_TYPES) | set(NOT_EMULATED_TYPES)
    undecided = [kind for kind in types if kind.startswith(DECIDED_NAMESPACES) and kind not in decided]
    assert sorted(undecided) == []


def test_refusals_and_harmless_properties_give_a_reason() -> None:
    tables = [*RESOURCE_PROPERTIES.values(), *EVENT_PROPERTIES.values()]
    rules = [rule for table in tables for rule in table.values()]
    rules += [
        rule for table in tables for _, nested in _nested(table) for rule in (nested.fields or {}).values()
    ]
    for rule in rules:
        if rule.status in (Status.REFUSED, Status.HARMLESS, Status.NOT_EMULATED):
            assert rule.reason, rule
        if rule.status is Status.REFUSED:
            assert rule.check is None and rule.fields is None, rule
