"""The HTTP API core: route, answer CORS preflights, throttle, authorize, build the 2.0 or 1.0 event, invoke,
map the answer, log. No sockets here; the REST core's adapter, invoker seam, logs and throttles are reused.

Every response carries `apigw-requestid` (the request id, 16 characters ending in `=`, as in the capture
`Apigw-Requestid: WSg1ihmdliAEJXA=`, code index 27491341443) and no `x-amzn-RequestId` or trace header.
Each route's plan (function, event builder, response mapper, timeout) is worked out once at start.
"""

from __future__ import annotations

import asyncio
import logging
import time
import typing as t
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from serverlite.gateway.errors import EndpointTimeout, GatewayError
from serverlite.gateway.events import RequestIdentity, encode_event, new_extended_request_id, new_trace_id
from serverlite.gateway.gateway import MAX_PAYLOAD_BYTES, TestInvokeResult
from serverlite.gateway.integration import function_error_line, invoke_function
from serverlite.gateway.logs import LogSink, new_stream_name, render_access_log
from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.gateway.v2.access import HttpAccess
from serverlite.gateway.v2.access_log import HTTP_API_VARIABLES, LogRecord, access_log_values
from serverlite.gateway.v2.cors import Cors
from serverlite.gateway.v2.errors import (
    Forbidden,
    HttpApiError,
    InternalServerError,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    error_for_status,
)
from serverlite.gateway.v2.events import EventScope, event_v1, event_v2
from serverlite.gateway.v2.responses import response_v1, response_v2
from serverlite.gateway.v2.router import HttpMatch, HttpRouter
from serverlite.runtime.invoker import Invoker
from serverlite.template.model import HttpApi, HttpStage, Route

__all__ = ["HttpGateway"]

logger = logging.getLogger(__name__)

EventBuilder = Callable[[GatewayRequest, EventScope, RequestIdentity], dict[str, t.Any]]


@dataclass(frozen=True)
class _Plan:
    """What serving one route takes, decided at start."""

    function: str
    build_event: EventBuilder
    respond: Callable[[bytes], GatewayResponse]
    version: str
    timeout_ms: int
    resource_path: str
    authorized: bool


def _plan(route: Route) -> _Plan:
    integration = route.integration
    v2 = integration.payload_format_version == "2.0"
    return _Plan(
        function=integration.function or "",
        build_event=event_v2 if v2 else event_v1,
        respond=response_v2 if v2 else response_v1,
        version=integration.payload_format_version,
        timeout_ms=integration.timeout_ms,
        resource_path=route.path or route.route_key,
        authorized=route.authorization_type != "NONE",
    )


def _test_stage(api: HttpApi) -> HttpStage:
    """The stage a Test runs in: `$default`, else the first one (its variables reach the event)."""
    return api.stages.get("$default") or next(iter(api.stages.values()), HttpStage(name="$default"))


class HttpGateway:
    """The HTTP APIs of one application, served over any transport."""

    def __init__(
        self,
        apis: Sequence[HttpApi],
        invoker: Invoker,
        *,
        account_id: str,
        region: str = "us-east-1",
        logs: LogSink | None = None,
        jwks_files: Mapping[str, Path] | None = None,
        credentials_file: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Raises JwksError or CredentialsError (ValueErrors) for unusable `--jwks`/`--credentials` files."""
        self.apis = tuple(apis)
        self._router = HttpRouter(apis)
        self._invoker = invoker
        self._account_id = account_id
        self._access = HttpAccess(
            apis,
            invoker,
            account_id=account_id,
            region=region,
            jwks_files=jwks_files,
            credentials_file=credentials_file,
            clock=clock,
        )
        self._cors = {api.id: Cors(api.cors) for api in apis if api.cors is not None}
        self._plans = {id(route): _plan(route) for api in apis for route in api.routes}
        self._logs = logs
        self._stream = new_stream_name()
        self._log_write_failed = False

    def claims(self, raw_path: str, host: str) -> bool:
        """Whether an HTTP API serves this URL (the front asks before REST APIs get it)."""
        return self._router.owns_host(host) or self._router.claims(raw_path, host)

    def owns_host(self, host: str) -> bool:
        """Whether the host is `<apiId>.execute-api.<any>` of one of the HTTP APIs."""
        return self._router.owns_host(host)

    async def handle(self, request: GatewayRequest) -> GatewayResponse:
        """Answer one request; never raises."""
        identity = self._identity(request)
        record = LogRecord(started=time.monotonic())
        target = self._router.stage_for(request.raw_path, request.host)
        cors = self._cors.get(target[0].id) if target is not None else None
        preflight = cors.preflight(request) if cors is not None else None
        if preflight is not None:
            response = preflight
        else:
            response = await self._answer(request, identity, record)
            if cors is not None:
                cors.decorate(request, response)
        response.headers.append(("apigw-requestid", identity.request_id))
        if self._logs is not None and target is not None and target[1].access_log is not None:
            # Written once the response is on its way: logging never delays the client.
            asyncio.get_running_loop().call_soon(self._write_log, request, identity, response, record, target)
        return response

    async def _answer(
        self, request: GatewayRequest, identity: RequestIdentity, record: LogRecord
    ) -> GatewayResponse:
        try:
            if len(request.body) > MAX_PAYLOAD_BYTES:
                raise PayloadTooLarge()
            match = self._router.match(request.method, request.raw_path, request.host)
            record.route_key = match.route.route_key
            if match.api.disable_execute_api_endpoint and ".execute-api." in request.host.lower():
                raise Forbidden("the API's execute-api endpoint is disabled")
            self._access.throttle(match)
            return await self._serve(request, match, identity, record)
        except HttpApiError as error:
            record.error_message, record.error_type = error.message, error.response_type
            return error.to_response()
        except Exception:  # a bug of ours must not take the server down
            logger.exception("Unexpected error while handling %s %s", request.method, request.target)
            return InternalServerError().to_response()

    def reject(self, error: GatewayError, request: GatewayRequest) -> GatewayResponse:
        """The response to a request the HTTP adapter refused before reading it (size, time limits)."""
        response = error_for_status(error.status, error.detail).to_response()
        response.headers.append(("apigw-requestid", new_extended_request_id()))
        return response

    async def _serve(
        self,
        request: GatewayRequest,
        match: HttpMatch,
        identity: RequestIdentity,
        record: LogRecord | None,
        *,
        authorize: bool = True,
    ) -> GatewayResponse:
        plan = self._plans[id(match.route)]
        scope = EventScope(
            api_id=match.api.id,
            stage=match.stage.name,
            route_key=match.route.route_key,
            raw_path=request.raw_path,
            resource_path=plan.resource_path,
            path_parameters=match.path_parameters,
            stage_variables=match.stage.variables,
        )
        if plan.authorized and authorize:
            grant = await self._access.authorize(request, match, scope, identity)
            if grant is not None:
                chosen = grant.v2 if plan.version == "2.0" else grant.v1
                scope = replace(scope, authorizer=chosen, identity=grant.identity)
                if record is not None:
                    record.authorizer = dict(grant.log)
        event = encode_event(plan.build_event(request, scope, identity))
        try:
            result = await invoke_function(
                self._invoker,
                plan.function,
                event,
                timeout_ms=plan.timeout_ms,
                trace_id=identity.trace_id,
                on_result=record.set_invocation if record is not None else None,
            )
        except EndpointTimeout:
            raise ServiceUnavailable("the integration timed out") from None
        except GatewayError as error:
            raise InternalServerError(error.detail) from None
        if result.failed:
            raise InternalServerError(function_error_line(result))
        response = plan.respond(result.payload)
        if record is not None:
            record.integration_status = response.status
        return response

    async def test_invoke(
        self,
        method: str,
        path: str,
        *,
        query: str | None = None,
        headers: Sequence[tuple[str, str]] = (),
        body: bytes = b"",
        api_id: str | None = None,
    ) -> TestInvokeResult:
        """Invoke the route `method path` of an API without a stage prefix and without authorization, the way
        REST's console Test does (the console has no Test for HTTP APIs; this is serverlite's).

        Raises NotFound when no route matches; LookupError for an unknown API.
        """
        api, match_api = self._api(api_id), None
        for candidate in self.apis if api_id is None else (api,):
            try:
                match_api = (
                    candidate,
                    self._router.match_in(candidate.id, method, path, _test_stage(candidate)),
                )
                break
            except NotFound:
                continue
        if match_api is None:
            raise NotFound(f"{method} {path}")
        api, match = match_api
        request = GatewayRequest(
            method=method,
            target=path + (f"?{query}" if query else ""),
            headers=tuple(headers),
            body=body,
            source_ip="test-invoke-source-ip",
            host=f"{api.id}.execute-api.localhost",
        )
        identity = self._identity(request)
        log = [f"Execution log for request {identity.request_id}", f"Route: {match.route.route_key}"]
        started = time.monotonic()
        try:
            response = await self._serve(request, match, identity, None, authorize=False)
        except HttpApiError as error:
            log.append(f"Execution failed: {error.detail or error.message}")
            response = error.to_response()
        log.append(f"Method completed with status: {response.status}")
        latency = round((time.monotonic() - started) * 1000)
        return TestInvokeResult(response.status, response.headers, response.body, log, latency)

    def _api(self, api_id: str | None) -> HttpApi:
        for api in self.apis:
            if api_id in (None, api.id, api.logical_id, api.name):
                return api
        raise LookupError(f"no HTTP API {api_id!r}")

    def has_api(self, api_id: str | None) -> bool:
        """Whether `api_id` (id, logical id or name; None: any) names one of the HTTP APIs."""
        return any(api_id in (None, api.id, api.logical_id, api.name) for api in self.apis)

    def _identity(self, request: GatewayRequest) -> RequestIdentity:
        request_id = new_extended_request_id()
        return RequestIdentity(
            request_id=request_id,
            extended_request_id=request_id,
            epoch_ms=int(time.time() * 1000),
            trace_id=request.header("X-Amzn-Trace-Id") or new_trace_id(),
            account_id=self._account_id,
        )

    def _write_log(
        self,
        request: GatewayRequest,
        identity: RequestIdentity,
        response: GatewayResponse,
        record: LogRecord,
        target: tuple[HttpApi, HttpStage],
    ) -> None:
        api, stage = target
        if stage.access_log is None or self._logs is None:
            return
        latency = round((time.monotonic() - record.started) * 1000)
        values = access_log_values(
            request, identity, response, record, api_id=api.id, stage=stage.name, latency_ms=latency
        )
        line = render_access_log(stage.access_log.format, values, HTTP_API_VARIABLES)
        try:
            self._logs.append(
                stage.access_log.log_group_name, self._stream, [(int(time.time() * 1000), line)]
            )
        except OSError as error:  # a full disk loses log lines, never requests
            if not self._log_write_failed:
                self._log_write_failed = True
                logger.warning("Cannot write HTTP API access logs: %s", error.strerror)
