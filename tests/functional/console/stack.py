"""The local stack the console shows, built in-process on free ports and run on a thread of its own.

Playwright's sync API and urllib block, so the stack's event loop runs in a background thread.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from serverlite.console import ConsoleState, RecentInvocations, serve_console
from serverlite.console.guard import TOKEN_HEADER
from serverlite.embedded_dynamodb import DynamoDBProcess
from serverlite.gateway.gateway import Gateway
from serverlite.gateway.server import GatewayServer
from serverlite.logs.store import LogStore
from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.lambda_service import LambdaService
from serverlite.template.load import load_application
from serverlite.template.model import Function

REPO = Path(__file__).resolve().parents[3]
TEMPLATE = REPO / "template.yaml"
HOST = "127.0.0.1"


class ConsoleStack:
    """DynamoDB (child process), Lambda workers, the gateway and the console, all on free ports."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.token = secrets.token_urlsafe(24)
        self.url = ""
        self.gateway_url = ""
        self.dynamodb_url = ""
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="console-stack", daemon=True)

    def start(self, timeout: float = 60) -> ConsoleStack:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise AssertionError("the console stack did not start")
        if self._failure is not None:
            raise AssertionError("the console stack failed to start") from self._failure
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._main())
        except BaseException as error:  # reported by start()
            self._failure = error
            self._ready.set()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        dynamodb = await DynamoDBProcess.start(HOST, 0, self.data_dir)
        application = await asyncio.to_thread(load_application, TEMPLATE)
        store = LogStore(self.data_dir / "logs")
        settings = RuntimeSettings(
            data_dir=self.data_dir,
            endpoint_environment={"AWS_ENDPOINT_URL_DYNAMODB": dynamodb.url},
            hot_reload=False,
        )

        def sink(function: Function, log_stream: str, line: str) -> None:
            store.append(function.log_group_name, log_stream, [(int(time.time() * 1000), line)])

        runtime = LambdaService(application.functions, settings, output=sink)
        runtime.start()
        recent = RecentInvocations()
        gateway = Gateway(
            application.rest_apis, recent.wrap(runtime), account_id=application.account_id, logs=store
        )
        server = GatewayServer(gateway, HOST, 0)
        await server.start()
        self.gateway_url = f"http://{HOST}:{server.port}"
        self.dynamodb_url = dynamodb.url
        state = ConsoleState(
            application=application,
            invoke=runtime.invoke,
            test_invoke=gateway.test_invoke,
            warm_count=lambda name: runtime.pool(name).warm,
            dynamodb_url=dynamodb.url,
            logs=store,
            gateway_url=self.gateway_url,
            recent=recent,
        )
        runner, port = await serve_console(state, HOST, 0, token=self.token)
        self.url = f"http://{HOST}:{port}"
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await runner.cleanup()
            await server.close()
            await runtime.close()
            store.close()
            await dynamodb.stop()

    # --- clients for the tests ---------------------------------------------------------------

    def page(self, fragment: str = "") -> str:
        """The console's page as `serverlite start` prints its URL (with the token), then `#/...`."""
        return f"{self.url}/?token={self.token}{fragment}"

    def call(
        self,
        method: str,
        path: str,
        body: object | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, object]:
        """One request to the console, as its page sends it (token, JSON in unless bytes) and JSON out."""
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        sent = {TOKEN_HEADER: self.token, "Content-Type": "application/json", **(headers or {})}
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, json.loads(raw) if raw else None

    def gateway(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, object]:
        """One request through the gateway's stage, as curl would send it."""
        request = urllib.request.Request(self.gateway_url + path, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
