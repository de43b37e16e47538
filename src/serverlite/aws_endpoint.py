"""One local endpoint for the AWS APIs functions call besides DynamoDB: Lambda `Invoke` and CloudWatch Logs.

Both protocols tell themselves apart: Lambda is REST (`/2015-03-31/functions/...`), CloudWatch Logs is
JSON 1.1 (`POST /` with `X-Amz-Target: Logs_20140328.<Operation>`), so they share a port, as
`AWS_ENDPOINT_URL_LAMBDA` and `AWS_ENDPOINT_URL_LOGS` both point here.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from serverlite.logs.cloudwatch import CloudWatchLogsServer
from serverlite.runtime.invoke_api import INVOKE_PATH_PREFIX, LambdaInvokeApi

__all__ = ["AwsEndpoint"]

_LOGS_TARGET_PREFIX = "Logs_20140328."


class AwsEndpoint:
    """An aiohttp listener dispatching to the Lambda and CloudWatch Logs cores."""

    def __init__(
        self, lambda_api: LambdaInvokeApi | None, logs: CloudWatchLogsServer, host: str, port: int
    ) -> None:
        self.lambda_api = lambda_api  # set once the Lambda service exists
        self._logs = logs
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
        body = await request.read()
        target = request.headers.get("X-Amz-Target", "")
        if target.startswith(_LOGS_TARGET_PREFIX):
            status, payload = await asyncio.to_thread(self._logs.handle, target, body)
            return web.Response(
                status=status, body=payload, headers={"Content-Type": "application/x-amz-json-1.1"}
            )
        if request.path.startswith(INVOKE_PATH_PREFIX) and self.lambda_api is not None:
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
