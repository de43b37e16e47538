"""Responses API Gateway itself generates (gateway responses), one class each.

Bodies are the exact bytes AWS sends: reference apigateway-lambda.md 4.1 (compact
`{"message":"Missing Authentication Token"}`) and 2.5 (spaced `{"message": "Internal server error"}`).
"""

from __future__ import annotations

import json
import typing as t

from serverlite.gateway.messages import GatewayResponse

__all__ = [
    "ApiConfigurationError",
    "AuthorizerConfigurationError",
    "AuthorizerDenied",
    "BadRequestBody",
    "BadRequestParameters",
    "EndpointTimeout",
    "FunctionFailed",
    "GatewayError",
    "IncompleteSignature",
    "InternalServerError",
    "InvalidApiKey",
    "InvalidSignature",
    "MalformedProxyResponse",
    "MissingAuthenticationToken",
    "QuotaExceeded",
    "RequestTooLarge",
    "SignatureRejected",
    "Throttled",
    "Unauthorized",
    "UnrecognizedClient",
    "UnsupportedMediaType",
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


class ApiConfigurationError(InternalServerError):
    """The API's own configuration cannot answer the request (API_CONFIGURATION_ERROR): a selected integration
    response without a method response, or no integration response to select. `detail` is the execution-log
    line, e.g. `Execution failed due to configuration error: Output mapping refers to an invalid method
    response: 200` (real console logs, code index 27372721637, 26085884050)."""

    response_type = "API_CONFIGURATION_ERROR"


class UnsupportedMediaType(GatewayError):
    """No mapping template for the request's content type and a passthrough behaviour that forbids passing it
    (UNSUPPORTED_MEDIA_TYPE, 415): https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html.
    Body: the default gateway response template `{"message":$context.error.messageString}` (compact, reference
    4.5); `x-amzn-ErrorType` per reference 4.5 ("BadRequestException (validation/415)", not AWS-validated)."""

    status = 415
    error_type = "BadRequestException"
    response_type = "UNSUPPORTED_MEDIA_TYPE"
    body = b'{"message":"Unsupported Media Type"}'
    traced = False


class BadRequestBody(GatewayError):
    """The body does not validate against the method's model (BAD_REQUEST_BODY). `{"message": "Invalid request
    body"}` with a space, as curl shows it from a deployed API (code index 1268990010); `x-amzn-ErrorType:
    BadRequestException` as the console's Test shows (code index 42485901271)."""

    status = 400
    error_type = "BadRequestException"
    response_type = "BAD_REQUEST_BODY"
    body = b'{"message": "Invalid request body"}'
    traced = False


class BadRequestParameters(GatewayError):
    """Required request parameters are missing (BAD_REQUEST_PARAMETERS):
    `{"message": "Missing required request parameters: [q1]"}` (AWS docs, request validation set-up;
    pulumi-awsx's test against a deployed API, code index 2426610479, shows the spaced form)."""

    status = 400
    error_type = "BadRequestException"
    response_type = "BAD_REQUEST_PARAMETERS"
    traced = False

    def __init__(self, missing: list[str]) -> None:
        message = f"Missing required request parameters: [{', '.join(missing)}]"
        super().__init__(message)
        self.body = json.dumps({"message": message}).encode()  # type: ignore[misc]

    def error_message(self) -> str:
        """`$context.error.message`."""
        return self.detail


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


# Access control (reference 4.3-4.5). Bodies are compact like Missing Authentication Token's; the
# x-amzn-ErrorType values and bodies are cited at each class.


class InvalidApiKey(GatewayError):
    """Missing, unknown or disabled API key, or one in no usage plan of the stage (INVALID_API_KEY, 4.3)."""

    status = 403
    error_type = "ForbiddenException"
    response_type = "INVALID_API_KEY"
    body = b'{"message":"Forbidden"}'
    traced = False


class Throttled(GatewayError):
    """A usage plan's or the stage's token bucket is empty (THROTTLED, 4.4)."""

    status = 429
    error_type = "TooManyRequestsException"
    response_type = "THROTTLED"
    body = b'{"message":"Too Many Requests"}'
    traced = False


class QuotaExceeded(GatewayError):
    """The key used up its usage plan's quota for the period (QUOTA_EXCEEDED, 4.4)."""

    status = 429
    error_type = "LimitExceededException"
    response_type = "QUOTA_EXCEEDED"
    body = b'{"message":"Limit Exceeded"}'
    traced = False


class Unauthorized(GatewayError):
    """Identity sources missing or not valid, a Lambda authorizer raising `Unauthorized`, a bad Cognito
    token (UNAUTHORIZED). `{"message":"Unauthorized"}`: real captures (code index 38776090964, 34134809086)
    and https://repost.aws/knowledge-center/api-gateway-401-error-lambda-authorizer."""

    status = 401
    error_type = "UnauthorizedException"
    response_type = "UNAUTHORIZED"
    body = b'{"message":"Unauthorized"}'
    traced = False


class AuthorizerDenied(GatewayError):
    """The authorizer's policy denies the method ARN (ACCESS_DENIED): capital-M `Message`, compact, as in
    real captures (code index 18831007496, 41703188131, 13410636306); implicit deny drops the suffix
    (https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer)."""

    status = 403
    error_type = "AccessDeniedException"
    response_type = "ACCESS_DENIED"
    traced = False

    def __init__(self, explicit: bool) -> None:
        message = "User is not authorized to access this resource"
        super().__init__(message + (" with an explicit deny" if explicit else ""))
        self.body = json.dumps({"Message": self.detail}, separators=(",", ":")).encode()  # type: ignore[misc]

    def error_message(self) -> str:
        """`$context.error.message`."""
        return self.detail


class AuthorizerConfigurationError(GatewayError):
    """The authorizer failed or answered something unusable (AUTHORIZER_CONFIGURATION_ERROR): 500 with
    `{"message":null}` (16 bytes), captured in https://loige.co/debugging-custom-apigateway-authorizers/
    (code index 39913470942)."""

    status = 500
    error_type = "AuthorizerConfigurationException"
    response_type = "AUTHORIZER_CONFIGURATION_ERROR"
    body = b'{"message":null}'
    traced = False


# AWS_IAM (SigV4) failures: the messages of the AWS signature checker, shared by every SigV4 service
# (code index 63121252224, 30453745258). API Gateway answers them with 403 (INVALID_SIGNATURE or
# MISSING_AUTHENTICATION_TOKEN gateway responses, reference 4.5).


class _SignatureError(GatewayError):
    status = 403
    response_type = "INVALID_SIGNATURE"
    traced = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.body = json.dumps({"message": message}, separators=(",", ":")).encode()  # type: ignore[misc]

    def error_message(self) -> str:
        """`$context.error.message`."""
        return self.detail


class InvalidSignature(_SignatureError):
    """The signature does not match the one computed with the key's secret."""

    error_type = "InvalidSignatureException"

    def __init__(self) -> None:
        super().__init__(
            "The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details."
        )


class SignatureRejected(_SignatureError):
    """An InvalidSignatureException with its own message: `X-Amz-Date` more than 5 minutes away from now,
    or a credential scoped to another region or service."""

    error_type = "InvalidSignatureException"


class UnrecognizedClient(_SignatureError):
    """The access key id is not one of the local credentials."""

    error_type = "UnrecognizedClientException"

    def __init__(self) -> None:
        super().__init__("The security token included in the request is invalid.")


class IncompleteSignature(_SignatureError):
    """An `Authorization` header that is not a complete SigV4 one."""

    error_type = "IncompleteSignatureException"
