"""Golden tests: the rows of the tables of reference apigateway-lambda.md sections 1 to 4 that no other
HTTP-level test covers, one real HTTP request each, compared key by key.

Rows already covered elsewhere (not repeated here):
* 1.1 `resource`/`path`/`httpMethod`/`queryStringParameters`/`multiValueQueryStringParameters`/`stageVariables`/
  `body` of a POST, 1.2 `path`/`stage`/`apiId`/`requestId`/`extendedRequestId`/`requestTime`:
  test_proxy_over_http.py::test_event_reaches_the_function_with_headers_as_sent; 1.1 `pathParameters`
  not decoded: ::test_path_parameters_are_not_decoded.
* 2.2 `statusCode` 201 / extra key / `"test"` / not an object: ::test_proxy_result_validation; function
  raised: ::test_function_error_is_502. 2.5 malformed, raised, Lambda timeout, integration timeout:
  test_proxy_over_http.py.
* 3.1 passthrough table: (none, WHEN_NO_MATCH), (none, NEVER), (some+match, WHEN_NO_TEMPLATES),
  (some+no match, WHEN_NO_MATCH), (some+no match, WHEN_NO_TEMPLATES): test_non_proxy_over_http.py.
* 4.1 routing 403: test_proxy_over_http.py::test_unknown_route_is_missing_authentication_token.

Not testable locally: 2.5 "API Gateway lacks permission to invoke Lambda" (serverlite has no IAM between
the gateway and its functions) and 4.5 AUTHORIZER_FAILURE, EXPIRED_TOKEN, INTEGRATION_FAILURE,
RESOURCE_NOT_FOUND, WAF_FILTERED (no local cause produces them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from serverlite.gateway.gateway import MAX_PAYLOAD_BYTES
from serverlite.template.model import (
    GatewayResponseSetting,
    Integration,
    Method,
    MethodResponse,
    RequestValidator,
    Resource,
    RestApi,
    Stage,
)

from ..conftest import make_function
from .serving import raw_request, serve

FUNCTIONS = [
    make_function("handlers.echo", name="Echo"),
    make_function("handlers.raw", name="Raw"),
    make_function("handlers.slow_proxy", name="Slow", timeout=5),
]
OK = {"200": MethodResponse("200")}


def _proxy(name: str, function: str, timeout_ms: int = 29000, **extra: object) -> Method:
    integration = Integration(type="AWS_PROXY", function=function, timeout_ms=timeout_ms)
    return Method(name, integration, **extra)  # type: ignore[arg-type]


def _identity(templates: dict[str, str] | None, passthrough: str) -> Method:
    """A Lambda custom integration whose function returns its event (handlers.raw of `{"result": event}`)."""
    integration = Integration(
        type="AWS",
        function="Raw",
        passthrough_behavior=passthrough,
        request_templates=templates or {},
        responses={"default": {"statusCode": "200"}},
    )
    return Method("POST", integration, method_responses=OK)


WRAP = {"application/json": '{"result": {"templated": $input.json(\'$\')}}'}


def _mock(template: str | None, passthrough: str = "WHEN_NO_MATCH", **extra: object) -> Method:
    integration = Integration(
        type="MOCK",
        request_templates={"application/json": template} if template else {},
        passthrough_behavior=passthrough,
        responses={"default": {"statusCode": "200"}},
    )
    return Method("GET", integration, method_responses=OK, **extra)  # type: ignore[arg-type]


TYPES = [
    "MISSING_AUTHENTICATION_TOKEN",
    "UNSUPPORTED_MEDIA_TYPE",
    "BAD_REQUEST_PARAMETERS",
    "BAD_REQUEST_BODY",
    "REQUEST_TOO_LARGE",
    "INTEGRATION_TIMEOUT",
    "API_CONFIGURATION_ERROR",
    "INVALID_API_KEY",
    "ACCESS_DENIED",
]
# Every type renders its own name and keeps its default status: the 4.5 table is read back from the wire.
TYPED = {
    kind: GatewayResponseSetting(
        kind, response_templates={"application/json": '{"type":"$context.error.responseType"}'}
    )
    for kind in TYPES
}

VALIDATED = {
    "v1": RequestValidator("v1", "all", validate_request_body=True, validate_request_parameters=True)
}
MAIN = RestApi(
    logical_id="Api",
    id="ref1234567",
    name="Reference",
    resources=(
        Resource(id="root01", path="/", methods={"GET": _proxy("GET", "Echo")}),
        Resource(id="echo01", path="/echo", methods={"ANY": _proxy("ANY", "Echo")}),
        Resource(id="raw001", path="/raw", methods={"POST": _proxy("POST", "Raw")}),
        Resource(id="pass01", path="/pass"),
        Resource(
            id="pass02",
            path="/pass/none-when-no-templates",
            methods={"POST": _identity(None, "WHEN_NO_TEMPLATES")},
        ),
        Resource(id="pass03", path="/pass/some-never", methods={"POST": _identity(WRAP, "NEVER")}),
        Resource(
            id="pass04", path="/pass/some-when-no-match", methods={"POST": _identity(WRAP, "WHEN_NO_MATCH")}
        ),
    ),
    stages={"test": Stage(name="test", deployment_id="dep001")},
    binary_media_types=("image/png",),
)
TYPED_API = RestApi(
    logical_id="Typed",
    id="typ1234567",
    name="Typed",
    resources=(
        Resource(id="root02", path="/"),
        Resource(id="never1", path="/never", methods={"GET": _mock(None, passthrough="NEVER")}),
        Resource(
            id="param1",
            path="/params",
            methods={
                "GET": _mock(
                    '{"statusCode": 200}',
                    request_parameters={"method.request.querystring.q": True},
                    request_validator_id="v1",
                )
            },
        ),
        Resource(
            id="body01",
            path="/body",
            methods={
                "POST": Method(
                    "POST",
                    Integration(type="MOCK", responses={"default": {"statusCode": "200"}}),
                    method_responses=OK,
                    request_models={"application/json": "Named"},
                    request_validator_id="v1",
                )
            },
        ),
        Resource(id="slow01", path="/slow", methods={"GET": _proxy("GET", "Slow", timeout_ms=300)}),
        Resource(id="conf01", path="/config", methods={"GET": _mock('{"no": "status"}')}),
        Resource(
            id="keyed1", path="/keyed", methods={"GET": _mock('{"statusCode": 200}', api_key_required=True)}
        ),
        Resource(id="deny01", path="/denied", methods={"GET": _mock('{"statusCode": 200}')}),
    ),
    stages={"typed": Stage(name="typed", deployment_id="dep002")},
    models={"Named": {"type": "object", "required": ["name"]}},
    request_validators=VALIDATED,
    gateway_responses=TYPED,
    policy={
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/GET/denied",
            },
        ],
    },
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

    def event(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
    ):
        status, _, data = self.request(method, target, headers, body)
        assert status == 200, data
        return json.loads(data)["event"]

    def result(self, result: object) -> tuple[int, list[tuple[str, str]], bytes]:
        return self.request(
            "POST",
            "/test/raw",
            [("Content-Type", "application/json")],
            json.dumps({"result": result}).encode(),
        )


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[_Served]:
    with serve([MAIN, TYPED_API], FUNCTIONS, tmp_path_factory.mktemp("reference-data")) as running:
        yield _Served(running.port)


def _values(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name.lower()]


# --- 1.1 Top-level keys ---------------------------------------------------------------------------------


def test_1_1_every_top_level_key_is_present_and_no_version(served):
    """1.1: the twelve keys, always all present; no `version` (that is HTTP API payload 1.0)."""
    event = served.event("GET", "/test/echo")
    assert set(event) == {
        "resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
        "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext", "body",
        "isBase64Encoded",
    }  # fmt: skip


def test_1_1_path_keeps_the_trailing_slash_and_http_method_is_the_real_verb(served):
    """1.1 `path` (trailing slash preserved) and `httpMethod` (never `ANY`) on an `ANY` method."""
    event = served.event("PATCH", "/test/echo/", body=b"x")
    assert (event["resource"], event["path"], event["httpMethod"]) == ("/echo", "/echo/", "PATCH")


def test_1_1_headers_last_value_and_multi_value_headers_all_values(served):
    """1.1 `headers` (last occurrence wins) and `multiValueHeaders` (all values in arrival order)."""
    event = served.event("GET", "/test/echo", [("X-Rep", "one"), ("X-Rep", "two")])
    assert event["headers"]["X-Rep"] == "two"
    assert event["multiValueHeaders"]["X-Rep"] == ["one", "two"]


def test_1_1_and_1_4_absent_values_are_null(served):
    """1.1/1.4: no query -> both query maps null; no variables -> pathParameters null; stage without
    variables -> stageVariables null; GET without body -> body null, isBase64Encoded false."""
    event = served.event("GET", "/test/echo")
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert (event["body"], event["isBase64Encoded"]) == (None, False)


def test_1_1_binary_media_type_body_is_base64(served):
    """1.1 `isBase64Encoded` / 1.7: a Content-Type in binaryMediaTypes -> base64 body and true."""
    event = served.event("POST", "/test/echo", [("Content-Type", "image/png")], b"\x89PNG\x00")
    assert (event["body"], event["isBase64Encoded"]) == ("iVBORwA=", True)


def test_1_1_root_resource(served):
    """1.1 `resource`: `/` for the root."""
    event = served.event("GET", "/test/")
    assert (event["resource"], event["path"]) == ("/", "/")


# --- 1.2 requestContext -----------------------------------------------------------------------------------


def test_1_2_request_context_keys(served):
    """1.2: every key of a deployed stage's requestContext without authorizer or API key, with its rule."""
    status, headers, data = served.request(
        "POST", "/test/echo", [("Host", "ref1234567.execute-api.localhost")], b"{}"
    )
    context = json.loads(data)["event"]["requestContext"]
    assert set(context) == {
        "accountId", "apiId", "deploymentId", "domainName", "domainPrefix", "extendedRequestId", "httpMethod",
        "identity", "path", "protocol", "requestId", "requestTime", "requestTimeEpoch", "resourceId",
        "resourcePath", "stage",
    }  # fmt: skip
    assert context["accountId"] == "123456789012"
    assert context["apiId"] == "ref1234567"
    assert context["deploymentId"] == "dep001"
    assert context["domainName"] == "ref1234567.execute-api.localhost"
    assert context["domainPrefix"] == "ref1234567"
    assert context["extendedRequestId"] == _values(headers, "x-amz-apigw-id")[0]
    assert re.fullmatch(r"[A-Za-z0-9+/]{15}=", context["extendedRequestId"])
    assert context["httpMethod"] == "POST"
    assert context["path"] == "/test/echo"
    assert context["protocol"] == "HTTP/1.1"
    assert context["requestId"] == _values(headers, "x-amzn-RequestId")[0]
    assert isinstance(context["requestTimeEpoch"], int) and context["requestTimeEpoch"] > 1_600_000_000_000
    assert context["resourceId"] == "echo01"
    assert context["resourcePath"] == "/echo"
    assert context["stage"] == "test"


# --- 1.3 identity -----------------------------------------------------------------------------------------


def test_1_3_identity_of_an_anonymous_caller(served):
    identity = served.event("GET", "/test/echo", [("User-Agent", "curl/8.1.2")])["requestContext"]["identity"]
    assert identity == {
        "accessKey": None, "accountId": None, "caller": None, "cognitoAuthenticationProvider": None,
        "cognitoAuthenticationType": None, "cognitoIdentityId": None, "cognitoIdentityPoolId": None,
        "principalOrgId": None, "sourceIp": "127.0.0.1", "user": None, "userAgent": "curl/8.1.2", "userArn": None,
    }  # fmt: skip


# --- 2.2 Validation outcomes ------------------------------------------------------------------------------


def test_2_2_status_only_is_an_empty_json_response(served):
    """2.2 row `{"statusCode": 200}`: empty body, Content-Type application/json, Content-Length 0."""
    status, headers, body = served.result({"statusCode": 200})
    assert (status, body) == (200, b"")
    assert _values(headers, "Content-Type") == ["application/json"]
    assert _values(headers, "Content-Length") == ["0"]


def test_2_2_bool_header_values_are_rendered(served):
    status, headers, _ = served.result({"statusCode": 200, "headers": {"h": "v", "b": True, "f": False}})
    assert status == 200
    assert (_values(headers, "h"), _values(headers, "b"), _values(headers, "f")) == (
        ["v"],
        ["true"],
        ["false"],
    )


@pytest.mark.parametrize(
    ("row", "result", "status"),
    [
        ("headers null", {"statusCode": 200, "headers": None}, 200),
        ("numeric string status", {"statusCode": "201"}, 201),
        ("no statusCode", {"headers": {"X-A": "1"}}, 200),
        ("multiValueHeaders value not a list", {"statusCode": 200, "multiValueHeaders": {"x": "v1"}}, 502),
    ],
)
def test_2_2_rows(served, row, result, status):
    got, headers, body = served.result(result)
    assert got == status, row
    if status == 502:
        assert body == b'{"message": "Internal server error"}'
        assert _values(headers, "x-amzn-ErrorType") == ["InternalServerErrorException"]


def test_2_2_base64_without_binary_media_types_is_returned_as_text(served):
    """2.2 last-but-one row: `isBase64Encoded: true` and no matching Accept -> the literal base64 text."""
    status, _, body = served.result({"statusCode": 200, "body": "dGVzdA==", "isBase64Encoded": True})
    assert (status, body) == (200, b"dGVzdA==")


def test_2_4_base64_is_decoded_when_accept_matches_binary_media_types(served):
    status, _, body = served.request(
        "POST",
        "/test/raw",
        [("Content-Type", "application/json"), ("Accept", "image/png")],
        json.dumps({"result": {"statusCode": 200, "body": "dGVzdA==", "isBase64Encoded": True}}).encode(),
    )
    assert (status, body) == (200, b"test")


# --- 2.5 / 2.6 ----------------------------------------------------------------------------------------------


def test_2_6_reserved_response_headers_are_remapped(served):
    """2.6: Connection, Content-Length, Date, Server set by the function -> `x-amzn-Remapped-<Name>`."""
    result = {"statusCode": 200, "headers": {"Server": "mine", "Date": "yesterday", "X-Ok": "1"}, "body": "b"}
    status, headers, _ = served.result(result)
    assert status == 200
    assert _values(headers, "x-amzn-Remapped-Server") == ["mine"]
    assert _values(headers, "x-amzn-Remapped-Date") == ["yesterday"]
    assert _values(headers, "X-Ok") == ["1"]


# --- 3.1 Passthrough table: the cells not covered in test_non_proxy_over_http.py ----------------------------


@pytest.mark.parametrize(
    ("row", "path", "content_type", "expected"),
    [
        ("none / WHEN_NO_TEMPLATES: pass through", "none-when-no-templates", "text/plain", (200, {"x": 1})),
        ("some, has one / NEVER: transform", "some-never", "application/json", (200, {"templated": {"result": {"x": 1}}})),
        ("some, none for it / NEVER: 415", "some-never", "text/plain", (415, {"message": "Unsupported Media Type"})),
        ("some, has one / WHEN_NO_MATCH: transform", "some-when-no-match", "application/json",
         (200, {"templated": {"result": {"x": 1}}})),
    ],
)  # fmt: skip
def test_3_1_passthrough_cells(served, row, path, content_type, expected):
    status, _, body = served.request(
        "POST", f"/test/pass/{path}", [("Content-Type", content_type)], b'{"result": {"x": 1}}'
    )
    assert (status, json.loads(body)) == expected, row


# --- 4.5 Gateway response types and default status ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "method", "target", "headers", "body"),
    [
        ("MISSING_AUTHENTICATION_TOKEN", 403, "GET", "/typed/nothing", [], None),
        ("UNSUPPORTED_MEDIA_TYPE", 415, "GET", "/typed/never", [], None),
        ("BAD_REQUEST_PARAMETERS", 400, "GET", "/typed/params", [], None),
        ("BAD_REQUEST_BODY", 400, "POST", "/typed/body", [("Content-Type", "application/json")], b"{}"),
        ("INTEGRATION_TIMEOUT", 504, "GET", "/typed/slow", [], None),
        ("API_CONFIGURATION_ERROR", 500, "GET", "/typed/config", [], None),
        ("INVALID_API_KEY", 403, "GET", "/typed/keyed", [], None),
        ("ACCESS_DENIED", 403, "GET", "/typed/denied", [], None),
    ],
)
def test_4_5_type_and_default_status(served, kind, status, method, target, headers, body):
    got, response_headers, data = served.request(method, target, headers, body)
    assert (got, data) == (status, json.dumps({"type": kind}, separators=(",", ":")).encode())
    assert _values(response_headers, "Content-Type") == ["application/json"]


def test_4_5_request_too_large_is_413(served):
    """4.5 REQUEST_TOO_LARGE 413; payload limit 10 MB."""
    got, _, data = served.request(
        "POST", "/typed/body", [("Content-Type", "application/json")], b" " * (MAX_PAYLOAD_BYTES + 1)
    )
    assert (got, data) == (413, b'{"type":"REQUEST_TOO_LARGE"}')
