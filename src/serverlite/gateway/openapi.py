"""Export a REST API of the template as an OpenAPI 3 document (`serverlite openapi`).

Paths and methods come from the template's resource tree, under the stage prefix (`/Test/...`) so the
document's server is the local gateway's base URL. Parameters are the method's declared request parameters
(`method.request.{path,querystring,header}.<name>`) plus, for Lambda proxy methods, the ones a contract
names: a proxy integration declares nothing, its function reads what it likes. `SEED_API_PARAMETERS` is the
Music API's contract (SEED-API.md "Parameters" and "Endpoints and responses").
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from serverlite.template.model import Method, RestApi

__all__ = ["SEED_API_PARAMETERS", "ContractParameters", "default_stage", "openapi_document", "select_api"]

_JSON_STRING = {"type": "string"}
_DYNAMODB_ITEM = {"type": "object", "additionalProperties": {"type": "object"}}


@dataclass(frozen=True)
class ContractParameters:
    """What a proxy method's function reads (each from a header or the query string) and answers."""

    names: tuple[str, ...]
    # status -> (description, JSON schema of the body)
    responses: Mapping[str, tuple[str, Mapping[str, t.Any]]]


def _music(names: tuple[str, ...], success: Mapping[str, t.Any] = _JSON_STRING) -> ContractParameters:
    return ContractParameters(
        names,
        {
            "200": ("Success", success),
            "400": (
                "A parameter missing, a body that is not a JSON object, a ValidationException",
                _JSON_STRING,
            ),
            "404": ("Item not found, or ResourceNotFoundException", _JSON_STRING),
            "409": ("ResourceInUseException or ConditionalCheckFailedException", _JSON_STRING),
            "429": ("DynamoDB throttling", _JSON_STRING),
            "500": ("A DynamoDB error of another kind (SEED-API.md, Errors)", _JSON_STRING),
        },
    )


_TABLE = "/DemoResourceMusic/DemoResourceMusicTable"
_ITEM = "/DemoResourceMusic/DemoResourceMusicItem"
_KEY = ("table", "artist", "songtitle")
# SEED-API.md, "Endpoints and responses": (resource path, method) -> the parameters its function reads.
SEED_API_PARAMETERS: Mapping[tuple[str, str], ContractParameters] = {
    (_TABLE, "PUT"): _music(("table",)),
    (_TABLE, "DELETE"): _music(("table",)),
    (_ITEM, "PUT"): _music((*_KEY, "albumtitle")),
    (_ITEM, "POST"): _music((*_KEY, "albumtitle")),
    (_ITEM, "GET"): _music(_KEY, _DYNAMODB_ITEM),
    (_ITEM, "DELETE"): _music(_KEY),
}
_LOCATIONS = {"path": "path", "querystring": "query", "header": "header"}
_ANY = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def openapi_document(
    api: RestApi,
    stage: str,
    *,
    server_url: str = "http://127.0.0.1:3000",
    contract: Mapping[tuple[str, str], ContractParameters] = SEED_API_PARAMETERS,
) -> dict[str, t.Any]:
    """The OpenAPI 3.0 document of `api` served at `server_url/<stage>`.

    Raises:
        LookupError: when the API has no such stage.
    """
    if stage not in api.stages:
        raise LookupError(
            f"{api.name} ({api.id}) has no stage {stage!r} (stages: {', '.join(sorted(api.stages))})"
        )
    paths: dict[str, dict[str, t.Any]] = {}
    for resource in api.resources:
        operations = {}
        for name, method in sorted(resource.methods.items()):
            for verb in _ANY if name == "ANY" else (name,):
                operations[verb.lower()] = _operation(method, contract.get((resource.path, verb)))
        if operations:
            paths[f"/{stage}{resource.path.rstrip('/')}" or "/"] = operations
    return {
        "openapi": "3.0.3",
        "info": {"title": api.name, "version": stage, "description": f"REST API {api.id}, stage {stage}"},
        "servers": [{"url": server_url}],
        "paths": paths,
    }


def _operation(method: Method, contract: ContractParameters | None) -> dict[str, t.Any]:
    parameters = _declared_parameters(method)
    declared = {(p["in"], p["name"].lower()) for p in parameters}
    if contract is not None:
        for name in contract.names:
            for location in ("header", "query"):
                if (location, name) not in declared:
                    parameters.append(
                        {"name": name, "in": location, "required": False, "schema": _JSON_STRING}
                    )
    operation: dict[str, t.Any] = {"responses": _responses(method, contract)}
    if method.operation_name:
        operation["operationId"] = method.operation_name
    if parameters:
        operation["parameters"] = parameters
    return operation


def _declared_parameters(method: Method) -> list[dict[str, t.Any]]:
    parameters = []
    for key, required in sorted(method.request_parameters.items()):
        _, _, location, name = key.split(".", 3)
        where = _LOCATIONS.get(location)
        if where is not None:
            parameters.append(
                {
                    "name": name,
                    "in": where,
                    "required": bool(required) or where == "path",
                    "schema": _JSON_STRING,
                }
            )
    return parameters


def _responses(method: Method, contract: ContractParameters | None) -> dict[str, t.Any]:
    if contract is not None:
        return {status: _json_response(text, schema) for status, (text, schema) in contract.responses.items()}
    if method.method_responses:
        return {
            status: {"description": f"Method response {status}"} for status in sorted(method.method_responses)
        }
    return {"default": {"description": "What the integration answers"}}


def _json_response(description: str, schema: Mapping[str, t.Any]) -> dict[str, t.Any]:
    return {"description": description, "content": {"application/json": {"schema": dict(schema)}}}


def select_api(apis: Sequence[RestApi], wanted: str | None) -> RestApi:
    """The API named or identified by `wanted`, or the only one.

    Raises:
        LookupError: when none, or several, match.
    """
    if wanted is None:
        if len(apis) != 1:
            raise LookupError(f"the template has {len(apis)} REST APIs; choose one with --api")
        return apis[0]
    for api in apis:
        if wanted in (api.id, api.name, api.logical_id):
            return api
    raise LookupError(f"no REST API {wanted!r} (APIs: {', '.join(a.name for a in apis)})")


def default_stage(api: RestApi) -> str:
    """The template's own stage: SAM also deploys a stage named `Stage`, which is chosen only when alone.

    Raises:
        LookupError: when the API has no stage.
    """
    names = list(api.stages)
    if not names:
        raise LookupError(f"{api.name} ({api.id}) has no stage")
    return next((name for name in names if name != "Stage"), names[0])
