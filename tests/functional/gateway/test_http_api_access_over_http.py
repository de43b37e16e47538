"""HTTP API CORS, authorizers, throttling and access logs over real HTTP with real workers.

Expected values:
- CORS: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html (preflights answered by
  API Gateway even without an OPTIONS route; configured headers added; the backend's CORS headers ignored).
- JWT: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html and
  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html (401
  `{"message":"Unauthorized"}` with `www-authenticate: Bearer scope="" error="invalid_token" ...`).
- Lambda authorizers: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html.
- IAM: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html.
- Throttling: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html (429).
- Access logs: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import jwt
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from cryptography.hazmat.primitives.asymmetric import rsa

from serverlite.gateway.front import GatewayFront
from serverlite.gateway.gateway import Gateway
from serverlite.gateway.v2.gateway import HttpGateway
from serverlite.template.model import (
    AccessLogSetting,
    CorsConfiguration,
    HttpApi,
    HttpAuthorizer,
    HttpIntegration,
    HttpStage,
    Route,
    Throttle,
)

from ..conftest import make_function
from .serving import Served, serve

HANDLERS = Path(__file__).parent / "http_api_functions"
ISSUER = "https://issuer.example.com/"
ACCESS_KEY, SECRET = "AKIDSERVERLITEHTTP01", "http-api-secret"
LOG_FORMAT = "$context.requestId $context.routeKey $context.status $context.authorizer.principalId $context.error.message"
FUNCTIONS = [
    dataclasses.replace(make_function(f"handlers.{name}", name=logical), code_dir=HANDLERS)
    for name, logical in (("echo", "Echo"), ("authorize_simple", "Simple"), ("authorize_policy", "Policy"))
]
ECHO = HttpIntegration("AWS_PROXY", function="Echo")
ECHO_1_0 = HttpIntegration("AWS_PROXY", function="Echo", payload_format_version="1.0")
AUTHORIZERS = {
    "jwt001": HttpAuthorizer(
        "jwt001", "Jwt", "JWT", ("$request.header.Authorization",), ISSUER, ("client-1",)
    ),
    "simple": HttpAuthorizer(
        "simple",
        "Simple",
        "REQUEST",
        ("$request.header.X-Token",),
        function="Simple",
        enable_simple_responses=True,
    ),
    "policy": HttpAuthorizer(
        "policy",
        "Policy",
        "REQUEST",
        ("$request.header.X-Token", "$request.querystring.user"),
        function="Policy",
        payload_format_version="1.0",
        result_ttl_seconds=300,
    ),
}
API = HttpApi(
    logical_id="Secured",
    id="secured001",
    name="secured",
    routes=(
        Route("GET /jwt", ECHO, "JWT", "jwt001"),
        Route("GET /jwt/scoped", ECHO, "JWT", "jwt001", ("items/read",)),
        Route("GET /simple", ECHO, "CUSTOM", "simple"),
        Route("GET /policy/{id}", ECHO_1_0, "CUSTOM", "policy"),
        Route("GET /iam", ECHO, "AWS_IAM"),
        Route("GET /throttled", ECHO),
        Route("GET /open", ECHO),
    ),
    stages={
        "$default": HttpStage(
            "$default",
            access_log=AccessLogSetting(
                "arn:aws:logs:us-east-1:123456789012:log-group:http-access", LOG_FORMAT
            ),
            route_throttles={"GET /throttled": Throttle(rate_limit=0.001, burst_limit=1)},
        )
    },
    cors=CorsConfiguration(
        allow_origins=("https://app.example.com",),
        allow_methods=("GET", "POST"),
        allow_headers=("authorization", "x-token"),
        expose_headers=("x-id",),
        max_age=300,
        allow_credentials=True,
    ),
    authorizers=AUTHORIZERS,
)


CLOSED = HttpApi(
    logical_id="Closed",
    id="closed0001",
    name="closed",
    routes=(Route("GET /closed", ECHO),),
    stages={"dev": HttpStage("dev")},
    disable_execute_api_endpoint=True,
)


class Logs:
    """A log sink keeping what it is given."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def append(self, group: str, stream: str, events: Sequence[tuple[int, str]]) -> None:
        self.lines += [(group, message) for _, message in events]


@dataclasses.dataclass
class Setup:
    served: Served
    key: rsa.RSAPrivateKey
    logs: Logs

    def token(self, **claims: object) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": "client-1", "sub": "u-1", "exp": now + 600, "iat": now, **claims}
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "key-1"})


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> Iterator[Setup]:
    root = tmp_path_factory.mktemp("http-api-access")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    (root / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "key-1", "alg": "RS256"}]}))
    (root / "credentials").write_text(
        f"[tester]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET}\n"
    )
    logs = Logs()

    def front(apis, service):
        http = HttpGateway(
            [API, CLOSED],
            service,
            account_id="123456789012",
            logs=logs,
            jwks_files={ISSUER: root / "jwks.json"},
            credentials_file=root / "credentials",
        )
        return GatewayFront(Gateway(apis, service, account_id="123456789012"), http)

    with serve([], FUNCTIONS, root / "data", make_gateway=front) as served:
        yield Setup(served, key, logs)


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def test_preflight_is_answered_without_a_route_or_authorization(setup):
    status, headers, body = setup.served.request(
        "OPTIONS",
        "/jwt",
        [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "GET")],
    )
    assert (status, body) == (204, b"")
    cors = {name: value for name, value in _lower(headers).items() if name.startswith("access-control-")}
    assert cors == {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET,POST",
        "access-control-allow-headers": "authorization,x-token",
        "access-control-max-age": "300",
    }


def test_responses_carry_the_configured_cors_headers_only_for_allowed_origins(setup):
    _, headers, _ = setup.served.request("GET", "/open", [("Origin", "https://app.example.com")])
    cors = {name: value for name, value in _lower(headers).items() if name.startswith("access-control-")}
    assert cors == {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "x-id",
    }
    _, headers, _ = setup.served.request("GET", "/open", [("Origin", "https://evil.example.com")])
    assert not [name for name in _lower(headers) if name.startswith("access-control-")]


def test_jwt_authorizer_refusals(setup):
    served = setup.served
    status, headers, body = served.request("GET", "/jwt")
    assert (status, body, _lower(headers)["www-authenticate"]) == (
        401,
        b'{"message":"Unauthorized"}',
        "Bearer",
    )
    status, headers, _ = served.request("GET", "/jwt", [("Authorization", "Bearer not-a-token")])
    assert (status, _lower(headers)["www-authenticate"]) == (
        401,
        'Bearer scope="" error="invalid_token" error_description="token contains an invalid number of segments"',
    )
    wrong_audience = setup.token(aud="someone-else")
    _, headers, _ = served.request("GET", "/jwt", [("Authorization", wrong_audience)])
    assert _lower(headers)["www-authenticate"] == (
        'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"'
    )
    expired = setup.token(exp=int(time.time()) - 10)
    assert served.request("GET", "/jwt", [("Authorization", expired)])[0] == 401
    status, headers, body = served.request(
        "GET", "/jwt/scoped", [("Authorization", setup.token(scope="other"))]
    )
    assert (status, body) == (403, b'{"message":"Forbidden"}')
    assert 'error="insufficient_scope"' in _lower(headers)["www-authenticate"]


def test_jwt_claims_reach_the_function(setup):
    token = setup.token(
        client_id="ignored-when-aud-is-there", groups=["admin", "users"], scope="items/read openid"
    )
    status, _, body = setup.served.request("GET", "/jwt", [("Authorization", f"Bearer {token}")])
    assert status == 200
    authorizer = json.loads(body)["requestContext"]["authorizer"]
    claims = authorizer["jwt"]["claims"]
    assert (claims["sub"], claims["aud"], claims["groups"]) == ("u-1", "client-1", "[admin users]")
    assert claims["exp"].isdigit() and authorizer["jwt"]["scopes"] is None
    status, _, body = setup.served.request("GET", "/jwt/scoped", [("Authorization", token)])
    assert json.loads(body)["requestContext"]["authorizer"]["jwt"]["scopes"] == ["items/read", "openid"]


def test_simple_lambda_authorizer(setup):
    served = setup.served
    assert served.request("GET", "/simple")[::2] == (401, b'{"message":"Unauthorized"}')
    assert served.request("GET", "/simple", [("X-Token", "no")])[::2] == (403, b'{"message":"Forbidden"}')
    assert served.request("GET", "/simple", [("X-Token", "raise")])[0] == 401
    status, _, body = served.request("GET", "/simple", [("X-Token", "allow")])
    assert status == 200
    assert json.loads(body)["requestContext"]["authorizer"] == {
        "lambda": {"user": "alice", "n": 1, "source": ["allow"]}
    }


def test_policy_lambda_authorizer_with_payload_1_0(setup):
    served = setup.served
    assert served.request("GET", "/policy/7", [("X-Token", "t")])[0] == 401  # `user` query string missing
    status, _, body = served.request("GET", "/policy/7?user=ann", [("X-Token", "t")])
    assert status == 200
    authorizer = json.loads(body)["requestContext"]["authorizer"]
    assert {key: authorizer[key] for key in ("principalId", "type", "version", "token")} == {
        "principalId": "user-7",
        "type": "REQUEST",
        "version": "1.0",
        "token": "t,ann",
    }
    assert served.request("GET", "/policy/7?user=ann", [("X-Token", "deny")])[::2] == (
        403,
        b'{"message":"Forbidden"}',
    )


def test_lambda_authorizer_answers_are_cached_by_identity_source_values(setup):
    def call(token: str, user: str) -> str:
        body = setup.served.request("GET", f"/policy/2?user={user}", [("X-Token", token)])[2]
        return str(json.loads(body)["requestContext"]["authorizer"]["call"])

    first = call("cache-me", "cy")
    assert call("cache-me", "cy") == first  # authorizerResultTtlInSeconds 300: not invoked again
    assert call("cache-me", "dee") != first


def test_a_disabled_execute_api_endpoint_is_forbidden(setup):
    # DisableExecuteApiEndpoint: AWS's default hostname answers 403; locally the plain URL stands for the
    # custom domain clients use instead.
    status, _, body = setup.served.request(
        "GET", "/dev/closed", [("Host", "closed0001.execute-api.localhost")]
    )
    assert (status, body) == (403, b'{"message":"Forbidden"}')
    assert setup.served.request("GET", "/dev/closed")[0] == 200


def _signed(port: int, path: str, secret: str = SECRET) -> list[tuple[str, str]]:
    request = AWSRequest(
        method="GET", url=f"http://127.0.0.1:{port}{path}", headers={"Host": f"127.0.0.1:{port}"}
    )
    SigV4Auth(Credentials(ACCESS_KEY, secret), "execute-api", "us-east-1").add_auth(request)
    return list(request.headers.items())


def test_aws_iam_routes(setup):
    served = setup.served
    assert served.request("GET", "/iam")[::2] == (403, b'{"message":"Forbidden"}')
    status, _, body = served.request("GET", "/iam", _signed(served.port, "/iam", "wrong"))
    assert status == 403 and body.startswith(
        b'{"message":"The request signature we calculated does not match'
    )
    status, _, body = served.request("GET", "/iam", _signed(served.port, "/iam"))
    assert status == 200
    iam = json.loads(body)["requestContext"]["authorizer"]["iam"]
    assert (iam["accessKey"], iam["accountId"], iam["cognitoIdentity"]) == (ACCESS_KEY, "123456789012", None)
    assert iam["userArn"] == "arn:aws:iam::123456789012:user/tester"


def test_route_throttling(setup):
    assert setup.served.request("GET", "/throttled")[0] == 200
    assert setup.served.request("GET", "/throttled")[::2] == (429, b'{"message":"Too Many Requests"}')


def test_access_log_lines(setup):
    status, headers, _ = setup.served.request("GET", "/policy/1?user=bo", [("X-Token", "t")])
    request_id = headers["apigw-requestid"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(request_id in line for _, line in setup.logs.lines):
        time.sleep(0.02)
    assert ("http-access", f"{request_id} GET /policy/{{id}} 200 user-7 -") in setup.logs.lines
    _, headers, _ = setup.served.request("GET", "/nowhere")
    request_id = headers["apigw-requestid"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(request_id in line for _, line in setup.logs.lines):
        time.sleep(0.02)
    assert ("http-access", f"{request_id} - 404 - Not Found") in setup.logs.lines
