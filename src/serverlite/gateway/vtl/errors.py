"""Errors a mapping template raises; each is the gateway response a client receives.

AWS answers a template that cannot be evaluated with a 500 `{"message": "Internal server error"}` and the
execution-log line `Execution failed due to configuration error: Unable to transform request` (reported for
OPTIONS/MOCK methods whose template fails). A request body that `$input.json`/`$input.path` cannot parse is
the client's fault: 400 `{"message": "Could not parse request body into json: ..."}` (widely reported for
form posts sent through the console's passthrough template).
"""

from __future__ import annotations

import json
import typing as t

from serverlite.gateway.errors import GatewayError, InternalServerError
from serverlite.gateway.messages import GatewayResponse

__all__ = ["BodyNotJson", "MappingTemplateError"]


class MappingTemplateError(InternalServerError):
    """A template that cannot be parsed or evaluated; `str(error)` is the execution-log line."""

    def __init__(self, detail: str, *, response: bool = False) -> None:
        what = "response" if response else "request"
        super().__init__(f"Execution failed due to configuration error: Unable to transform {what}: {detail}")


class BodyNotJson(GatewayError):
    """`$input.json()`/`$input.path()` on a request body that is not JSON (400)."""

    status: t.ClassVar[int] = 400
    error_type: t.ClassVar[str] = "BadRequestException"
    response_type: t.ClassVar[str] = "BAD_REQUEST_BODY"
    traced: t.ClassVar[bool] = False

    def __init__(self, detail: str) -> None:
        super().__init__(f"Could not parse request body into json: {detail}")

    def error_message(self) -> str:
        """`$context.error.message`: the parser's complaint."""
        return self.detail

    def to_response(self) -> GatewayResponse:
        """`{"message": "Could not parse request body into json: ..."}` with status 400."""
        body = json.dumps({"message": self.detail}).encode()
        return GatewayResponse(
            status=self.status,
            body=body,
            headers=[("Content-Type", "application/json"), ("x-amzn-ErrorType", self.error_type)],
        )
