"""Check a template against `features.py`: every feature serverlite does not support yet, by name and line.

Two passes. `audit_template` reads the template as written: its sections, Transform, resource attributes,
`Globals` and the SAM resources with their events, so refusals use SAM's names. `audit_resources` reads the
CloudFormation resources after SAM's expansion and intrinsic resolution (values as AWS would see them), and
each REST API's OpenAPI definition. A problem reads, located by `load_application`,

    template.yaml:42: resource 'GetItem': AWS::ApiGateway::Method property 'Integration.ContentHandling' value
    'CONVERT_TO_TEXT' is not supported by serverlite yet (binary conversions of non-proxy integrations)
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from serverlite.template.errors import TemplateError
from serverlite.template.features import (
    EVENT_PROPERTIES,
    GLOBALS_SECTIONS,
    NOT_EMULATED_EVENT_TYPES,
    OPENAPI_EXTENSIONS,
    OPENAPI_NESTED,
    REFUSED_EVENT_TYPES,
    RESOURCE_ATTRIBUTES,
    RESOURCE_PROPERTIES,
    TEMPLATE_SECTIONS,
    Rule,
    Status,
    Table,
    event_source_not_emulated,
    type_status,
)
from serverlite.template.language_extensions import TRANSFORM as LANGUAGE_EXTENSIONS
from serverlite.template.sam import SAM_TRANSFORM
from serverlite.template.source import KeyPath, Source, read_template
from serverlite.template.stack import ResolvedResource

__all__ = ["Audit", "audit_resources", "audit_template"]

_EXT = "x-amazon-apigateway-"
_OPERATIONS = frozenset(("get", "put", "post", "delete", "patch", "head", "options", "trace"))


@dataclass
class Audit:
    """What a pass found: refusals and what is not emulated (notes), both as located-later TemplateErrors.

    A note reads `template.yaml:40: resource 'Worker': event 'Jobs' (SQS) is not emulated: the queue never
    triggers it; the function still runs on API calls and serverlite invoke`.

    `derived` holds the logical id prefixes of what SAM generates from not emulated events (`WorkerJobs` for
    the event `Jobs` of `Worker`): the second pass neither checks nor lists those again.
    """

    problems: list[TemplateError] = field(default_factory=list)
    notes: list[TemplateError] = field(default_factory=list)
    derived: set[str] = field(default_factory=set)


class Report(t.Protocol):
    """Records a problem, or with `note` a not emulated feature, at a path of the document."""

    def __call__(self, path: KeyPath, message: str, *, note: bool = False) -> None: ...


def audit_template(source: Source, kept: Callable[[str], bool] = lambda _: True) -> Audit:
    """The template as written; `kept` says whether a resource exists (its Condition holds)."""
    audit = Audit()
    template = source.template
    at_root = _reporter(audit, source, None, shortest=1)
    for section in template:
        if section not in TEMPLATE_SECTIONS:
            at_root((section,), f"template section '{section}' is not supported by serverlite yet")
    for transform in _transforms(template.get("Transform")):
        if transform not in (SAM_TRANSFORM, LANGUAGE_EXTENSIONS):
            at_root(("Transform",), f"Transform '{transform}' is not supported by serverlite yet")
    resources = template.get("Resources") if isinstance(template.get("Resources"), dict) else {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or not kept(logical_id):
            continue
        report = _reporter(audit, source, logical_id)
        base: KeyPath = ("Resources", logical_id)
        kind = str(resource.get("Type", ""))
        for attribute in resource:
            # The SAM transform reads the attributes it knows of its resources and drops the others
            # (samtranslator.model.Resource.from_dict), so they never reach CloudFormation.
            if attribute not in RESOURCE_ATTRIBUTES and not kind.startswith("AWS::Serverless::"):
                report(
                    (*base, attribute), f"resource attribute '{attribute}' is not supported by serverlite yet"
                )
        if kind.startswith("AWS::Serverless::"):
            _sam_resource(kind, resource.get("Properties"), (*base, "Properties"), report)
            audit.derived.update(f"{logical_id}{event}" for event in _not_emulated_events(resource))
    if isinstance(template.get("Globals"), dict):
        _globals(template["Globals"], at_root)
    return audit


def audit_resources(
    source: Source, resources: Mapping[str, ResolvedResource], derived: Iterable[str] = ()
) -> Audit:
    """CloudFormation resources after expansion and resolution, and their OpenAPI definitions.

    Resources whose logical id starts with one of `derived` come from not emulated SAM events: skipped.
    """
    audit = Audit()
    prefixes = tuple(derived)
    for resource in resources.values():
        if prefixes and resource.logical_id.startswith(prefixes):
            continue
        report = _reporter(audit, source, resource.logical_id)
        status, reason = type_status(resource.type)
        base: KeyPath = ("Resources", resource.logical_id)
        meaning = event_source_not_emulated(resource.type, resource.properties)
        if status is Status.REFUSED:
            report((*base, "Type"), _refusal(f"resource type {resource.type}", reason))
        elif status is Status.NOT_EMULATED or meaning is not None:
            report((*base, "Type"), f"{resource.type} is not emulated: {meaning or reason}", note=True)
        else:
            table = RESOURCE_PROPERTIES[resource.type]
            _mapping(
                f"{resource.type} property", table, resource.properties, (*base, "Properties"), (), report
            )
            if resource.type == "AWS::ApiGateway::RestApi":
                _rest_api_body(audit, source, resource)
    return audit


# --- reporting ------------------------------------------------------------------------------------


def _reporter(audit: Audit, source: Source, resource: str | None, *, shortest: int = 2) -> Report:
    """Problems of one resource (or of the template), located at the longest known prefix of their path."""

    def report(path: KeyPath, message: str, *, note: bool = False) -> None:
        line = source.line_of(path, shortest=shortest)
        found = TemplateError(message, line=line, resource=resource)
        (audit.notes if note else audit.problems).append(found)

    return report


def _refusal(subject: str, reason: str = "", value: Any = None) -> str:
    shown = f" value {_shown(value)}" if value is not None else ""
    because = f" ({reason})" if reason else ""
    return f"{subject}{shown} is not supported by serverlite yet{because}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return repr(str(value)) if isinstance(value, str) else str(value)
    return "given"


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- tables ---------------------------------------------------------------------------------------


def _is_intrinsic(value: Any) -> bool:
    """`{"Ref": ...}`, `{"Fn::If": ...}`: a value known only after resolution (checked then, if ever)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key in ("Ref", "Condition") or str(key).startswith("Fn::")


def _mapping(
    subject: str, table: Table, mapping: Mapping[str, Any], base: KeyPath, path: KeyPath, report: Report
) -> None:
    """Each key of `mapping` against `table`; `path` is the dotted name so far, `base` where it lives."""
    for key, value in mapping.items():
        where = (*path, key)
        rule = table.get(key)
        if rule is None:
            report((*base, *where), _refusal(f"{subject} '{_dotted(where)}'"))
        else:
            _value(subject, rule, value, mapping, base, where, report)


def _value(
    subject: str,
    rule: Rule,
    value: Any,
    parent: Mapping[str, Any],
    base: KeyPath,
    where: KeyPath,
    report: Report,
) -> None:
    name = f"{subject} '{_dotted(where)}'"
    if rule.status is Status.REFUSED:
        report((*base, *where), _refusal(name, rule.reason))
        return
    if rule.status is Status.NOT_EMULATED:
        report((*base, *where), f"{name} is not emulated: {rule.reason}", note=True)
        return
    if _is_intrinsic(value):
        return
    reason = rule.check(value, parent) if rule.check is not None and value is not None else None
    if reason is not None:
        scalar = value if isinstance(value, (str, int, float, bool)) else None
        report((*base, *where), _refusal(name, reason, scalar))
        return
    if rule.fields is not None:
        for item, item_path in _objects(value, where):
            _mapping(subject, rule.fields, item, base, item_path, report)


def _objects(value: Any, path: KeyPath) -> Iterator[tuple[Mapping[str, Any], KeyPath]]:
    """An object, or each object of a list, with its path."""
    if isinstance(value, dict) and not _is_intrinsic(value):
        yield value, path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and not _is_intrinsic(item):
                yield item, (*path, index)


# --- SAM ------------------------------------------------------------------------------------------


def _transforms(transform: Any) -> list[str]:
    names = transform if isinstance(transform, list) else [] if transform is None else [transform]
    return [name if isinstance(name, str) else str(name.get("Name", name)) for name in names if name]


def _sam_resource(kind: str, properties: Any, base: KeyPath, report: Report) -> None:
    status, reason = type_status(kind)
    if status is Status.REFUSED:
        report((*base[:-1], "Type"), _refusal(f"resource type {kind}", reason))
        return
    if status is not Status.SUPPORTED or not isinstance(properties, dict):
        return
    _mapping(f"{kind} property", RESOURCE_PROPERTIES[kind], properties, base, (), report)
    if kind == "AWS::Serverless::Function" and isinstance(properties.get("Events"), dict):
        _events(properties["Events"], (*base, "Events"), report)


def _not_emulated_events(resource: Mapping[str, Any]) -> list[str]:
    """The names of a SAM function's events of services serverlite does not emulate."""
    properties = resource.get("Properties")
    events = properties.get("Events") if isinstance(properties, dict) else None
    if resource.get("Type") != "AWS::Serverless::Function" or not isinstance(events, dict):
        return []
    return [
        name
        for name, event in events.items()
        if isinstance(event, dict) and str(event.get("Type")) in NOT_EMULATED_EVENT_TYPES
    ]


def _events(events: Mapping[str, Any], base: KeyPath, report: Report) -> None:
    """Each of a function's `Events`: its type, then its properties."""
    for name, event in events.items():
        if not isinstance(event, dict) or _is_intrinsic(event.get("Type")):
            continue
        kind = str(event.get("Type"))
        subject = f"AWS::Serverless::Function event '{name}'"
        if kind in NOT_EMULATED_EVENT_TYPES:
            meaning = NOT_EMULATED_EVENT_TYPES[kind]
            report((*base, name, "Type"), f"event '{name}' ({kind}) is not emulated: {meaning}", note=True)
        elif kind in EVENT_PROPERTIES:
            properties = event.get("Properties")
            if isinstance(properties, dict):
                table = EVENT_PROPERTIES[kind]
                _mapping(f"{subject} property", table, properties, (*base, name, "Properties"), (), report)
        else:
            report(
                (*base, name, "Type"),
                _refusal(f"{subject} of type {kind}", REFUSED_EVENT_TYPES.get(kind, "")),
            )


def _globals(sections: Mapping[str, Any], report: Report) -> None:
    for section, properties in sections.items():
        kind = GLOBALS_SECTIONS.get(section)
        if kind is None:
            continue  # the translator refuses unknown sections
        status, reason = type_status(kind)
        if status is Status.REFUSED:
            report(("Globals", section), _refusal(f"Globals section '{section}'", reason))
        elif status is Status.SUPPORTED and isinstance(properties, dict):
            _mapping(
                f"Globals {section} property",
                RESOURCE_PROPERTIES[kind],
                properties,
                ("Globals", section),
                (),
                report,
            )


# --- OpenAPI --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _BodyOrigin:
    """Where an API's definition was written: the template (under `prefixes`) or a file beside it."""

    source: Source
    prefixes: tuple[KeyPath, ...]
    file: str | None = None


def _rest_api_body(audit: Audit, source: Source, resource: ResolvedResource) -> None:
    properties = resource.properties
    origin = _body_origin(source, resource.logical_id, properties)
    body = properties.get("Body")
    if body is None and origin is not None and origin.file is not None:
        body = origin.source.template
    if not isinstance(body, dict) or origin is None:
        return

    def report(path: KeyPath, message: str, *, note: bool = False) -> None:
        line = None
        for prefix in origin.prefixes:
            line = origin.source.line_of((*prefix, *path), shortest=len(prefix) or 1)
            if line is not None:
                break
        audit.problems.append(
            TemplateError(message, file=origin.file, line=line, resource=resource.logical_id)
        )

    _openapi(body, report)


def _body_origin(source: Source, logical_id: str, properties: Mapping[str, Any]) -> _BodyOrigin | None:
    """The template, or the local file of `BodyS3Location` / SAM's `DefinitionUri`."""
    written = (source.template.get("Resources") or {}).get(logical_id)
    written_properties = written.get("Properties") if isinstance(written, dict) else None
    location = properties.get("BodyS3Location")
    if "Body" not in properties and isinstance(location, str):
        return _file_origin(source, location)
    if isinstance(written_properties, dict) and isinstance(written_properties.get("DefinitionUri"), str):
        uri = written_properties["DefinitionUri"]
        return None if uri.startswith("s3://") else _file_origin(source, uri)
    base = ("Resources", logical_id, "Properties")
    return _BodyOrigin(source, ((*base, "Body"), (*base, "DefinitionBody")))


def _file_origin(source: Source, location: str) -> _BodyOrigin | None:
    path = source.path.parent / location
    try:
        return _BodyOrigin(read_template(path), ((),), str(path))
    except TemplateError:
        return None  # reported by the builder that reads it


def _openapi(body: Mapping[str, Any], report: Report) -> None:
    """Every `x-amazon-apigateway-*` key of a definition, by where it appears."""
    _extensions("root", body, (), report)
    for key, value in body.items():
        if key == "paths" and isinstance(value, dict):
            for path, item in value.items():
                if isinstance(item, dict):
                    _path_item(item, ("paths", path), report)
        elif key == "servers" and isinstance(value, list):
            for index, server in enumerate(value):
                if isinstance(server, dict):
                    _extensions("server", server, ("servers", index), report)
                    _stray(server, ("servers", index), report)
        elif key == "tags" and isinstance(value, list):
            for index, tag in enumerate(value):
                if isinstance(tag, dict):
                    _extensions("tag", tag, ("tags", index), report)
        elif key == "securityDefinitions" and isinstance(value, dict):
            _security_schemes(value, ("securityDefinitions",), report)
        elif key == "components" and isinstance(value, dict):
            _extensions("components", value, ("components",), report)
            for part, content in value.items():
                if part == "securitySchemes" and isinstance(content, dict):
                    _security_schemes(content, ("components", part), report)
                elif not part.startswith(_EXT):
                    _stray(content, ("components", part), report)
        elif key == f"{_EXT}gateway-responses" and isinstance(value, dict):
            _nested_entries("gateway response", value, (key,), report)
        elif key == f"{_EXT}request-validators" and isinstance(value, dict):
            _nested_entries("request validator", value, (key,), report)
        elif not key.startswith(_EXT):
            _stray(value, (key,), report)


def _extensions(place: str, node: Mapping[str, Any], path: KeyPath, report: Report) -> None:
    """The extensions of `node` against what `place` allows."""
    allowed = OPENAPI_EXTENSIONS[place]
    for key, value in node.items():
        if not str(key).startswith(_EXT):
            continue
        rule = allowed.get(key)
        if rule is None:
            report((*path, key), _refusal(f"OpenAPI '{_dotted((*path, key))}'"))
        else:
            _value("OpenAPI", rule, value, node, (), (*path, key), report)


def _path_item(item: Mapping[str, Any], path: KeyPath, report: Report) -> None:
    _extensions("path", item, path, report)
    for key, value in item.items():
        if (key.lower() in _OPERATIONS or key == f"{_EXT}any-method") and isinstance(value, dict):
            _operation(value, (*path, key), report)
        elif not key.startswith(_EXT):
            _stray(value, (*path, key), report)


def _operation(operation: Mapping[str, Any], path: KeyPath, report: Report) -> None:
    _extensions("operation", operation, path, report)
    for key, value in operation.items():
        where = (*path, key)
        if key == f"{_EXT}integration" and isinstance(value, dict):
            _nested("integration", value, where, report)
            for selection, response in (value.get("responses") or {}).items():
                if isinstance(response, dict):
                    _nested("integration response", response, (*where, "responses", selection), report)
        elif key == f"{_EXT}auth" and isinstance(value, dict):
            _nested("auth", value, where, report)
        elif not key.startswith(_EXT):
            _stray(value, where, report)


def _security_schemes(schemes: Mapping[str, Any], path: KeyPath, report: Report) -> None:
    for name, scheme in schemes.items():
        if not isinstance(scheme, dict):
            continue
        where = (*path, name)
        _extensions("security scheme", scheme, where, report)
        authorizer = scheme.get(f"{_EXT}authorizer")
        if isinstance(authorizer, dict):
            _nested("authorizer", authorizer, (*where, f"{_EXT}authorizer"), report)


def _nested_entries(kind: str, entries: Mapping[str, Any], path: KeyPath, report: Report) -> None:
    for name, entry in entries.items():
        if isinstance(entry, dict):
            _nested(kind, entry, (*path, name), report)


def _nested(kind: str, node: Mapping[str, Any], path: KeyPath, report: Report) -> None:
    """The keys of an extension's object (an integration, an authorizer ...)."""
    table = OPENAPI_NESTED[kind]
    for key, value in node.items():
        rule = table.get(key)
        if rule is None:
            report((*path, key), _refusal(f"OpenAPI '{_dotted((*path, key))}'"))
        else:
            _value("OpenAPI", rule, value, node, (), (*path, key), report)


def _stray(node: Any, path: KeyPath, report: Report) -> None:
    """An extension where none is expected (inside a schema, a response ...) is refused by name."""
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).startswith(_EXT):
                report((*path, key), _refusal(f"OpenAPI '{_dotted((*path, key))}'"))
            else:
                _stray(value, (*path, key), report)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _stray(item, (*path, index), report)
