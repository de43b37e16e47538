"""The proxy event: every key and null rule of reference apigateway-lambda.md section 1."""

from serverlite.gateway.events import RequestIdentity, build_proxy_event, request_time
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.router import Router
from serverlite.template.model import Integration, Method, Resource, RestApi, Stage

API = RestApi(
    logical_id="Api",
    id="abc123defg",
    name="Api",
    resources=(
        Resource(id="root01", path="/"),
        Resource(
            id="mus001",
            path="/music",
            methods={"POST": Method("POST", Integration(type="AWS_PROXY", function="Fn"))},
        ),
        Resource(
            id="mus002",
            path="/music/{id}",
            methods={"ANY": Method("ANY", Integration(type="AWS_PROXY", function="Fn"))},
        ),
    ),
    stages={"test": Stage(name="test", deployment_id="x1y2z3")},
)
IDENTITY = RequestIdentity(
    request_id="5f0b1c9e-2a53-4f3d-9d3e-8d2f0c6c1a11",
    extended_request_id="Jq3xYHk2IAMEabc=",
    epoch_ms=1710238272123,
    trace_id="Root=1-65f0c0de-0123456789abcdef01234567",
    account_id="123456789012",
)


def _event(method, target, headers=(), body=b"", source_ip="203.0.113.7", binary=False):
    request = GatewayRequest(
        method=method,
        target=target,
        headers=tuple(headers),
        body=body,
        source_ip=source_ip,
        host="127.0.0.1:3000",
        port=3000,
    )
    match = Router([API]).match(method, request.raw_path, request.host)
    return build_proxy_event(request, match, IDENTITY, binary_body=binary)


def test_post_with_query_matches_the_aws_example():
    headers = [
        ("Host", "127.0.0.1:3000"),
        ("User-Agent", "curl/8.1.2"),
        ("Accept", "*/*"),
        ("content-type", "application/json"),
        ("Content-Length", "17"),
    ]
    event = _event("POST", "/test/music?artist=x", headers, b'{"title": "Song"}')
    assert event == {
        "resource": "/music",
        "path": "/music",
        "httpMethod": "POST",
        "headers": {
            "Host": "127.0.0.1:3000",
            "User-Agent": "curl/8.1.2",
            "Accept": "*/*",
            "content-type": "application/json",
            "X-Amzn-Trace-Id": "Root=1-65f0c0de-0123456789abcdef01234567",
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Port": "3000",
            "X-Forwarded-Proto": "http",
        },
        "multiValueHeaders": {
            "Host": ["127.0.0.1:3000"],
            "User-Agent": ["curl/8.1.2"],
            "Accept": ["*/*"],
            "content-type": ["application/json"],
            "X-Amzn-Trace-Id": ["Root=1-65f0c0de-0123456789abcdef01234567"],
            "X-Forwarded-For": ["203.0.113.7"],
            "X-Forwarded-Port": ["3000"],
            "X-Forwarded-Proto": ["http"],
        },
        "queryStringParameters": {"artist": "x"},
        "multiValueQueryStringParameters": {"artist": ["x"]},
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "mus001",
            "resourcePath": "/music",
            "httpMethod": "POST",
            "extendedRequestId": "Jq3xYHk2IAMEabc=",
            "requestTime": "12/Mar/2024:10:11:12 +0000",
            "path": "/test/music",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "test",
            "domainPrefix": "127",
            "requestTimeEpoch": 1710238272123,
            "requestId": "5f0b1c9e-2a53-4f3d-9d3e-8d2f0c6c1a11",
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": "203.0.113.7",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": "curl/8.1.2",
                "user": None,
            },
            "domainName": "127.0.0.1",
            "deploymentId": "x1y2z3",
            "apiId": "abc123defg",
        },
        "body": '{"title": "Song"}',
        "isBase64Encoded": False,
    }


def test_repeated_headers_and_query_keys():
    event = _event(
        "GET",
        "/test/music/1?price=10&price=20&price=30&q=a+b%2Bc%2F",
        [("X-Test", "1"), ("X-Test", "2"), ("tEsT-HEADeR", "v")],
    )
    assert event["headers"]["X-Test"] == "2"
    assert event["multiValueHeaders"]["X-Test"] == ["1", "2"]
    assert event["headers"]["tEsT-HEADeR"] == "v"
    assert event["queryStringParameters"] == {"price": "30", "q": "a b+c/"}
    assert event["multiValueQueryStringParameters"] == {"price": ["10", "20", "30"], "q": ["a b+c/"]}


def test_authorization_and_user_agent_names_are_canonical():
    event = _event("GET", "/test/music/1", [("aUThorization", "token"), ("user-agent", "me")])
    assert event["headers"]["Authorization"] == "token"
    assert event["headers"]["User-Agent"] == "me"
    assert event["requestContext"]["identity"]["userAgent"] == "me"


def test_hop_by_hop_headers_are_dropped():
    event = _event(
        "PUT",
        "/test/music/1",
        [
            ("Connection", "keep-alive"),
            ("Transfer-Encoding", "chunked"),
            ("Expect", "100-continue"),
            ("Content-Length", "2"),
        ],
        b"{}",
    )
    assert not {"Connection", "Transfer-Encoding", "Expect", "Content-Length"} & set(event["headers"])


def test_client_forwarded_for_is_extended():
    event = _event("GET", "/test/music/1", [("X-Forwarded-For", "198.51.100.1")])
    assert event["headers"]["X-Forwarded-For"] == "198.51.100.1, 203.0.113.7"


def test_no_query_and_no_body_are_null():
    event = _event("GET", "/test/music/%41?")
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["body"] is None and event["isBase64Encoded"] is False
    assert event["pathParameters"] == {"id": "%41"}
    assert event["requestContext"]["path"] == "/test/music/%41"


def test_binary_body_is_base64():
    event = _event("PUT", "/test/music/1", [("Content-Type", "image/png")], b"\x89PNG", binary=True)
    assert event["body"] == "iVBORw==" and event["isBase64Encoded"] is True


def test_request_time_is_clf_in_utc():
    assert request_time(1553114310423) == "20/Mar/2019:20:38:30 +0000"


def test_test_invoke_event_differences():
    """Reference 1.10: the console's method Test (test-invoke captures)."""
    request = GatewayRequest(
        method="GET",
        target="/music/7?x=1",
        headers=(("table", "Music"),),
        body=b"",
        source_ip="test-invoke-source-ip",
        host="testPrefix.testDomainName",
    )
    match = Router([API]).match_without_stage(
        "abc123defg", "GET", "/music/7", Stage(name="test-invoke-stage", deployment_id="x1y2z3")
    )
    event = build_proxy_event(request, match, IDENTITY, test_invoke=True)
    assert event["headers"] == {"table": "Music"} and event["multiValueHeaders"] == {"table": ["Music"]}
    assert event["path"] == "/music/7" and event["pathParameters"] == {"id": "7"}
    context = event["requestContext"]
    assert (context["stage"], context["path"]) == ("test-invoke-stage", "/music/{id}")
    assert (context["domainName"], context["domainPrefix"]) == ("testPrefix.testDomainName", "testPrefix")
    identity = context["identity"]
    assert (identity["sourceIp"], identity["apiKey"], identity["apiKeyId"]) == (
        "test-invoke-source-ip",
        "test-invoke-api-key",
        "test-invoke-api-key-id",
    )
    assert identity["accountId"] == "123456789012"
    assert identity["userAgent"].startswith("aws-internal/3 aws-sdk-java/")


def test_test_invoke_without_headers_gives_null_maps():
    request = GatewayRequest(method="GET", target="/music/7", headers=(), body=b"", source_ip="x")
    match = Router([API]).match_without_stage(
        "abc123defg", "GET", "/music/7", Stage(name="test-invoke-stage", deployment_id="x1y2z3")
    )
    event = build_proxy_event(request, match, IDENTITY, test_invoke=True)
    assert event["headers"] is None and event["multiValueHeaders"] is None
    assert event["queryStringParameters"] is None


def test_operation_name_only_when_the_method_has_one():
    # reference 1.2: `operationName` appears when the method has an OperationName (OpenAPI operationId).
    assert "operationName" not in _event("POST", "/test/music")["requestContext"]
    named = Method("GET", Integration(type="AWS_PROXY", function="Fn"), operation_name="listSongs")
    api = RestApi(
        logical_id="Api",
        id="abc123defg",
        name="Api",
        resources=(Resource(id="root01", path="/", methods={"GET": named}),),
        stages={"test": Stage(name="test", deployment_id="x1y2z3")},
    )
    request = GatewayRequest(
        method="GET", target="/test/", headers=(), body=b"", source_ip="203.0.113.7", host="h", port=3000
    )
    event = build_proxy_event(request, Router([api]).match("GET", request.raw_path, request.host), IDENTITY)
    assert event["requestContext"]["operationName"] == "listSongs"
