"""Lambda function URLs: one function behind one URL (its own port locally), payload format 2.0.

https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html: every path and method reaches the
function; the event is API Gateway's 2.0 shape with `routeKey` and `stage` `$default`, `apiId` the URL id and,
for `AWS_IAM`, the SigV4 caller in `requestContext.authorizer.iam`; the answer is read as 2.0's (inferred
when there is no `statusCode`). `AuthType: AWS_IAM` checks SigV4 for service `lambda` against
`--credentials`; a refusal is 403 `{"Message":"Forbidden"}`. A function error or an unusable answer is 502
`Internal Server Error` (https://github.com/awsdocs/aws-lambda-developer-guide/issues/430); a function at
its reserved concurrency is 429. Only the function's own `Timeout` bounds a call (no 30 s cap).
Responses carry `x-amzn-RequestId` (the invocation's id). `InvokeMode: RESPONSE_STREAM` is answered buffered:
Python handlers return whole responses (the start-up output says so).
"""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path

from serverlite.gateway.errors import GatewayError
from serverlite.gateway.events import RequestIdentity, encode_event, new_trace_id
from serverlite.gateway.gateway import MAX_PAYLOAD_BYTES
from serverlite.gateway.iam import SigV4Verifier, load_credentials
from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.gateway.throttling import Clock
from serverlite.gateway.v2.access import iam_caller
from serverlite.gateway.v2.cors import Cors
from serverlite.gateway.v2.errors import HttpApiError, UrlError, error_for_status
from serverlite.gateway.v2.events import EventScope, event_v2
from serverlite.gateway.v2.responses import response_v2
from serverlite.runtime.invoker import FunctionNotFound, FunctionThrottled, Invoker
from serverlite.template.model import FunctionUrl

__all__ = ["FunctionUrlGateway"]

logger = logging.getLogger(__name__)


class FunctionUrlGateway:
    """One function URL, served over any transport."""

    def __init__(
        self,
        url: FunctionUrl,
        invoker: Invoker,
        *,
        account_id: str,
        region: str = "us-east-1",
        credentials_file: Path | None = None,
        clock: Clock = time.time,
    ) -> None:
        """Raises CredentialsError for an unusable `--credentials` file."""
        self.url = url
        self._invoker = invoker
        self._account_id = account_id
        self._cors = Cors(url.cors) if url.cors is not None else None
        self._iam: SigV4Verifier | None = None
        if url.auth_type == "AWS_IAM":
            credentials = load_credentials(credentials_file, account_id) if credentials_file else {}
            if not credentials:
                logger.warning(
                    "Function URL %s (AWS_IAM) refuses every request: no --credentials", url.logical_id
                )
            self._iam = SigV4Verifier(credentials, region, clock, service="lambda")

    async def handle(self, request: GatewayRequest) -> GatewayResponse:
        """Answer one request; never raises."""
        request_id = str(uuid.uuid4())
        preflight = self._cors.preflight(request) if self._cors is not None else None
        if preflight is not None:
            response = preflight
        else:
            try:
                response = await self._invoke(request, request_id)
            except HttpApiError as error:
                response = error.to_response()
            except Exception:  # a bug of ours must not take the server down
                logger.exception("Unexpected error while handling %s %s", request.method, request.target)
                response = UrlError(502, "Internal Server Error", text=True).to_response()
            if self._cors is not None:
                self._cors.decorate(request, response)
        response.headers.append(("x-amzn-RequestId", request_id))
        return response

    def reject(self, error: GatewayError, request: GatewayRequest) -> GatewayResponse:
        """The response to a request the HTTP adapter refused before reading it."""
        response = error_for_status(error.status, error.detail).to_response()
        response.headers.append(("x-amzn-RequestId", str(uuid.uuid4())))
        return response

    async def _invoke(self, request: GatewayRequest, request_id: str) -> GatewayResponse:
        if len(request.body) > MAX_PAYLOAD_BYTES:
            raise error_for_status(413)
        authorizer = self._authorize(request)
        identity = RequestIdentity(
            request_id=request_id,
            extended_request_id=request_id,
            epoch_ms=int(time.time() * 1000),
            trace_id=request.header("X-Amzn-Trace-Id") or new_trace_id(),
            account_id=self._account_id,
        )
        scope = EventScope(
            api_id=self.url.url_id,
            stage="$default",
            route_key="$default",
            raw_path=request.raw_path,
            authorizer=authorizer,
        )
        event = encode_event(event_v2(request, scope, identity))
        try:
            result = await self._invoker.invoke(
                self.url.function, event, trace_id=identity.trace_id, throttle=True
            )
        except FunctionThrottled:
            raise UrlError(429, "Rate Exceeded.") from None
        except FunctionNotFound:
            raise UrlError(502, "Internal Server Error", text=True) from None
        if result.failed:
            raise UrlError(502, "Internal Server Error", text=True)
        try:
            return response_v2(result.payload)
        except HttpApiError:
            raise UrlError(502, "Internal Server Error", text=True) from None

    def _authorize(self, request: GatewayRequest) -> dict[str, object] | None:
        """AWS_IAM: the SigV4 caller; raises a 403 UrlError."""
        if self._iam is None:
            return None
        try:
            credential = self._iam.verify(request)
        except GatewayError:
            raise UrlError(403, "Forbidden") from None
        return {"iam": iam_caller(credential)}
