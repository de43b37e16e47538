"""One local endpoint for the AWS APIs functions call besides DynamoDB: Lambda `Invoke` and CloudWatch Logs.

Both protocols tell themselves apart: Lambda is REST (`/2015-03-31/functions/...`), CloudWatch Logs is
JSON 1.1 (`POST /` with `X-Amz-Target: Logs_20140328.<Operation>`), so they share a port, as
`AWS_ENDPOINT_URL_LAMBDA` and `AWS_ENDPOINT_URL_LOGS` both point here.

IAM (issue 10), before dispatching, as the DynamoDB server does (`serverlite.iam.guard`): a request signed
with an access key of the credentials map (a function's role session) must verify, and its role must
allow what it asks. Lambda `Invoke` needs `lambda:InvokeFunction` on the function ARN (qualified when a
version or alias is named); each CloudWatch Logs operation needs `logs:<Operation>` on the log group or
stream ARN Logs authorizes (`serverlite.iam.arns.log_group_arn`). Denials as each service answers them:

* Lambda: HTTP 403, `x-amzn-ErrorType: AccessDeniedException`, `{"Message": "User: ... is not authorized
  to perform: lambda:InvokeFunction on resource: <function ARN> because no identity-based policy allows the
  lambda:InvokeFunction action"}` (status and text: awslabs/aws-deployment-framework#460, "Status Code:
  403; Error Code: AccessDeniedException"; body key: danilop/LambdAuth#37, a raw Invoke error body).
  Signing errors are 403 too (iann0036/iamlive#58: UnrecognizedClientException, StatusCode 403).
* CloudWatch Logs: HTTP 400, JSON 1.1 `{"__type":"AccessDeniedException","message":"User: ... is not
  authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:<region>:<account>:log-group:<name>:
  log-stream: because no identity-based policy allows the logs:CreateLogGroup action"}` (status and text:
  elastic/apm-aws-lambda#526, "StatusCode: 400 ... api error AccessDeniedException";
  aws/aws-parallelcluster#1670, "Status Code: 400; Error Code: AccessDeniedException"; body form:
  serverlite/logs/errors.py).

Before anything, the Host and Origin rules of `serverlite.endpoint_policy` (issue 15): a foreign `Host`
or a disallowed `Origin` is refused with 403 `AccessDeniedException`, in a form both protocols' clients
parse (`x-amzn-ErrorType` for REST, `__type` for JSON 1.1, the text under `message`); allowed origins get
CORS headers and their preflights answered.
"""

from __future__ import annotations

import asyncio
import json
import typing as t
import uuid
from pathlib import Path
from urllib.parse import parse_qs, unquote

from aiohttp import web

from serverlite.endpoint_policy import EndpointPolicy, Refusal
from serverlite.iam.arns import function_arn, log_group_arn
from serverlite.iam.guard import AccessGuard, Denial
from serverlite.iam.registry import RegistryFile
from serverlite.iam.sessions import RoleSession
from serverlite.logs.cloudwatch import CloudWatchLogsServer
from serverlite.runtime.invoke_api import INVOKE_PATH_PREFIX, LambdaInvokeApi

__all__ = ["AwsEndpoint"]

_LOGS_TARGET_PREFIX = "Logs_20140328."
_INVOKE = "lambda:InvokeFunction"
# Logs operations authorized on the log stream they name (the others: on the log group).
_LOG_STREAM_OPERATIONS = {"CreateLogStream", "PutLogEvents", "GetLogEvents"}


class AwsEndpoint:
    """An aiohttp listener dispatching to the Lambda and CloudWatch Logs cores."""

    def __init__(
        self,
        lambda_api: LambdaInvokeApi | None,
        logs: CloudWatchLogsServer,
        host: str,
        port: int,
        *,
        credentials: Path | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        policy: EndpointPolicy | None = None,
    ) -> None:
        """`credentials`: the IAM credentials map (`<data dir>/iam/credentials.json`); None checks nobody.
        `policy`: the Hosts and Origins served (default: `EndpointPolicy.create(host)`)."""
        self._policy = policy or EndpointPolicy.create(host)
        self.lambda_api = lambda_api  # set once the Lambda service exists
        self._logs = logs
        self._guard = AccessGuard(RegistryFile(credentials)) if credentials is not None else None
        self._region = region
        self._account_id = account_id
        self._host = host
        self._port = port
        self._runner: web.ServerRunner | None = None
        self.port = port

    async def start(self) -> None:
        """Start listening (port 0 picks a free one)."""
        self._runner = web.ServerRunner(web.Server(self._handle), access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        """The Host and Origin rules around `_dispatch`."""
        origin = request.headers.get("Origin")
        refusal = self._policy.refusal(request.headers.get("Host"), origin)
        if refusal is not None:
            return _refused(refusal)
        if request.method == "OPTIONS" and origin is not None:
            return web.Response(status=200, headers=self._policy.preflight_headers(origin, request.headers))
        response = await self._dispatch(request)
        for name, value in self._policy.cors_headers(origin):
            response.headers[name] = value
        return response

    async def _dispatch(self, request: web.BaseRequest) -> web.StreamResponse:
        body = await request.read()
        target = request.headers.get("X-Amz-Target", "")
        if target.startswith(_LOGS_TARGET_PREFIX):
            denial = self._check(request, body, lambda: self._logs_need(target, body))
            if denial is not None:
                return _logs_error(denial)
            status, payload = await asyncio.to_thread(self._logs.handle, target, body)
            return web.Response(
                status=status, body=payload, headers={"Content-Type": "application/x-amz-json-1.1"}
            )
        if request.path.startswith(INVOKE_PATH_PREFIX) and self.lambda_api is not None:
            denial = self._check(request, body, lambda: self._invoke_need(request))
            if denial is not None:
                return _lambda_error(denial)
            status, headers, payload = await self.lambda_api.handle(
                request.method, request.raw_path, request.headers, body
            )
            return web.Response(status=status, body=payload, headers=headers)
        if request.method == "GET" and request.path == "/":
            return web.Response(status=200, text="healthy: serverlite lambda and logs")
        return web.Response(
            status=404,
            body=b'{"Type":"User","Message":"Unknown operation"}',
            headers={"Content-Type": "application/json", "x-amzn-ErrorType": "UnknownOperationException"},
        )

    def _check(
        self, request: web.BaseRequest, body: bytes, need: t.Callable[[], tuple[str, str] | None]
    ) -> Denial | None:
        """The signing error or access denial to answer, None to go on."""
        if self._guard is None:
            return None
        caller = self._guard.authenticate(request.method, request.raw_path, request.headers, body)
        if not isinstance(caller, RoleSession):
            return caller
        wanted = need()
        if wanted is None:  # not an operation that is authorized: the core answers it
            return None
        return self._guard.authorize(caller, *wanted)

    def _invoke_need(self, request: web.BaseRequest) -> tuple[str, str] | None:
        """`lambda:InvokeFunction` on the function's ARN, qualified when the call names a qualifier."""
        parts = request.path[len(INVOKE_PATH_PREFIX) :].split("/")
        if request.method != "POST" or len(parts) != 2 or parts[1] != "invocations":
            return None
        given = unquote(request.raw_path.partition("?")[0][len(INVOKE_PATH_PREFIX) :].split("/")[0])
        name, qualifier = _name_and_qualifier(given)
        qualifier = parse_qs(request.query_string).get("Qualifier", [qualifier])[0]
        return _INVOKE, function_arn(self._region, self._account_id, name, qualifier)

    def _logs_need(self, target: str, body: bytes) -> tuple[str, str] | None:
        """`logs:<Operation>` on the log group (or stream) ARN; None when the request is not readable."""
        operation = target.removeprefix(_LOGS_TARGET_PREFIX)
        try:
            request = json.loads(body) if body.strip() else {}
        except ValueError:
            return None
        if not isinstance(request, dict):
            return None
        if operation == "DescribeLogGroups":
            return f"logs:{operation}", log_group_arn(self._region, self._account_id, "")
        group = _group_name(request)
        if not group:
            return None
        stream = request.get("logStreamName") if operation in _LOG_STREAM_OPERATIONS else None
        stream = stream if isinstance(stream, str) else None
        return f"logs:{operation}", log_group_arn(self._region, self._account_id, group, stream)


def _name_and_qualifier(given: str) -> tuple[str, str | None]:
    """A name, `Name:Qualifier`, a full or a partial ARN -> (name, qualifier or None)."""
    if ":function:" in given:
        given = given.split(":function:", 1)[1]
    name, _, qualifier = given.partition(":")
    return name, qualifier or None


def _group_name(request: t.Mapping[str, t.Any]) -> str | None:
    """logGroupName, or the name inside logGroupIdentifier (a name or an ARN)."""
    name = request.get("logGroupName")
    if isinstance(name, str):
        return name
    identifier = request.get("logGroupIdentifier")
    if not isinstance(identifier, str):
        return None
    if identifier.startswith("arn:") and ":log-group:" in identifier:
        return identifier.split(":log-group:", 1)[1].split(":", 1)[0]
    return identifier


def _lambda_error(denial: Denial) -> web.Response:
    """Lambda's REST-JSON error: 403, the code in `x-amzn-ErrorType`, the text under `Message`."""
    return web.Response(
        status=403,
        body=json.dumps({"Message": denial.message}, separators=(",", ":")).encode(),
        headers={
            "Content-Type": "application/json",
            "x-amzn-ErrorType": denial.code,
            "x-amzn-RequestId": str(uuid.uuid4()),
        },
    )


def _logs_error(denial: Denial) -> web.Response:
    """CloudWatch Logs' JSON 1.1 error: 400, `{"__type": <code>, "message": <text>}`."""
    return web.Response(
        status=400,
        body=json.dumps({"__type": denial.code, "message": denial.message}, separators=(",", ":")).encode(),
        headers={"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": str(uuid.uuid4())},
    )


def _refused(refusal: Refusal) -> web.Response:
    """A refusal both protocols parse: the code in `x-amzn-ErrorType` (REST) and `__type` (JSON 1.1)."""
    return web.Response(
        status=refusal.status,
        body=refusal.aws_json(),
        headers={
            "Content-Type": "application/json",
            "x-amzn-ErrorType": refusal.code,
            "x-amzn-RequestId": str(uuid.uuid4()),
        },
    )
