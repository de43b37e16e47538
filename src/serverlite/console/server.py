"""The console's aiohttp application: `/api/` handlers of each page plus the static assets."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from serverlite.console import apis, dynamodb, functions, http_apis, logs
from serverlite.console.dynamodb import CLIENT, DynamoDBClient
from serverlite.console.functions import SAVED_EVENTS
from serverlite.console.guard import console_guard, protect_responses
from serverlite.console.state import STATE, ConsoleState
from serverlite.console.wire import error_middleware, json_response
from serverlite.endpoint_policy import EndpointPolicy

__all__ = ["STATIC", "create_app", "serve_console"]

STATIC = Path(__file__).parent / "static"
# Assets change with the package, never while it runs; the page is small enough to revalidate always.
_NO_CACHE = {"Cache-Control": "no-cache"}


def create_app(
    state: ConsoleState, *, token: str | None, policy: EndpointPolicy | None = None
) -> web.Application:
    """The console as an aiohttp application (not yet listening).

    `token`: what the page must send in `X-Serverlite-Token` (None: nothing); `policy`: the Hosts
    served (default: localhost and IP addresses). See `serverlite.console.guard`.
    """
    guard = console_guard(token, policy or EndpointPolicy())
    app = web.Application(middlewares=[guard, error_middleware])
    app.on_response_prepare.append(protect_responses)
    app[STATE] = state
    app[SAVED_EVENTS] = {}
    app[CLIENT] = DynamoDBClient(state.dynamodb_url, state.application.region)
    app.on_cleanup.append(_close_client)
    app.router.add_get("/api/overview", _overview)
    for module in (apis, http_apis, functions, dynamodb, logs):
        app.router.add_routes(module.routes)
    app.router.add_get("/", _index)
    app.router.add_static("/static/", STATIC, append_version=False)
    return app


async def serve_console(
    state: ConsoleState, host: str, port: int, *, token: str | None, policy: EndpointPolicy | None = None
) -> tuple[web.AppRunner, int]:
    """Listen on host:port (0: any free port); returns the runner (call `cleanup()`) and the port.

    `token` and `policy` as `create_app` takes them (default policy: `EndpointPolicy.create(host)`)."""
    app = create_app(state, token=token, policy=policy or EndpointPolicy.create(host))
    # handler_cancellation: a closed page ends its live tail; a short shutdown_timeout for the same.
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, host, port, reuse_address=True).start()
    return runner, int(runner.addresses[0][1])


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers=_NO_CACHE)


async def _overview(request: web.Request) -> web.Response:
    state = request.app[STATE]
    application = state.application
    return json_response(
        {
            "template": str(application.template_path),
            "region": application.region,
            "accountId": application.account_id,
            "gatewayUrl": state.gateway_url,
            "dynamodbUrl": state.dynamodb_url,
            "counts": {
                "apis": len(application.rest_apis),
                "httpApis": len(application.http_apis),
                "functionUrls": len(application.function_urls),
                "functions": len(application.functions),
                "tables": len(application.tables),
            },
        }
    )


async def _close_client(app: web.Application) -> None:
    await app[CLIENT].close()
