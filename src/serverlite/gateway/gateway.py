"""The gateway core: route, build the event, invoke, map the response. No sockets here."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence

from serverlite.gateway.errors import GatewayError, InternalServerError, RequestTooLarge
from serverlite.gateway.events import (
    RequestIdentity,
    build_proxy_event,
    encode_event,
    new_extended_request_id,
    new_trace_id,
)
from serverlite.gateway.integration import invoke_proxy
from serverlite.gateway.media_types import first_accept, is_binary
from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.gateway.router import RouteMatch, Router
from serverlite.runtime.invoker import Invoker
from serverlite.template.model import RestApi

__all__ = ["Gateway", "MAX_PAYLOAD_BYTES"]

logger = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit (reference 4.5)


class Gateway:
    """API Gateway REST APIs of one application, served over any transport."""

    def __init__(self, apis: Sequence[RestApi], invoker: Invoker, *, account_id: str) -> None:
        self.apis = tuple(apis)
        self._router = Router(apis)
        self._invoker = invoker
        self._account_id = account_id

    async def handle(self, request: GatewayRequest) -> GatewayResponse:
        """Answer one request; never raises."""
        identity = self._identity(request)
        traced = True
        try:
            if len(request.body) > MAX_PAYLOAD_BYTES:
                raise RequestTooLarge()
            match = self._router.match(request.method, request.raw_path, request.host)
            response = await self._integrate(request, match, identity)
        except GatewayError as error:
            response, traced = error.to_response(), error.traced
        except Exception:  # a bug of ours must not take the server down
            logger.exception("Unexpected error while handling %s %s", request.method, request.target)
            response = InternalServerError().to_response()
        return _stamp(response, identity, traced)

    def _identity(self, request: GatewayRequest) -> RequestIdentity:
        trace = request.header("X-Amzn-Trace-Id")
        return RequestIdentity(
            request_id=str(uuid.uuid4()),
            extended_request_id=new_extended_request_id(),
            epoch_ms=int(time.time() * 1000),
            trace_id=trace or new_trace_id(),
            account_id=self._account_id,
        )

    async def _integrate(
        self, request: GatewayRequest, match: RouteMatch, identity: RequestIdentity
    ) -> GatewayResponse:
        integration = match.method.integration
        if integration.type != "AWS_PROXY" or integration.function is None:
            raise InternalServerError(f"Unsupported integration type {integration.type}")
        binary_types = match.api.binary_media_types
        event = build_proxy_event(
            request, match, identity, binary_body=is_binary(request.header("Content-Type"), binary_types)
        )
        outcome = await invoke_proxy(
            self._invoker,
            integration.function,
            encode_event(event),
            timeout_ms=integration.timeout_ms,
            trace_id=identity.trace_id,
            binary_response=is_binary(first_accept(request.header("Accept")), binary_types),
        )
        return outcome.response


def _stamp(response: GatewayResponse, identity: RequestIdentity, traced: bool) -> GatewayResponse:
    """Add the headers API Gateway puts on every response (reference 2.6 and 4.1)."""
    response.headers.append(("x-amzn-RequestId", identity.request_id))
    response.headers.append(("x-amz-apigw-id", identity.extended_request_id))
    if traced and not response.has_header("X-Amzn-Trace-Id"):
        response.headers.append(("X-Amzn-Trace-Id", identity.trace_id))
    return response
