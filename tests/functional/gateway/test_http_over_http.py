"""HTTP and HTTP_PROXY integrations over real HTTP, a small aiohttp backend on a free port behind them.

Facts: https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html (`{proxy}`
mapped from `method.request.path.proxy`, stage variables in the URI); selection by status code for HTTP
backends (https://docs.aws.amazon.com/apigateway/latest/api/API_IntegrationResponse.html); 504 body
(reference apigateway-lambda.md 2.5); remapped headers (reference 2.6); unreachable endpoint -> 500
(https://repost.aws/knowledge-center/api-gateway-500-error-vpc).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web

from serverlite.gateway.gateway import Gateway
from serverlite.gateway.server import GatewayServer
from serverlite.template.model import Integration, Method, MethodResponse, Resource, RestApi, Stage
from tests.processes import free_port

from .serving import raw_request


class _NoLambda:
    async def invoke(
        self, function: str, event: bytes, *, trace_id: str | None = None, throttle: bool = False
    ):  # pragma: no cover
        raise AssertionError("no Lambda behind HTTP integrations")


async def _echo(request: web.Request) -> web.Response:
    document = {
        "method": request.method,
        "path": request.raw_path.split("?", 1)[0],
        "query": request.raw_path.partition("?")[2],
        "headers": [[k.decode(), v.decode()] for k, v in request.raw_headers],
        "body": (await request.read()).decode(),
    }
    return web.json_response(document, headers={"X-Backend": "yes", "Set-Cookie": "a=1"})


async def _status(request: web.Request) -> web.Response:
    code = int(request.match_info["code"])
    return web.json_response({"code": code, "reason": "from backend"}, status=code)


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(2)
    return web.Response(text="late")


def _api(backend: str, closed_port: int) -> RestApi:
    proxy = Integration(
        type="HTTP_PROXY",
        uri="http://${stageVariables.backend}/echo/{proxy}",
        http_method="ANY",
        request_parameters={
            "integration.request.path.proxy": "method.request.path.proxy",
            "integration.request.header.X-Stage": "context.stage",
        },
    )
    item = Integration(
        type="HTTP",
        uri="http://${stageVariables.backend}/echo/items/{id}",
        http_method="GET",
        request_parameters={
            "integration.request.path.id": "method.request.path.id",
            "integration.request.header.X-Lit": "'literal value'",
            "integration.request.header.X-From": "method.request.header.X-In",
            "integration.request.querystring.q": "method.request.querystring.q",
        },
        responses={
            "default": {
                "statusCode": "200",
                "responseParameters": {
                    "method.response.header.X-Backend": "integration.response.header.X-Backend"
                },
                "responseTemplates": {
                    "application/json": (
                        "{\"path\": $input.json('$.path'), \"query\": $input.json('$.query'),"
                        " \"headers\": $input.json('$.headers')}"
                    )
                },
            }
        },
    )
    status = Integration(
        type="HTTP",
        uri="http://${stageVariables.backend}/status/{code}",
        http_method="GET",
        request_parameters={"integration.request.path.code": "method.request.path.code"},
        responses={
            "default": {"statusCode": "200"},
            "4\\d{2}": {
                "statusCode": "400",
                "responseTemplates": {"application/json": '{"failed": "$input.path(\'$.reason\')"}'},
            },
        },
    )
    ok = {"200": MethodResponse("200"), "400": MethodResponse("400")}
    return RestApi(
        logical_id="Api",
        id="http123456",
        name="Http",
        resources=(
            Resource(id="root01", path="/"),
            Resource(id="proxy1", path="/{proxy+}", methods={"ANY": Method("ANY", proxy)}),
            Resource(id="items1", path="/items"),
            Resource(
                id="item01", path="/items/{id}", methods={"GET": Method("GET", item, method_responses=ok)}
            ),
            Resource(id="stat01", path="/status"),
            Resource(
                id="stat02",
                path="/status/{code}",
                methods={"GET": Method("GET", status, method_responses=ok)},
            ),
            Resource(
                id="slow01",
                path="/slow",
                methods={
                    "GET": Method(
                        "GET",
                        Integration(
                            type="HTTP_PROXY", uri=f"http://{backend}/slow", http_method="GET", timeout_ms=200
                        ),
                    )
                },
            ),
            Resource(
                id="down01",
                path="/down",
                methods={
                    "GET": Method(
                        "GET",
                        Integration(
                            type="HTTP_PROXY", uri=f"http://127.0.0.1:{closed_port}/", http_method="GET"
                        ),
                    )
                },
            ),
        ),
        stages={"dev": Stage(name="dev", deployment_id="dep001", variables={"backend": backend})},
    )


class _Served:
    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        return raw_request(self.port, method, target, headers, body)


@pytest.fixture(scope="module")
def served() -> Iterator[_Served]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box: dict[str, int] = {}

    async def main() -> None:
        app = web.Application()
        app.router.add_route("*", "/echo/{tail:.*}", _echo)
        app.router.add_get("/status/{code}", _status)
        app.router.add_get("/slow", _slow)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        backend_port = runner.addresses[0][1]
        gateway = Gateway(
            [_api(f"127.0.0.1:{backend_port}", free_port())], _NoLambda(), account_id="123456789012"
        )
        server = GatewayServer(gateway, "127.0.0.1", 0)
        await server.start()
        box["port"] = server.port
        ready.set()
        await stop.wait()
        await server.close()
        await gateway.close()
        await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(30)
    yield _Served(box["port"])
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)


def _header(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name.lower()]


def test_http_proxy_passes_method_path_query_headers_and_body(served):
    status, headers, body = served.request(
        "POST",
        "/dev/a/b%20c/?x=1&x=2",
        [("Content-Type", "text/plain"), ("X-Custom", "v"), ("Connection", "keep-alive")],
        b"hello",
    )
    assert status == 200
    sent = json.loads(body)
    assert sent["method"] == "POST"
    # `{proxy}` takes the greedy value as the client sent it (reference 1.8: trailing slash stripped).
    assert sent["path"] == "/echo/a/b%20c"
    assert sent["query"] == "x=1&x=2"
    assert sent["body"] == "hello"
    names = {name.lower(): value for name, value in sent["headers"]}
    assert names["x-custom"] == "v" and names["content-type"] == "text/plain"
    assert names["x-stage"] == "dev"  # integration.request.header.X-Stage <- context.stage
    assert names["host"] == served_backend_host(names)
    assert names["x-amzn-trace-id"].startswith("Root=1-")


def served_backend_host(names: dict[str, str]) -> str:
    """The endpoint's own Host (127.0.0.1:<backend port>), never the gateway's."""
    assert names["host"].startswith("127.0.0.1:")
    return names["host"]


def test_http_proxy_returns_the_backends_status_headers_and_body(served):
    status, headers, body = served.request("GET", "/dev/anything")
    assert status == 200
    assert _header(headers, "X-Backend") == ["yes"]
    assert _header(headers, "Set-Cookie") == ["a=1"]
    assert _header(headers, "Content-Type") == ["application/json; charset=utf-8"]
    # Reserved headers are renamed, as for the Lambda proxy (reference 2.6).
    assert _header(headers, "x-amzn-Remapped-Server")
    assert _header(headers, "x-amzn-Remapped-Date")
    assert _header(headers, "x-amzn-Remapped-Content-Length") == [str(len(body))]
    assert _header(headers, "x-amzn-RequestId")


def test_http_maps_path_query_and_headers_and_renders_the_response(served):
    status, headers, body = served.request("GET", "/dev/items/42?q=a%20b&other=1", [("X-In", "from client")])
    assert status == 200
    # Only mapped query parameters reach a non-proxy endpoint.
    document = json.loads(body)
    assert (document["path"], document["query"]) == ("/echo/items/42", "q=a%20b")
    assert _header(headers, "X-Backend") == ["yes"]
    assert _header(headers, "Content-Type") == ["application/json"]


def test_http_sends_mapped_and_literal_headers(served):
    status, _, body = served.request("GET", "/dev/items/7", [("X-In", "abc"), ("X-Not-Mapped", "no")])
    assert status == 200
    sent = {name.lower(): value for name, value in json.loads(body)["headers"]}
    assert sent["x-lit"] == "literal value" and sent["x-from"] == "abc"
    assert "x-not-mapped" not in sent
    assert sent["user-agent"] == "AmazonAPIGateway_http123456"


def test_http_selection_pattern_matches_the_backend_status(served):
    assert served.request("GET", "/dev/status/200")[::2] == (200, b'{"code": 200, "reason": "from backend"}')
    status, _, body = served.request("GET", "/dev/status/404")
    assert (status, body) == (400, b'{"failed": "from backend"}')
    # 500 matches no pattern: the default response (200) passes the backend body through.
    status, _, body = served.request("GET", "/dev/status/500")
    assert (status, json.loads(body)) == (200, {"code": 500, "reason": "from backend"})


def test_the_integration_timeout_is_a_504(served):
    status, headers, body = served.request("GET", "/dev/slow")
    assert (status, body) == (504, b'{"message": "Endpoint request timed out"}')
    assert _header(headers, "x-amzn-ErrorType") == ["InternalServerErrorException"]


def test_an_unreachable_endpoint_is_a_500(served):
    status, headers, body = served.request("GET", "/dev/down")
    assert (status, body) == (500, b'{"message": "Internal server error"}')
    assert _header(headers, "x-amzn-ErrorType") == ["InternalServerErrorException"]
    assert _header(headers, "Content-Type") == ["application/json"]
