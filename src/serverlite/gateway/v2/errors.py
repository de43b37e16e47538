"""Responses HTTP APIs and function URLs generate themselves, one class each.

HTTP APIs answer with a compact `{"message":"..."}` body, `content-type: application/json` and no
`x-amzn-ErrorType` header (a 404 observed from a deployed HTTP API carried only date, content-type,
content-length, connection and apigw-requestid; code index 59691876738):
- no stage or route matches: 404 `{"message":"Not Found"}`
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html);
- a function error or an unusable Lambda response: 500 `{"message":"Internal Server Error"}`, and 503
  `{"message":"Service Unavailable"}` when the integration's 30 s timeout passes first
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html);
- authorizers: 401 `{"message":"Unauthorized"}` and 403 `{"message":"Forbidden"}`
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html);
- throttling: 429 `{"message":"Too Many Requests"}`
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
"""

from __future__ import annotations

import json
import typing as t

from serverlite.gateway.messages import GatewayResponse

__all__ = [
    "Forbidden",
    "HttpApiError",
    "InternalServerError",
    "NotFound",
    "PayloadTooLarge",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "UrlError",
    "error_for_status",
]


class HttpApiError(Exception):
    """An HTTP API's own answer: status and message are class attributes; `headers` may add to them."""

    status: int = 500
    message: str = "Internal Server Error"
    response_type: str = "INTERNAL_SERVER_ERROR"

    def __init__(self, detail: str = "", headers: t.Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(detail or self.message)
        self.detail = detail
        self.headers = list(headers)

    def body(self) -> bytes:
        """`{"message":"Not Found"}`: compact JSON."""
        return json.dumps({"message": self.message}, separators=(",", ":")).encode()

    def to_response(self) -> GatewayResponse:
        """What the client receives (the gateway adds `apigw-requestid`)."""
        return GatewayResponse(
            self.status, self.body(), [("Content-Type", "application/json"), *self.headers]
        )


class NotFound(HttpApiError):
    """No stage or no route matches."""

    status = 404
    message = "Not Found"
    response_type = "NOT_FOUND"


class InternalServerError(HttpApiError):
    """The function failed, answered something unusable, or could not be invoked."""


class ServiceUnavailable(HttpApiError):
    """The integration timed out."""

    status = 503
    message = "Service Unavailable"
    response_type = "INTEGRATION_TIMEOUT"


class Unauthorized(HttpApiError):
    """No identity source, or a token that is not valid."""

    status = 401
    message = "Unauthorized"
    response_type = "UNAUTHORIZED"


class Forbidden(HttpApiError):
    """An authorizer denied the request, the token lacks the route's scopes, or IAM refused it."""

    status = 403
    message = "Forbidden"
    response_type = "ACCESS_DENIED"


class TooManyRequests(HttpApiError):
    """The route's or the stage's token bucket is empty."""

    status = 429
    message = "Too Many Requests"
    response_type = "THROTTLED"


class PayloadTooLarge(HttpApiError):
    """A body over the 10 MB payload quota (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)."""

    status = 413
    message = "Request Entity Too Large"
    response_type = "REQUEST_TOO_LARGE"


class UrlError(HttpApiError):
    """A function URL's own error: Lambda's capital-M `{"Message":...}` body (403 `{"Message":"Forbidden"}`
    for an IAM refusal), or 502 `Internal Server Error` for a function error or an unusable response
    (https://github.com/awsdocs/aws-lambda-developer-guide/issues/430)."""

    def __init__(self, status: int, message: str, *, text: bool = False) -> None:
        super().__init__(message)
        self.status, self.message, self.text = status, message, text

    def to_response(self) -> GatewayResponse:
        """Lambda's error response."""
        if self.text:
            return GatewayResponse(
                self.status, self.message.encode(), [("Content-Type", "text/plain; charset=utf-8")]
            )
        body = json.dumps({"Message": self.message}, separators=(",", ":")).encode()
        return GatewayResponse(self.status, body, [("Content-Type", "application/json")])


def error_for_status(status: int, detail: str = "") -> HttpApiError:
    """The HTTP API error for a status the shared HTTP adapter refused a request with (413, 414, 431, 408)."""
    if status == 413:
        return PayloadTooLarge(detail)
    error = HttpApiError(detail)
    error.status = status
    error.message = _ADAPTER_MESSAGES.get(status, "Bad Request")
    return error


_ADAPTER_MESSAGES = {
    408: "Request Timeout",
    414: "Request-URI Too Long",
    431: "Request Header Fields Too Large",
}
