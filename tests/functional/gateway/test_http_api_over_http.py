"""HTTP APIs over real HTTP with real workers: payload 2.0 and 1.0 events, responses and errors as clients see
them, REST and HTTP APIs side by side on one port.

Expected values: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
(events, 2.0 inference), https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
(404 `{"message":"Not Found"}`), and the error bodies cited in src/serverlite/gateway/v2/errors.py (500
`{"message":"Internal Server Error"}`, 503 `{"message":"Service Unavailable"}`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from serverlite.gateway.front import GatewayFront
from serverlite.gateway.gateway import Gateway
from serverlite.gateway.v2.gateway import HttpGateway
from serverlite.template.model import (
    HttpApi,
    HttpIntegration,
    HttpStage,
    Integration,
    Method,
    Resource,
    RestApi,
    Route,
    Stage,
)

from ..conftest import make_function
from .serving import Served, serve

HANDLERS = Path(__file__).parent / "http_api_functions"
FUNCTIONS = [
    dataclasses.replace(make_function(f"handlers.{name}", name=name.title()), code_dir=HANDLERS, timeout=5)
    for name in ("echo", "scripted", "fail", "sleep")
]


def _route(key: str, function: str, version: str = "2.0", timeout_ms: int = 30000) -> Route:
    return Route(
        key,
        HttpIntegration(
            "AWS_PROXY", function=function, payload_format_version=version, timeout_ms=timeout_ms
        ),
    )


HTTP_API = HttpApi(
    logical_id="Http",
    id="httpapi001",
    name="http",
    routes=(
        _route("GET /echo/{id}", "Echo"),
        _route("ANY /v1/{proxy+}", "Echo", "1.0"),
        _route("POST /scripted", "Scripted"),
        _route("POST /scripted1", "Scripted", "1.0"),
        _route("GET /fail", "Fail"),
        _route("GET /slow", "Sleep", timeout_ms=300),
        _route("$default", "Echo"),
    ),
    stages={"$default": HttpStage("$default")},
)
STAGED_API = HttpApi(
    logical_id="Staged",
    id="staged0001",
    name="staged",
    routes=(_route("GET /items", "Echo"),),
    stages={"dev": HttpStage("dev", variables={"table": "items"})},
)
REST_API = RestApi(
    logical_id="Rest",
    id="restapi001",
    name="rest",
    resources=(
        Resource(id="root01", path="/"),
        Resource("echo01", "/echo", {"GET": Method("GET", Integration("AWS_PROXY", function="Echo"))}),
    ),
    stages={"Prod": Stage("Prod", "dep001")},
)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    def front(apis, service):
        rest = Gateway(apis, service, account_id="123456789012")
        return GatewayFront(rest, HttpGateway([HTTP_API, STAGED_API], service, account_id="123456789012"))

    with serve([REST_API], FUNCTIONS, tmp_path_factory.mktemp("http-api"), make_gateway=front) as running:
        yield running


def test_payload_2_0_event_over_http(served):
    status, headers, body = served.request(
        "GET",
        "/echo/a%20b?q=1&q=2&r=x%2By",
        [("X-Multi", "one"), ("X-Multi", "two"), ("Cookie", "a=1; b=2"), ("User-Agent", "tester/1")],
    )
    assert status == 200
    event = json.loads(body)
    assert (event["version"], event["routeKey"], event["rawPath"]) == ("2.0", "GET /echo/{id}", "/echo/a%20b")
    assert event["rawQueryString"] == "q=1&q=2&r=x%2By"
    assert event["queryStringParameters"] == {"q": "1,2", "r": "x+y"}
    assert event["pathParameters"] == {"id": "a b"}
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["headers"]["x-multi"] == "one,two" and "cookie" not in event["headers"]
    assert (
        event["headers"]["host"] == f"127.0.0.1:{served.port}" and event["headers"]["content-length"] == "0"
    )
    assert "body" not in event and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"] == {
        "method": "GET",
        "path": "/echo/a%20b",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "tester/1",
    }
    assert (context["apiId"], context["stage"], context["routeKey"]) == (
        "httpapi001",
        "$default",
        "GET /echo/{id}",
    )
    # The request id is the `apigw-requestid` response header; HTTP APIs send no x-amzn-RequestId.
    assert headers["apigw-requestid"] == context["requestId"] and len(context["requestId"]) == 16
    assert "x-amzn-RequestId" not in headers and "X-Amzn-Trace-Id" not in headers


def test_a_named_stage_keeps_its_prefix_and_variables(served):
    status, _, body = served.request("GET", "/dev/items")
    event = json.loads(body)
    assert status == 200
    assert (event["rawPath"], event["requestContext"]["stage"]) == ("/dev/items", "dev")
    assert event["stageVariables"] == {"table": "items"}
    status, headers, body = served.request("GET", "/dev/other")
    assert (status, body, headers["Content-Type"]) == (404, b'{"message":"Not Found"}', "application/json")
    assert "x-amzn-ErrorType" not in headers and len(headers["apigw-requestid"]) == 16


def test_the_default_route_and_rest_apis_share_the_port(served):
    status, _, body = served.request("DELETE", "/anything/else")
    assert status == 200 and json.loads(body)["routeKey"] == "$default"
    status, _, body = served.request("GET", "/Prod/echo")
    assert status == 200 and json.loads(body)["resource"] == "/echo"  # the REST API's event


def test_payload_1_0_event_and_response(served):
    status, headers, body = served.request("PUT", "/v1/a/b?x=1&x=2", [("X-A", "1")], b'{"k": "v"}')
    event = json.loads(body)
    assert status == 200
    assert (event["version"], event["resource"], event["path"], event["httpMethod"]) == (
        "1.0",
        "/v1/{proxy+}",
        "/v1/a/b",
        "PUT",
    )
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["queryStringParameters"] == {"x": "2"} and event["multiValueQueryStringParameters"] == {
        "x": ["1", "2"]
    }
    assert event["headers"]["x-a"] == "1" and event["multiValueHeaders"]["x-a"] == ["1"]
    assert event["requestContext"]["resourceId"] is None and event["requestContext"]["stage"] == "$default"
    assert event["body"] == "eyJrIjogInYifQ==" and event["isBase64Encoded"] is True  # no text Content-Type


@pytest.mark.parametrize(
    ("answer", "status", "content_type", "body"),
    [
        ("Hello, world!", 200, "application/json", b'"Hello, world!"'),
        ({"message": "hi"}, 200, "application/json", b'{"message": "hi"}'),
        ({"statusCode": 201, "body": "made"}, 201, "text/plain; charset=utf-8", b"made"),
        (
            {"statusCode": 200, "body": "aGk=", "isBase64Encoded": True, "headers": {"content-type": "x/y"}},
            200,
            "x/y",
            b"hi",
        ),
        ({"statusCode": "nope"}, 500, "application/json", b'{"message":"Internal Server Error"}'),
    ],
)
def test_payload_2_0_responses(served, answer, status, content_type, body):
    got_status, headers, got_body = served.request(
        "POST", "/scripted", [("Content-Type", "application/json")], json.dumps({"answer": answer}).encode()
    )
    lowered = {name.lower(): value for name, value in headers.items()}
    assert (got_status, lowered["content-type"], got_body) == (status, content_type, body)


def test_cookies_become_set_cookie_headers(served):
    answer = {"statusCode": 200, "cookies": ["a=1; Path=/", "b=2"], "body": ""}
    status, headers, _ = served.raw(
        "POST", "/scripted", [("Content-Type", "application/json")], json.dumps({"answer": answer}).encode()
    )
    assert status == 200 and [value for name, value in headers if name == "Set-Cookie"] == [
        "a=1; Path=/",
        "b=2",
    ]


def test_payload_1_0_responses_keep_the_proxy_contract(served):
    answer = {"statusCode": 202, "multiValueHeaders": {"X-Many": ["a", "b"]}, "body": "ok"}
    status, headers, body = served.raw(
        "POST", "/scripted1", [("Content-Type", "application/json")], json.dumps({"answer": answer}).encode()
    )
    assert (status, body) == (202, b"ok")
    assert [value for name, value in headers if name == "X-Many"] == ["a", "b"]
    bad = json.dumps({"answer": {"statusCode": 200, "extra": 1}}).encode()
    assert served.request("POST", "/scripted1", [("Content-Type", "application/json")], bad)[2] == (
        b'{"message":"Internal Server Error"}'
    )


def test_function_error_is_500(served):
    status, headers, body = served.request("GET", "/fail")
    assert (status, body, headers["Content-Type"]) == (
        500,
        b'{"message":"Internal Server Error"}',
        "application/json",
    )


def test_integration_timeout_is_503(served):
    status, _, body = served.request("GET", "/slow")
    assert (status, body) == (503, b'{"message":"Service Unavailable"}')
