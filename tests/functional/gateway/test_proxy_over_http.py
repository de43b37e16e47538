"""The gateway over real HTTP, with real workers behind it: events, responses and errors as clients see them."""

from __future__ import annotations

import http.client
import json
import re
import uuid
from collections.abc import Iterator

import pytest

from serverlite.template.model import Integration, Method, Resource, RestApi, Stage

from ..conftest import make_function
from .serving import Served, serve

FUNCTIONS = [
    make_function("handlers.echo", name="Echo"),
    make_function("handlers.raw", name="Raw"),
    make_function("handlers.fail", name="Fail"),
    make_function("handlers.slow_proxy", name="Slow", timeout=5),
    make_function("handlers.sleep", name="Sleep", timeout=1),
    make_function("handlers.nap", name="Nap", timeout=3),
    make_function("handlers.nap", name="Single", timeout=3, reserved_concurrency=1),
]


def _method(name: str, function: str, timeout_ms: int = 29000) -> Method:
    return Method(name, Integration(type="AWS_PROXY", function=function, timeout_ms=timeout_ms))


API = RestApi(
    logical_id="Api",
    id="abc123defg",
    name="TestApi",
    resources=(
        Resource(id="root01", path="/"),
        Resource(id="echo01", path="/echo", methods={"ANY": _method("ANY", "Echo")}),
        Resource(id="echo02", path="/echo/{id}", methods={"GET": _method("GET", "Echo")}),
        Resource(id="raw001", path="/raw", methods={"POST": _method("POST", "Raw")}),
        Resource(id="fail01", path="/fail", methods={"GET": _method("GET", "Fail")}),
        Resource(id="slow01", path="/slow", methods={"GET": _method("GET", "Slow", timeout_ms=500)}),
        Resource(id="sleep1", path="/sleep", methods={"GET": _method("GET", "Sleep")}),
        Resource(id="nap001", path="/nap", methods={"GET": _method("GET", "Nap")}),
        Resource(id="single", path="/single", methods={"GET": _method("GET", "Single")}),
    ),
    stages={"Test": Stage(name="Test", deployment_id="dep001", variables={"color": "blue"})},
)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    with serve([API], FUNCTIONS, tmp_path_factory.mktemp("gateway-data")) as running:
        yield running


def test_event_reaches_the_function_with_headers_as_sent(served):
    status, headers, body = served.request(
        "PUT", "/Test/echo?a=1&a=2", [("tEsT-HEADeR", "x"), ("content-type", "application/json")], b'{"n": 1}'
    )
    assert status == 200
    event = json.loads(body)["event"]
    assert event["resource"] == "/echo" and event["path"] == "/echo" and event["httpMethod"] == "PUT"
    assert event["headers"]["tEsT-HEADeR"] == "x"
    assert event["headers"]["Host"] == f"127.0.0.1:{served.port}"
    assert "Content-Length" not in event["headers"]
    assert event["queryStringParameters"] == {"a": "2"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert event["pathParameters"] is None
    assert event["stageVariables"] == {"color": "blue"}
    assert event["body"] == '{"n": 1}' and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["path"] == "/Test/echo" and context["stage"] == "Test" and context["apiId"] == "abc123defg"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"] == headers["x-amzn-RequestId"]
    assert context["extendedRequestId"] == headers["x-amz-apigw-id"]
    assert re.fullmatch(r"\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000", context["requestTime"])
    assert uuid.UUID(headers["x-amzn-RequestId"])
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Amzn-Trace-Id"].startswith("Root=1-")


def test_path_parameters_are_not_decoded(served):
    status, _, body = served.request("GET", "/Test/echo/a%2Bb")
    event = json.loads(body)["event"]
    assert status == 200 and event["pathParameters"] == {"id": "a%2Bb"} and event["resource"] == "/echo/{id}"


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("GET", "/Test/nothing"),
        ("DELETE", "/Test/fail"),
        ("GET", "/Prod/echo"),
        ("GET", "/"),
        ("GET", "/Test"),
    ],
)
def test_unknown_route_is_missing_authentication_token(served, method, target):
    status, headers, body = served.request(method, target)
    assert status == 403
    assert body == b'{"message":"Missing Authentication Token"}'
    assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert headers["Content-Type"] == "application/json"
    assert uuid.UUID(headers["x-amzn-RequestId"]) and len(headers["x-amz-apigw-id"]) == 16
    assert "X-Amzn-Trace-Id" not in headers


def test_function_error_is_502(served):
    status, headers, body = served.request("GET", "/Test/fail")
    assert (status, body) == (502, b'{"message": "Internal server error"}')
    assert headers["x-amzn-ErrorType"] == "InternalServerErrorException"


def test_lambda_timeout_is_502(served):
    status, _, body = served.request("GET", "/Test/sleep")
    assert (status, body) == (502, b'{"message": "Internal server error"}')


def test_integration_timeout_is_504(served):
    status, headers, body = served.request("GET", "/Test/slow")
    assert (status, body) == (504, b'{"message": "Endpoint request timed out"}')
    assert headers["x-amzn-ErrorType"] == "InternalServerErrorException"


@pytest.mark.parametrize(
    ("result", "status", "body"),
    [
        ({"statusCode": 201, "body": "made"}, 201, b"made"),
        ({"statusCode": 200, "extra": 1}, 502, b'{"message": "Internal server error"}'),
        ({"statusCode": "nope"}, 502, b'{"message": "Internal server error"}'),
        ("text", 502, b'{"message": "Internal server error"}'),
    ],
)
def test_proxy_result_validation(served, result, status, body):
    got_status, _, got_body = served.request(
        "POST", "/Test/raw", [("Content-Type", "application/json")], json.dumps({"result": result}).encode()
    )
    assert (got_status, got_body) == (status, body)


def test_response_headers_from_the_function(served):
    result = {
        "statusCode": 200,
        "headers": {"X-One": "1", "Content-Type": "text/plain"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        "body": "hi",
    }
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    conn.request("POST", "/Test/raw", body=json.dumps({"result": result}))
    response = conn.getresponse()
    assert response.read() == b"hi"
    assert response.getheader("X-One") == "1"
    assert response.getheader("Content-Type") == "text/plain"
    assert [v for k, v in response.getheaders() if k == "Set-Cookie"] == ["a=1", "b=2"]
    conn.close()


def test_keep_alive_connection_serves_many_requests(served):
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    for i in range(20):
        conn.request("GET", f"/Test/echo/{i}")
        response = conn.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["event"]["pathParameters"] == {"id": str(i)}
    conn.close()


def test_sixteen_concurrent_requests_run_in_parallel(served):
    """Issue 5: 16 concurrent requests to a function that sleeps 0.5 s all succeed, side by side.

    Issue 14: no fixed-seconds bound. The first round starts 16 environments (cold starts take what a
    loaded machine gives them); the second, on those warm environments, must take less than half of what
    the same 16 requests take one after another, measured in this run. The 1.5 s goal is a speed goal,
    measured (not asserted) by benchmarks/concurrency.py."""
    import concurrent.futures
    import time

    def sixteen_at_once():
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda _: served.request("GET", "/Test/nap"), range(16)))
        return results, time.monotonic() - started

    cold, _ = sixteen_at_once()
    assert [status for status, _, _ in cold] == [200] * 16
    assert len({body for _, _, body in cold}) == 16  # sixteen execution environments
    warm, parallel = sixteen_at_once()
    assert [status for status, _, _ in warm] == [200] * 16
    started = time.monotonic()
    for _ in range(4):  # a quarter of the serial run, times four
        assert served.request("GET", "/Test/nap")[0] == 200
    serial = (time.monotonic() - started) * 4
    assert parallel < serial / 2, f"16 in parallel took {parallel:.2f} s, one after another {serial:.2f} s"


def test_lambda_throttle_is_a_500(served):
    """Reference 2.5, "Lambda throttled (429 from Lambda)": the client gets 500 Internal server error."""
    import concurrent.futures
    import time

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(served.request, "GET", "/Test/single")
        time.sleep(0.25)
        second = pool.submit(served.request, "GET", "/Test/single")
        # On a loaded machine the second may reach the gateway first: whichever comes second is refused.
        results = sorted([first.result(), second.result()], key=lambda result: result[0])
    assert results[0][0] == 200
    status, headers, body = results[1]
    assert (status, body) == (500, b'{"message": "Internal server error"}')
    assert headers["x-amzn-ErrorType"] == "InternalServerErrorException"
