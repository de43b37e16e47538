"""What a method declares besides its integration: method responses, request parameters, models and
validators, and the API's customised gateway responses.

OpenAPI: `responses`, `parameters`, `requestBody` (3.0), `x-amazon-apigateway-request-validator(s)`,
`x-amazon-apigateway-gateway-responses`, `definitions` / `components.schemas`
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html).
CloudFormation: `AWS::ApiGateway::Method` `MethodResponses`, `RequestParameters`, `RequestModels`,
`RequestValidatorId`; `AWS::ApiGateway::RequestValidator`, `AWS::ApiGateway::Model`,
`AWS::ApiGateway::GatewayResponse`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.model import GatewayResponseSetting, MethodResponse, RequestValidator
from serverlite.template.properties import flag

__all__ = [
    "MethodRequest",
    "body_gateway_responses",
    "body_method_request",
    "body_models",
    "body_validators",
    "cfn_method_request",
    "resource_gateway_responses",
    "resource_models",
    "resource_validators",
]

MethodRequest = dict[str, Any]  # keyword arguments of `Method` beyond routing and integration
_IN = {"query": "querystring", "header": "header", "path": "path"}


def body_method_request(
    body: Mapping[str, Any], operation: Mapping[str, Any], path_item: Mapping[str, Any]
) -> MethodRequest:
    """Method responses, parameters, models and validator of one OpenAPI operation."""
    parameters = [*(path_item.get("parameters") or []), *(operation.get("parameters") or [])]
    required: dict[str, bool] = {}
    models: dict[str, str] = {}
    for parameter in parameters:
        parameter = _deref(body, parameter)
        where = _IN.get(str(parameter.get("in", "")))
        if where is not None:
            # API Gateway imports path parameters as required whatever the document says.
            required[f"method.request.{where}.{parameter['name']}"] = where == "path" or bool(
                parameter.get("required", False)
            )
        elif parameter.get("in") == "body" and isinstance(parameter.get("schema"), dict):
            for content_type in operation.get("consumes") or body.get("consumes") or ["application/json"]:
                models[content_type] = _model_name(parameter["schema"])
    for content_type, media in ((operation.get("requestBody") or {}).get("content") or {}).items():
        if isinstance((media or {}).get("schema"), dict):
            models[content_type] = _model_name(media["schema"])
    validator = operation.get(
        "x-amazon-apigateway-request-validator", body.get("x-amazon-apigateway-request-validator")
    )
    return {
        "method_responses": _body_method_responses(operation.get("responses")),
        "request_parameters": required,
        "request_models": models,
        "request_validator_id": str(validator) if validator else None,
    }


def _deref(body: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    reference = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(reference, str) or not reference.startswith("#/"):
        return node
    target: Any = body
    for part in reference[2:].split("/"):
        target = (target or {}).get(part.replace("~1", "/").replace("~0", "~"))
    return target if isinstance(target, dict) else {}


def _model_name(schema: Mapping[str, Any]) -> str:
    """`#/definitions/Pet` -> `Pet`; an inline schema is kept as JSON text under a `$inline:` name."""
    reference = schema.get("$ref")
    if isinstance(reference, str):
        return reference.rsplit("/", 1)[-1]
    return "$inline:" + json.dumps(schema, sort_keys=True)


def _body_method_responses(responses: object) -> dict[str, MethodResponse] | None:
    if not isinstance(responses, dict) or not responses:
        return None
    found = {}
    for status, response in responses.items():
        if not str(status).isdigit():
            continue
        headers = (response or {}).get("headers") or {}
        found[str(status)] = MethodResponse(
            status_code=str(status),
            response_parameters={f"method.response.header.{name}": False for name in headers},
        )
    return found


def body_models(body: Mapping[str, Any]) -> dict[str, Mapping[str, object]]:
    """Model name -> JSON schema, from `definitions` (2.0) or `components.schemas` (3.0)."""
    schemas = body.get("definitions") or (body.get("components") or {}).get("schemas") or {}
    return {str(name): schema for name, schema in schemas.items() if isinstance(schema, dict)}


def body_validators(body: Mapping[str, Any]) -> dict[str, RequestValidator]:
    """`x-amazon-apigateway-request-validators`, keyed by name (what operations refer to)."""
    validators = body.get("x-amazon-apigateway-request-validators") or {}
    return {
        str(name): RequestValidator(
            id=str(name),
            name=str(name),
            validate_request_body=flag(spec.get("validateRequestBody", False)),
            validate_request_parameters=flag(spec.get("validateRequestParameters", False)),
        )
        for name, spec in validators.items()
        if isinstance(spec, dict)
    }


def body_gateway_responses(body: Mapping[str, Any]) -> dict[str, GatewayResponseSetting]:
    """`x-amazon-apigateway-gateway-responses`, keyed by response type."""
    responses = body.get("x-amazon-apigateway-gateway-responses") or {}
    return {
        str(kind).upper(): _gateway_response(
            str(kind), spec.get("statusCode"), spec.get("responseParameters"), spec.get("responseTemplates")
        )
        for kind, spec in responses.items()
        if isinstance(spec, dict)
    }


def _gateway_response(kind: str, status: object, parameters: Any, templates: Any) -> GatewayResponseSetting:
    return GatewayResponseSetting(
        response_type=kind.upper(),
        status_code=str(status) if status not in (None, "") else None,
        response_parameters={str(k): str(v) for k, v in dict(parameters or {}).items()},
        response_templates={str(k): str(v) for k, v in dict(templates or {}).items()},
    )


def cfn_method_request(context: BuildContext, properties: Mapping[str, Any]) -> MethodRequest:
    """The same facts from an `AWS::ApiGateway::Method` resource."""
    method_responses = None
    if "MethodResponses" in properties:
        method_responses = {
            str(response.get("StatusCode")): MethodResponse(
                status_code=str(response.get("StatusCode")),
                response_parameters={
                    str(k): flag(v) for k, v in (response.get("ResponseParameters") or {}).items()
                },
                response_models=dict(response.get("ResponseModels") or {}),
            )
            for response in properties.get("MethodResponses") or []
        }
    validator = properties.get("RequestValidatorId")
    return {
        "method_responses": method_responses,
        "request_parameters": {
            str(k): flag(v) for k, v in (properties.get("RequestParameters") or {}).items()
        },
        "request_models": {str(k): str(v) for k, v in (properties.get("RequestModels") or {}).items()},
        "request_validator_id": str(validator) if validator else None,
    }


def resource_validators(context: BuildContext, api_id: str) -> dict[str, RequestValidator]:
    """This API's `AWS::ApiGateway::RequestValidator`s, keyed by what `Ref` returns."""
    found = {}
    for resource in context.of_type("AWS::ApiGateway::RequestValidator"):
        properties = resource.properties
        if str(properties.get("RestApiId")) != api_id:
            continue
        validator_id = str(context.stack.ref(resource.logical_id))
        found[validator_id] = RequestValidator(
            id=validator_id,
            name=str(properties.get("Name") or resource.logical_id),
            validate_request_body=flag(properties.get("ValidateRequestBody", False)),
            validate_request_parameters=flag(properties.get("ValidateRequestParameters", False)),
        )
    return found


def resource_models(context: BuildContext, api_id: str) -> dict[str, Mapping[str, object]]:
    """This API's `AWS::ApiGateway::Model`s by name (and by what `Ref` returns)."""
    found: dict[str, Mapping[str, object]] = {}
    for resource in context.of_type("AWS::ApiGateway::Model"):
        properties = resource.properties
        if str(properties.get("RestApiId")) != api_id:
            continue
        schema = properties.get("Schema") or {}
        if isinstance(schema, str):
            try:
                schema = json.loads(schema)
            except ValueError as error:
                raise TemplateError(f"Schema is not JSON: {error}").in_resource(resource.logical_id) from None
        for name in {
            str(properties.get("Name") or resource.logical_id),
            str(context.stack.ref(resource.logical_id)),
        }:
            found[name] = schema
    return found


def resource_gateway_responses(context: BuildContext, api_id: str) -> dict[str, GatewayResponseSetting]:
    """This API's `AWS::ApiGateway::GatewayResponse`s, keyed by response type."""
    found = {}
    for resource in context.of_type("AWS::ApiGateway::GatewayResponse"):
        properties = resource.properties
        if str(properties.get("RestApiId")) != api_id:
            continue
        kind = str(properties.get("ResponseType", "")).upper()
        found[kind] = _gateway_response(
            kind,
            properties.get("StatusCode"),
            properties.get("ResponseParameters"),
            properties.get("ResponseTemplates"),
        )
    return found
