"""The gateway core: route, build the event, invoke, map the response. No sockets here."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import typing as t
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from serverlite.gateway.access import AccessControl, Grant
from serverlite.gateway.errors import GatewayError, InternalServerError, RequestTooLarge
from serverlite.gateway.events import (
    RequestIdentity,
    build_proxy_event,
    encode_event,
    new_extended_request_id,
    new_request_id,
    new_trace_id,
    request_context,
    request_time,
    unmatched_context,
)
from serverlite.gateway.execution_log import ExecutionLog, java_map
from serverlite.gateway.gateway_responses import ErrorScope, GatewayResponses, error_context
from serverlite.gateway.integration import invoke_proxy
from serverlite.gateway.logs import (
    LogSink,
    execution_log_group,
    method_setting,
    new_stream_name,
    render_access_log,
)
from serverlite.gateway.media_types import first_accept, is_binary
from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.gateway.policy import PolicyRequest, ResourcePolicy
from serverlite.gateway.request_log import (
    TEST_INVOKE_STAGE,
    lambda_endpoint,
    log_lambda_request,
    log_method_request,
)
from serverlite.gateway.router import RouteMatch, Router
from serverlite.gateway.usage_plans import log_key_not_required
from serverlite.gateway.validation import RequestValidation
from serverlite.runtime.invoker import InvocationResult, Invoker
from serverlite.template.model import ApiKey, MethodSetting, RestApi, Stage, UsagePlan

if t.TYPE_CHECKING:
    from serverlite.gateway.http_backend import HttpBackend
    from serverlite.gateway.non_proxy import RequestScope

Integrate = t.Callable[["RequestScope"], t.Awaitable[GatewayResponse]]

__all__ = ["MAX_PAYLOAD_BYTES", "Gateway", "TestInvokeResult"]

logger = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit (reference 4.5)
_TEST_INVOKE_STAGE = TEST_INVOKE_STAGE


@dataclass(frozen=True, slots=True)
class _Plan:
    """What serving one method of one stage takes, worked out on its first request."""

    endpoint_uri: str  # the Lambda endpoint of an AWS_PROXY integration (execution logs)
    log_setting: MethodSetting | None  # the MethodSettings entry when it turns execution logs on
    logged: bool  # an execution or access log is written for the method's requests
    checked: bool  # access control (authorizers, keys, throttles) applies


@dataclass(frozen=True)
class TestInvokeResult:
    """What the console's method Test panel shows."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    log: list[str]
    latency_ms: int


class Gateway:
    """API Gateway REST APIs of one application, served over any transport."""

    def __init__(
        self,
        apis: Sequence[RestApi],
        invoker: Invoker,
        *,
        account_id: str,
        region: str = "us-east-1",
        logs: LogSink | None = None,
        vpcs: Mapping[str, Sequence[str]] | None = None,
        usage_plans: Sequence[UsagePlan] = (),
        api_keys: Sequence[ApiKey] = (),
        jwks_files: Mapping[str, Path] | None = None,
        credentials_file: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`usage_plans`/`api_keys`: `Application.usage_plans`/`api_keys`; `jwks_files`: user pool id, ARN or
        logical id -> JWKS file (`--jwks`); `credentials_file`: SigV4 keys (`--credentials`); `clock`: epoch
        seconds for throttles, quotas, authorizer caches and token expiry.

        Raises JwksError or CredentialsError (ValueErrors) for unusable files.
        """
        self.apis = tuple(apis)
        self._router = Router(apis)
        self._invoker = invoker
        self._account_id = account_id
        self._region = region
        self._vpcs = dict(vpcs or {})
        self._policies = {api.id: ResourcePolicy(api.policy) for api in apis if api.policy}
        access = AccessControl(
            apis,
            invoker,
            account_id=account_id,
            region=region,
            usage_plans=usage_plans,
            api_keys=api_keys,
            jwks_files=jwks_files,
            credentials_file=credentials_file,
            clock=clock,
        )
        # None when no method of any API checks anything: plain requests pay nothing.
        self._access: AccessControl | None = access if access.used else None
        self._logs = logs
        self._stream = new_stream_name()
        self._log_write_failed = False
        self._plans: dict[tuple[int, int], _Plan] = {}
        # Requests no method matched are access-logged only when some stage keeps an access log.
        self._unmatched_logged = logs is not None and any(
            stage.access_log is not None for api in apis for stage in api.stages.values()
        )
        self._http_backend: HttpBackend | None = None
        # Integration type -> handler; AWS_PROXY stays on the direct path below (the hot path).
        self._integrations = self._other_integrations(apis, invoker)
        self._validation = RequestValidation(apis)
        self._gateway_responses = GatewayResponses(apis)

    def _other_integrations(self, apis: Sequence[RestApi], invoker: Invoker) -> dict[str, Integrate]:
        """Handlers of the non-proxy integration types, built only for a template that has them: mapping
        templates (airspeed, jsonpath-ng) and the HTTP client are not even imported otherwise."""
        types = {m.integration.type for api in apis for r in api.resources for m in r.methods.values()}
        if not types - {"AWS_PROXY"}:
            return {}
        from serverlite.gateway.http_backend import HttpBackend
        from serverlite.gateway.http_integrations import HttpIntegrations
        from serverlite.gateway.non_proxy import NonProxyIntegrations

        non_proxy = NonProxyIntegrations(apis, invoker)
        self._http_backend = HttpBackend()
        http = HttpIntegrations(self._http_backend, non_proxy)
        return {
            "AWS": non_proxy.aws,
            "MOCK": non_proxy.mock,
            "HTTP": http.http,
            "HTTP_PROXY": http.http_proxy,
        }

    async def close(self) -> None:
        """Release what integrations hold open (the HTTP integrations' client session)."""
        if self._http_backend is not None:
            await self._http_backend.close()

    async def handle(self, request: GatewayRequest) -> GatewayResponse:
        """Answer one request; never raises."""
        identity = self._identity(request)
        record = _Record(started=time.monotonic())
        traced = True
        logged = self._unmatched_logged
        try:
            if len(request.body) > MAX_PAYLOAD_BYTES:
                raise RequestTooLarge()
            match = record.match = self._router.match(request.method, request.raw_path, request.host)
            plan = self._plan(match)
            logged = plan.logged
            if match.api.id in self._policies:
                self._authorize(request, match)
            if plan.log_setting is not None:
                record.log = self._execution_log(match, identity, plan.log_setting)
            grant = None
            if plan.checked or record.log is not None:
                grant = record.grant = await self._check_access(request, match, identity, record.log)
            response = await self._integrate(
                request, match, identity, log=record.log, record=record, grant=grant, plan=plan
            )
        except GatewayError as error:
            response, traced = self._error_response(error, request, record.match, identity), error.traced
            record.error = error
            if record.log is not None:
                record.log.add(str(error), error=True)
        except Exception:  # a bug of ours must not take the server down
            logger.exception("Unexpected error while handling %s %s", request.method, request.target)
            response = InternalServerError().to_response()
            record.error = InternalServerError()
        response = _stamp(response, identity, traced)
        if logged:
            # Written once the response is on its way: logging never delays the client.
            asyncio.get_running_loop().call_soon(self._write_logs, request, identity, response, record)
        return response

    def _plan(self, match: RouteMatch) -> _Plan:
        key = (id(match.method), id(match.stage))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._new_plan(match)
        return plan

    def _new_plan(self, match: RouteMatch) -> _Plan:
        setting = None
        if self._logs is not None:
            setting = method_setting(match.stage, match.resource.path, match.method.http_method)
            if setting is not None and setting.logging_level not in ("INFO", "ERROR"):
                setting = None
        integration = match.method.integration
        return _Plan(
            endpoint_uri=lambda_endpoint(integration.uri) if integration.type == "AWS_PROXY" else "",
            log_setting=setting,
            logged=setting is not None or (self._logs is not None and match.stage.access_log is not None),
            checked=self._access is not None and self._access.applies(match),
        )

    def reject(self, error: GatewayError, request: GatewayRequest) -> GatewayResponse:
        """The response to a request the HTTP adapter refused before reading it (REQUEST_TOO_LARGE)."""
        identity = self._identity(request)
        return _stamp(self._error_response(error, request, None, identity), identity, error.traced)

    def _error_response(
        self,
        error: GatewayError,
        request: GatewayRequest,
        match: RouteMatch | None,
        identity: RequestIdentity,
    ) -> GatewayResponse:
        """The built-in gateway response, or the API's customised one (gateway_responses.py)."""
        if match is not None:
            api, stage = match.api, match.stage
        else:
            target = self._router.stage_for(request.raw_path, request.host)
            if target is None:
                return error.to_response()
            api, stage = target
        if not self._gateway_responses.customises(api.id):
            return error.to_response()
        if match is not None:
            context = request_context(request, match, identity)
        else:
            context = unmatched_context(request, api.id, stage.name, identity)
        context["error"] = error_context(error)
        params = (match.path_parameters if match is not None else None) or {}
        return self._gateway_responses.respond(
            error, api.id, ErrorScope(request, context, stage.variables, params)
        )

    async def _check_access(
        self, request: GatewayRequest, match: RouteMatch, identity: RequestIdentity, log: ExecutionLog | None
    ) -> Grant | None:
        """Authorizers, API keys, throttles (access.py); only the usage-plan log lines for plain methods."""
        if self._access is not None and self._access.applies(match):
            return await self._access.check(request, match, identity, log)
        if log is not None:
            log_key_not_required(log, match, identity.request_id)
        return None

    def _authorize(self, request: GatewayRequest, match: RouteMatch) -> None:
        """The resource policy, if the API has one (reference 6.2); raises AccessDenied.

        A method with its own authorization (Lambda authorizer, AWS_IAM) is not refused by a policy that
        neither allows nor denies: the authorizer decides (table A of the authorization flow, reference A8).
        """
        policy = self._policies.get(match.api.id)
        if policy is not None:
            policy.check(
                PolicyRequest(
                    region=self._region,
                    account_id=self._account_id,
                    api_id=match.api.id,
                    stage=match.stage.name,
                    method=request.method,
                    path=match.path,
                    source_ip=request.source_ip,
                    vpcs=self._vpcs,
                ),
                allow_implicit=match.method.authorization_type in ("CUSTOM", "AWS_IAM"),
            )

    def _execution_log(
        self, match: RouteMatch, identity: RequestIdentity, setting: MethodSetting
    ) -> ExecutionLog:
        log = ExecutionLog(
            identity.request_id,
            data_trace=setting.data_trace_enabled,
            errors_only=setting.logging_level == "ERROR",
        )
        _log_preamble(log, match, identity)
        return log

    def _write_logs(
        self, request: GatewayRequest, identity: RequestIdentity, response: GatewayResponse, record: _Record
    ) -> None:
        try:
            self._append_logs(request, identity, response, record)
        except OSError as error:  # a full disk loses log lines, never requests
            if not self._log_write_failed:
                self._log_write_failed = True
                logger.warning("Cannot write API Gateway logs: %s", error.strerror)

    def _append_logs(
        self, request: GatewayRequest, identity: RequestIdentity, response: GatewayResponse, record: _Record
    ) -> None:
        assert self._logs is not None
        target = (
            (record.match.api, record.match.stage)
            if record.match
            else self._router.stage_for(request.raw_path, request.host)
        )
        if target is None:
            return
        api, stage = target
        now = int(time.time() * 1000)
        if record.log is not None:
            record.log.add(f"Method completed with status: {response.status}", error=response.status >= 400)
            events = [(ms, f"({identity.request_id}) {message}") for ms, message in record.log.events]
            self._logs.append(execution_log_group(api.id, stage.name), self._stream, events)
        if stage.access_log is not None:
            values = _access_log_values(request, identity, response, record, api, stage)
            line = render_access_log(stage.access_log.format, values)
            self._logs.append(stage.access_log.log_group_name, self._stream, [(now, line)])

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
        """The console's method Test: no stage, no authorization, the event differences of reference 1.10.

        Raises MissingAuthenticationToken when no method matches.
        """
        api = self._api(api_id)
        target = path + (f"?{query}" if query else "")
        request = GatewayRequest(
            method=method,
            target=target,
            headers=tuple(headers),
            body=body,
            source_ip="test-invoke-source-ip",
            host="testPrefix.testDomainName",
        )
        identity = self._identity(request)
        stage = Stage(name=_TEST_INVOKE_STAGE, deployment_id=_deployment_of(api))
        match = self._router.match_without_stage(api.id, method, path, stage)
        log = ExecutionLog(identity.request_id)
        started = time.monotonic()
        try:
            response = await self._integrate(request, match, identity, log=log, test_invoke=True)
        except GatewayError as error:
            log.add(str(error), error=True)
            response = error.to_response()
        log.add(f"Method completed with status: {response.status}")
        latency = round((time.monotonic() - started) * 1000)
        return TestInvokeResult(
            response.status, response.headers, response.body, log.test_invoke_lines(), latency
        )

    def _api(self, api_id: str | None) -> RestApi:
        for api in self.apis:
            if api_id in (None, api.id, api.logical_id, api.name):
                return api
        raise LookupError(f"no REST API {api_id!r}")

    def _identity(self, request: GatewayRequest) -> RequestIdentity:
        trace = request.header("X-Amzn-Trace-Id")
        return RequestIdentity(
            request_id=new_request_id(),
            extended_request_id=new_extended_request_id(),
            epoch_ms=int(time.time() * 1000),
            trace_id=trace or new_trace_id(),
            account_id=self._account_id,
        )

    async def _integrate(
        self,
        request: GatewayRequest,
        match: RouteMatch,
        identity: RequestIdentity,
        *,
        log: ExecutionLog | None = None,
        test_invoke: bool = False,
        record: _Record | None = None,
        grant: Grant | None = None,
        plan: _Plan | None = None,
    ) -> GatewayResponse:
        integration = match.method.integration
        self._validation.check(request, match.method)
        if integration.type != "AWS_PROXY":
            handler = self._integrations.get(integration.type)
            if handler is None:
                raise InternalServerError(f"Unsupported integration type {integration.type}")
            context = request_context(request, match, identity)
            if test_invoke:
                context["stage"] = _TEST_INVOKE_STAGE
            if grant is not None:
                grant.apply(context)
            on_result = record.set_invocation if record is not None else None
            from serverlite.gateway.non_proxy import RequestScope

            return await handler(RequestScope(request, match, identity, context, log, on_result))
        if integration.function is None:
            raise InternalServerError(f"Unsupported integration type {integration.type}")
        binary_types = match.api.binary_media_types
        event = build_proxy_event(
            request,
            match,
            identity,
            binary_body=is_binary(request.header("Content-Type"), binary_types),
            test_invoke=test_invoke,
        )
        if grant is not None:
            grant.apply(event["requestContext"])
        endpoint_uri = plan.endpoint_uri if plan is not None else lambda_endpoint(integration.uri)
        if log is not None:
            log_method_request(log, request, match, identity)
            log_lambda_request(log, match, identity, endpoint_uri)
        outcome = await invoke_proxy(
            self._invoker,
            integration.function,
            encode_event(event),
            timeout_ms=integration.timeout_ms,
            trace_id=identity.trace_id,
            binary_response=is_binary(first_accept(request.header("Accept")), binary_types),
            log=log,
            endpoint_uri=endpoint_uri,
            on_result=record.set_invocation if record is not None else None,
        )
        if log is not None:
            response = outcome.response
            log.data(
                f"Method response body after transformations: {response.body.decode('utf-8', 'replace')}"
            )
            log.data(f"Method response headers: {java_map(response.headers)}")
            log.add("Successfully completed execution")
        return outcome.response


@dataclass(slots=True)
class _Record:
    """What happened to one request, for its access and execution logs."""

    started: float
    match: RouteMatch | None = None
    log: ExecutionLog | None = None
    error: GatewayError | None = None
    invocation: InvocationResult | None = None
    integration_ms: float | None = None
    grant: Grant | None = None

    def set_invocation(self, result: InvocationResult, latency_ms: float) -> None:
        self.invocation, self.integration_ms = result, latency_ms


def _log_preamble(log: ExecutionLog, match: RouteMatch, identity: RequestIdentity) -> None:
    """The first line of an execution log (reference 5.3); authorizer and usage-plan lines follow."""
    log.add(f"Extended Request Id: {identity.extended_request_id}")


def _grant_values(grant: Grant) -> dict[str, object]:
    """Access-log variables from access control (reference 5.1): `identity.apiKey`,
    `authorizer.principalId`, `authorizer.<key>`, `authorizer.claims.<claim>`."""
    values: dict[str, object] = {f"identity.{name}": value for name, value in grant.identity.items()}
    for name, value in (grant.authorizer or {}).items():
        if name == "claims" and isinstance(value, dict):
            values |= {f"authorizer.claims.{claim}": item for claim, item in value.items()}
        elif not isinstance(value, (dict, list)):
            values[f"authorizer.{name}"] = value
    return values


def _access_log_values(
    request: GatewayRequest,
    identity: RequestIdentity,
    response: GatewayResponse,
    record: _Record,
    api: RestApi,
    stage: Stage,
) -> dict[str, object]:
    """`$context` variables of reference 5.1 for one request; absent ones are left out (render as `-`)."""
    match = record.match
    domain = request.host.rsplit(":", 1)[0] if request.host else ""
    latency = round((time.monotonic() - record.started) * 1000)
    values: dict[str, object] = {
        "requestId": identity.request_id,
        "extendedRequestId": identity.extended_request_id,
        "accountId": identity.account_id,
        "apiId": api.id,
        "stage": stage.name,
        "domainName": domain,
        "domainPrefix": domain.split(".", 1)[0],
        "httpMethod": request.method,
        "path": request.raw_path,
        "protocol": "HTTP/1.1",
        "requestTime": request_time(identity.epoch_ms),
        "requestTimeEpoch": identity.epoch_ms,
        "identity.sourceIp": request.source_ip,
        "identity.userAgent": request.header("User-Agent"),
        "status": response.status,
        "responseLength": len(response.body),
        "responseLatency": latency,
        "xrayTraceId": identity.trace_id.removeprefix("Root="),
    }
    if match is not None:
        values |= {"resourcePath": match.resource.path, "resourceId": match.resource.id}
    if record.grant is not None:
        values |= _grant_values(record.grant)
    if record.invocation is not None:
        integration_status = 200
        values |= {
            "integrationLatency": round(record.integration_ms or 0),
            "integration.latency": round(record.integration_ms or 0),
            "integrationStatus": integration_status,
            "integration.integrationStatus": integration_status,
            "integration.requestId": record.invocation.request_id,
            "awsEndpointRequestId": record.invocation.request_id,
            "integration.status": response.status if record.error is None else None,
            "integration.error": record.invocation.error_message,
        }
    if record.error is not None:
        message = record.error.error_message()
        values |= {
            "error.message": message,
            "error.messageString": json.dumps(message),
            "error.responseType": record.error.response_type,
        }
    return values


def _deployment_of(api: RestApi) -> str:
    return next(iter(api.stages.values())).deployment_id if api.stages else "test-invoke-deployment"


def _stamp(response: GatewayResponse, identity: RequestIdentity, traced: bool) -> GatewayResponse:
    """Add the headers API Gateway puts on every response (reference 2.6 and 4.1)."""
    response.headers.append(("x-amzn-RequestId", identity.request_id))
    response.headers.append(("x-amz-apigw-id", identity.extended_request_id))
    if traced and not response.has_header("X-Amzn-Trace-Id"):
        response.headers.append(("X-Amzn-Trace-Id", identity.trace_id))
    return response
