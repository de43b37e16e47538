"""Payload format 2.0 and 1.0 events of HTTP APIs against the examples of
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
(the same request, ids and time as the examples; the examples show the client's headers only)."""

from __future__ import annotations

from serverlite.gateway.events import RequestIdentity, request_time
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.v2.events import EventScope, event_v1, event_v2

IDENTITY = RequestIdentity(
    request_id="id",
    extended_request_id="request-id",
    epoch_ms=1583348638390,
    trace_id="Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e",
    account_id="123456789012",
)
# API Gateway adds these to what the client sent (a real 2.0 event,
# https://github.com/logandk/serverless-wsgi/issues/191); locally the port and scheme are ours.
ADDED = {
    "x-amzn-trace-id": "Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e",
    "x-forwarded-for": "IP",
    "x-forwarded-port": "3000",
    "x-forwarded-proto": "http",
}


def _request(
    method: str = "POST", body: bytes = b"Hello from Lambda", content_type: str = "text/plain"
) -> GatewayRequest:
    return GatewayRequest(
        method=method,
        target="/my/path?parameter1=value1&parameter1=value2&parameter2=value",
        headers=(
            ("Header1", "value1"),
            ("Header2", "value1"),
            ("Header2", "value2"),
            ("Cookie", "cookie1; cookie2"),
            ("User-Agent", "agent"),
            ("Content-Type", content_type),
        ),
        body=body,
        source_ip="IP",
        host="id.execute-api.us-east-1.amazonaws.com",
        port=3000,
    )


def test_payload_2_0_is_the_documented_shape():
    scope = EventScope(
        api_id="api-id",
        stage="$default",
        route_key="$default",
        raw_path="/my/path",
        path_parameters={"parameter1": "value1"},
        stage_variables={"stageVariable1": "value1", "stageVariable2": "value2"},
    )
    event = event_v2(_request(), scope, IDENTITY)
    assert event == {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/my/path",
        "rawQueryString": "parameter1=value1&parameter1=value2&parameter2=value",
        "cookies": ["cookie1", "cookie2"],
        # "All header names are lowercase"; repeated headers joined with commas; cookies moved out.
        "headers": {
            "header1": "value1",
            "header2": "value1,value2",
            "user-agent": "agent",
            "content-type": "text/plain",
            "content-length": "17",
            **ADDED,
        },
        "queryStringParameters": {"parameter1": "value1,value2", "parameter2": "value"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api-id",
            "domainName": "id.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "id",
            "http": {
                "method": "POST",
                "path": "/my/path",
                "protocol": "HTTP/1.1",
                "sourceIp": "IP",
                "userAgent": "agent",
            },
            "requestId": "id",
            "routeKey": "$default",
            "stage": "$default",
            # The example pairs "12/Mar/2020:19:03:58" with epoch 1583348638390, which is 4 March.
            "time": request_time(1583348638390),
            "timeEpoch": 1583348638390,
        },
        "body": "Hello from Lambda",
        "pathParameters": {"parameter1": "value1"},
        "isBase64Encoded": False,
        "stageVariables": {"stageVariable1": "value1", "stageVariable2": "value2"},
    }
    assert list(event) == [
        "version",
        "routeKey",
        "rawPath",
        "rawQueryString",
        "cookies",
        "headers",
        "queryStringParameters",
        "requestContext",
        "body",
        "pathParameters",
        "isBase64Encoded",
        "stageVariables",
    ]


def test_payload_2_0_leaves_out_what_the_request_does_not_have():
    request = GatewayRequest("GET", "/", (), b"", "IP", host="h")
    event = event_v2(request, EventScope("a", "$default", "GET /", "/"), IDENTITY)
    assert sorted(event) == [
        "headers",
        "isBase64Encoded",
        "rawPath",
        "rawQueryString",
        "requestContext",
        "routeKey",
        "version",
    ]
    assert event["rawQueryString"] == "" and event["isBase64Encoded"] is False
    assert event["requestContext"]["http"]["userAgent"] == ""


def test_binary_bodies_are_base64_and_text_ones_are_not():
    # Verified against AWS in https://github.com/ministackorg/ministack/pull/766: text/*, application/json,
    # application/xml, application/javascript are text; anything else (form posts too) is base64.
    scope = EventScope("a", "$default", "$default", "/my/path")
    for content_type, body, encoded in [
        ("application/json; charset=utf-8", '{"a":1}', False),
        ("text/csv", "a,b", False),
        ("application/xml", "<a/>", False),
        ("application/octet-stream", "aGVsbG8=", True),
        ("application/x-www-form-urlencoded", "YT0x", True),
    ]:
        raw = body.encode() if not encoded else __import__("base64").b64decode(body)
        event = event_v2(_request(body=raw, content_type=content_type), scope, IDENTITY)
        assert (event["body"], event["isBase64Encoded"]) == (body, encoded)


def test_payload_1_0_is_the_documented_shape():
    scope = EventScope(
        api_id="id", stage="$default", route_key="GET /my/path", raw_path="/my/path", resource_path="/my/path"
    )
    request = GatewayRequest(
        "GET",
        "/my/path?parameter1=value1&parameter1=value2&parameter2=value",
        (("Header1", "value1"), ("Header2", "value1"), ("Header2", "value2"), ("User-Agent", "user-agent")),
        b"Hello from Lambda!",
        "IP",
        host="id.execute-api.us-east-1.amazonaws.com",
        port=3000,
    )
    event = event_v1(request, scope, IDENTITY)
    added = {**ADDED, "content-length": "18"}
    assert event == {
        "version": "1.0",
        "resource": "/my/path",
        "path": "/my/path",
        "httpMethod": "GET",
        "headers": {"header1": "value1", "header2": "value2", "user-agent": "user-agent", **added},
        "multiValueHeaders": {
            "header1": ["value1"],
            "header2": ["value1", "value2"],
            "user-agent": ["user-agent"],
            **{name: [value] for name, value in added.items()},
        },
        "queryStringParameters": {"parameter1": "value2", "parameter2": "value"},
        "multiValueQueryStringParameters": {"parameter1": ["value1", "value2"], "parameter2": ["value"]},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "id",
            "authorizer": {"claims": None, "scopes": None},
            "domainName": "id.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "id",
            "extendedRequestId": "request-id",
            "httpMethod": "GET",
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": "IP",
                "user": None,
                "userAgent": "user-agent",
                "userArn": None,
            },
            "path": "/my/path",
            "protocol": "HTTP/1.1",
            "requestId": "id",
            "requestTime": request_time(1583348638390),
            "requestTimeEpoch": 1583348638390,
            "resourceId": None,
            "resourcePath": "/my/path",
            "stage": "$default",
        },
        "pathParameters": None,
        "stageVariables": None,
        # The example's body; without a text Content-Type a body is base64 (see above).
        "body": "SGVsbG8gZnJvbSBMYW1iZGEh",
        "isBase64Encoded": True,
    }


def test_a_named_stage_stays_in_raw_path():
    # https://github.com/aws-powertools/powertools-lambda-python/issues/621: rawPath "/default/my/path".
    request = GatewayRequest("GET", "/dev/my/path", (), b"", "IP", host="h")
    event = event_v2(request, EventScope("a", "dev", "GET /my/path", "/dev/my/path"), IDENTITY)
    assert event["rawPath"] == event["requestContext"]["http"]["path"] == "/dev/my/path"
    assert event["requestContext"]["stage"] == "dev"
