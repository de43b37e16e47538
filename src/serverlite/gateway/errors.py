"""Responses API Gateway itself generates (gateway responses), one class each.

Bodies are the exact bytes AWS sends: reference apigateway-lambda.md 4.1 (compact
`{"message":"Missing Authentication Token"}`) and 2.5 (spaced `{"message": "Internal server error"}`).
"""

from __future__ import annotations

import json
import typing as t

from serverlite.gateway.messages import GatewayResponse

__all__ = [
    "EndpointTimeout",
    "GatewayError",
    "InternalServerError",
    "MalformedProxyResponse",
    "FunctionFailed",
    "MissingAuthenticationToken",
    "RequestTooLarge",
]


class GatewayError(Exception):
    """A gateway response: status, `x-amzn-ErrorType` and body are class attributes."""

    status: t.ClassVar[int] = 500
    error_type: t.ClassVar[str] = "InternalServerErrorException"
    response_type: t.ClassVar[str] = "DEFAULT_5XX"
    body: t.ClassVar[bytes] = b'{"message": "Internal server error"}'
    # Lambda integrations add an X-Ray trace header to their error responses; routing errors do not.
    traced: t.ClassVar[bool] = True

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.__class__.__name__)
        self.detail = detail

    def error_message(self) -> str:
        """`$context.error.message`: the message of the gateway response's body."""
        return str(json.loads(self.body).get("message", ""))

    def to_response(self) -> GatewayResponse:
        """The response a client receives."""
        return GatewayResponse(
            status=self.status,
            body=self.body,
            headers=[("Content-Type", "application/json"), ("x-amzn-ErrorType", self.error_type)],
        )


class MissingAuthenticationToken(GatewayError):
    """No resource or method matches (MISSING_AUTHENTICATION_TOKEN)."""

    status = 403
    error_type = "MissingAuthenticationTokenException"
    response_type = "MISSING_AUTHENTICATION_TOKEN"
    body = b'{"message":"Missing Authentication Token"}'
    traced = False


class RequestTooLarge(GatewayError):
    """The payload exceeds API Gateway's 10 MB limit (REQUEST_TOO_LARGE)."""

    status = 413
    error_type = "RequestTooLargeException"
    response_type = "REQUEST_TOO_LARGE"
    body = b'{"message":"Request Too Long"}'
    traced = False


class InternalServerError(GatewayError):
    """A configuration error such as an integration whose function does not exist (500)."""


class FunctionFailed(GatewayError):
    """The function raised, timed out or crashed: 502 (reference 2.5)."""

    status = 502


class MalformedProxyResponse(GatewayError):
    """The function's result is not a valid proxy response: 502 (reference 2.2)."""

    status = 502


class EndpointTimeout(GatewayError):
    """The integration timeout elapsed first: 504 (reference 2.5)."""

    status = 504
    response_type = "INTEGRATION_TIMEOUT"
    body = b'{"message": "Endpoint request timed out"}'
