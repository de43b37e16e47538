"""Customised gateway responses over real HTTP.

Facts: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html
(DEFAULT_4XX/DEFAULT_5XX fallbacks, reference apigateway-lambda.md 4.5),
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-gateway-responses.responseTemplates.html
(templates: simple substitution, the doc's own example renders `$context.error.responseType` unquoted).
"""

from __future__ import annotations

import asyncio
import http.client
import threading
from collections.abc import Iterator

import pytest

from serverlite.gateway.gateway import Gateway
from serverlite.gateway.server import GatewayServer
from serverlite.template.model import (
    GatewayResponseSetting,
    Integration,
    Method,
    MethodResponse,
    Resource,
    RestApi,
    Stage,
)


class _NoLambda:
    async def invoke(
        self, function: str, event: bytes, *, trace_id: str | None = None, throttle: bool = False
    ):  # pragma: no cover
        raise AssertionError("no Lambda here")


MOCK_OK = {"default": {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}}}


def _mock(template: str | None, passthrough: str = "WHEN_NO_MATCH", **extra: object) -> Method:
    integration = Integration(
        type="MOCK",
        request_templates={"application/json": template} if template else {},
        passthrough_behavior=passthrough,
        responses=MOCK_OK,
    )
    return Method("GET", integration, method_responses={"200": MethodResponse("200")}, **extra)  # type: ignore[arg-type]


CUSTOM = {
    "MISSING_AUTHENTICATION_TOKEN": GatewayResponseSetting(
        "MISSING_AUTHENTICATION_TOKEN",
        status_code="404",
        response_parameters={
            "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
            "gatewayresponse.header.X-Req": "method.request.header.X-Req",
            "gatewayresponse.header.X-Color": "stageVariables.color",
        },
        response_templates={
            "application/json": (
                '{"error": $context.error.messageString, "type": $context.error.responseType,'
                ' "message": "$context.error.message", "stage": "$context.stage", "color": "$stageVariables.color",'
                ' "missing": "$context.nothing.here"}'
            ),
            "text/plain": "no route for $context.httpMethod $context.path",
        },
    ),
    "DEFAULT_4XX": GatewayResponseSetting(
        "DEFAULT_4XX", response_parameters={"gatewayresponse.header.X-Default": "'4xx'"}
    ),
    "DEFAULT_5XX": GatewayResponseSetting(
        "DEFAULT_5XX",
        status_code="503",
        response_parameters={"gatewayresponse.header.X-Id": "method.request.path.id"},
        response_templates={
            "application/json": '{"oops": "$context.error.message", "id": "$context.requestId"}'
        },
    ),
}

API = RestApi(
    logical_id="Api",
    id="gwr1234567",
    name="Custom",
    resources=(
        Resource(id="root01", path="/"),
        Resource(id="never1", path="/never", methods={"GET": _mock(None, passthrough="NEVER")}),
        Resource(id="items1", path="/items"),
        Resource(id="item01", path="/items/{id}", methods={"GET": _mock('{"no": "status"}')}),
        Resource(
            id="keyed1", path="/keyed", methods={"GET": _mock('{"statusCode": 200}', api_key_required=True)}
        ),
    ),
    stages={"dev": Stage(name="dev", deployment_id="dep001", variables={"color": "green"})},
    gateway_responses=CUSTOM,
)
PLAIN = RestApi(
    logical_id="Plain",
    id="plain12345",
    name="Plain",
    resources=(Resource(id="root02", path="/"),),
    stages={"plain": Stage(name="plain", deployment_id="dep002")},
)


def _request(port: int, method: str, target: str, headers: list[tuple[str, str]] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest(method, target, skip_accept_encoding=True)
    for name, value in headers or []:
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box: dict[str, int] = {}

    async def main() -> None:
        gateway = Gateway([API, PLAIN], _NoLambda(), account_id="123456789012")
        server = GatewayServer(gateway, "127.0.0.1", 0)
        await server.start()
        box["port"] = server.port
        ready.set()
        await stop.wait()
        await server.close()
        await gateway.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(30)
    yield box["port"]
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)


def test_a_customised_type_overrides_status_headers_and_body(port):
    status, headers, body = _request(port, "GET", "/dev/nowhere", [("X-Req", "abc")])
    assert status == 404
    assert body == (
        b'{"error": "Missing Authentication Token", "type": MISSING_AUTHENTICATION_TOKEN,'
        b' "message": "Missing Authentication Token", "stage": "dev", "color": "green", "missing": ""}'
    )
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["X-Req"] == "abc"
    assert headers["X-Color"] == "green"
    assert headers["Content-Type"] == "application/json"
    assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert "x-amzn-RequestId" in headers


def test_the_accept_header_selects_the_template(port):
    status, headers, body = _request(port, "POST", "/dev/nowhere", [("Accept", "text/plain")])
    assert (status, body) == (404, b"no route for POST /dev/nowhere")
    assert headers["Content-Type"] == "text/plain"
    assert "X-Req" not in headers  # a header whose source is absent is left out


def test_default_4xx_applies_to_uncustomised_client_errors(port):
    """UNSUPPORTED_MEDIA_TYPE (415) is not customised: DEFAULT_4XX adds its header, body and status stay."""
    status, headers, body = _request(port, "GET", "/dev/never")
    assert (status, body) == (415, b'{"message":"Unsupported Media Type"}')
    assert headers["X-Default"] == "4xx"
    assert headers["x-amzn-ErrorType"] == "BadRequestException"


def test_default_4xx_applies_to_access_errors(port):
    """INVALID_API_KEY (403 Forbidden) from access control goes through the same gateway responses."""
    status, headers, body = _request(port, "GET", "/dev/keyed")
    assert (status, body) == (403, b'{"message":"Forbidden"}')
    assert headers["X-Default"] == "4xx"


def test_default_5xx_changes_the_status_of_server_errors(port):
    """A MOCK without statusCode is an API_CONFIGURATION_ERROR (500): DEFAULT_5XX says 503 and renders."""
    status, headers, body = _request(port, "GET", "/dev/items/9")
    assert status == 503
    assert body.startswith(b'{"oops": "Internal server error", "id": "')
    assert headers["X-Id"] == "9"
    assert headers["x-amzn-ErrorType"] == "InternalServerErrorException"


def test_an_api_without_customisations_answers_the_built_in_response(port):
    status, headers, body = _request(port, "GET", "/plain/nowhere")
    assert (status, body) == (403, b'{"message":"Missing Authentication Token"}')
    assert "X-Default" not in headers
