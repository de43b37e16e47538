"""Request validators: required method request parameters, then the body against the method's model.

https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html:
a required query string parameter or header that is missing or blank fails with 400
`{"message": "Missing required request parameters: [q1]"}` (BAD_REQUEST_PARAMETERS); a body that does not
validate against the model (JSON Schema draft 4) for its content type fails with 400
`{"message": "Invalid request body"}` (BAD_REQUEST_BODY). Parameters are checked first.
"""

from __future__ import annotations

import json
import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote_plus

from serverlite.gateway.errors import BadRequestBody, BadRequestParameters
from serverlite.gateway.media_types import media_type
from serverlite.gateway.messages import GatewayRequest
from serverlite.template.model import Method, RestApi

if t.TYPE_CHECKING:
    from jsonschema import Draft4Validator  # type: ignore[import-untyped]  # no stubs installed

__all__ = ["RequestValidation"]


@dataclass(frozen=True)
class _MethodRules:
    required: tuple[tuple[str, str], ...]  # (querystring | header, name)
    models: Mapping[str, Draft4Validator]  # content type -> schema validator


class RequestValidation:
    """The validators of every method that has one, compiled at start."""

    def __init__(self, apis: Sequence[RestApi]) -> None:
        self._rules: dict[int, _MethodRules] = {}
        for api in apis:
            for resource in api.resources:
                for method in resource.methods.values():
                    rules = _compile(api, method)
                    if rules is not None:
                        self._rules[id(method)] = rules

    def check(self, request: GatewayRequest, method: Method) -> None:
        """Raises BadRequestParameters or BadRequestBody; does nothing for methods without a validator."""
        rules = self._rules.get(id(method))
        if rules is None:
            return
        if rules.required:
            missing = _missing(request, rules.required)
            if missing:
                raise BadRequestParameters(missing)
        validator = rules.models.get(media_type(request.header("Content-Type")))
        if validator is not None:
            try:
                document = json.loads(request.body) if request.body.strip() else {}
            except ValueError:
                raise BadRequestBody("Request body does not match model schema: not JSON") from None
            if not validator.is_valid(document):
                raise BadRequestBody("Request body does not match model schema")


def _compile(api: RestApi, method: Method) -> _MethodRules | None:
    validator = api.request_validators.get(method.request_validator_id or "")
    if validator is None:
        return None
    required: list[tuple[str, str]] = []
    if validator.validate_request_parameters:
        for key, needed in method.request_parameters.items():
            parts = key.split(".", 3)
            if needed and len(parts) == 4 and parts[2] in ("querystring", "header"):
                required.append((parts[2], parts[3]))
    models: dict[str, Draft4Validator] = {}
    if validator.validate_request_body:
        for content_type, name in method.request_models.items():
            schema = _schema(api, name)
            if schema is not None:
                # Imported only for a template that validates bodies: jsonschema takes ~0.1 s to import.
                from jsonschema import Draft4Validator

                models[content_type.lower()] = Draft4Validator(schema)
    return _MethodRules(tuple(required), models) if required or models else None


def _schema(api: RestApi, name: str) -> Mapping[str, object] | None:
    if name.startswith("$inline:"):
        return json.loads(name.removeprefix("$inline:"))  # type: ignore[no-any-return]
    if name == "Empty":  # API Gateway's built-in model: any body
        return None
    return api.models.get(name)


def _missing(request: GatewayRequest, required: Sequence[tuple[str, str]]) -> list[str]:
    query: dict[str, str] = {}
    for part in (request.raw_query or "").split("&"):
        if part:
            key, _, raw = part.partition("=")
            query[unquote_plus(key)] = unquote_plus(raw)
    missing = []
    for where, name in required:
        value = query.get(name) if where == "querystring" else request.header(name)
        if not value:
            missing.append(name)
    return missing
