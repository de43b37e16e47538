"""Access control over real HTTP with real workers: API keys, usage plans, throttles, Lambda authorizers,
Cognito user pools and AWS_IAM, as clients see them (status, body bytes, x-amzn-ErrorType).

Sources of the expected texts are cited in src/serverlite/gateway/errors.py and reference 4.3-4.5:
403 `{"message":"Forbidden"}` ForbiddenException (INVALID_API_KEY), 429 `{"message":"Too Many Requests"}`
TooManyRequestsException, 429 `{"message":"Limit Exceeded"}` LimitExceededException, 401
`{"message":"Unauthorized"}` UnauthorizedException, 403
`{"Message":"User is not authorized to access this resource with an explicit deny"}` AccessDeniedException
(captures: code index 18831007496, 41703188131), 500 `{"message":null}` AuthorizerConfigurationException
(https://loige.co/debugging-custom-apigateway-authorizers/).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from cryptography.hazmat.primitives.asymmetric import rsa

from serverlite.gateway.gateway import Gateway
from serverlite.gateway.server import GatewayServer
from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.lambda_service import LambdaService
from serverlite.template.model import (
    ApiKey,
    Authorizer,
    Function,
    Integration,
    Method,
    MethodSetting,
    Quota,
    Resource,
    RestApi,
    Stage,
    Throttle,
    UsagePlan,
    UsagePlanStage,
)

from ..conftest import make_function

AUTHORIZERS_DIR = Path(__file__).parent / "authorizer_functions"
POOL = "us-east-1_TestPool1"
POOL_ARN = f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{POOL}"
KEY = "k" * 20 + "0123456789abcdefghij"
DISABLED = "d" * 40
QUOTA_KEY = "q" * 40
ACCESS_KEY, SECRET = "AKIDSERVERLITETEST01", "secret-key-for-tests"


class Clock:
    """Real time plus an offset the tests move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def _auth_function(handler: str, name: str, calls: Path) -> Function:
    return Function(
        logical_id=name,
        name=name,
        arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        handler=handler,
        runtime="python3.12",
        code_dir=AUTHORIZERS_DIR,
        environment={"CALLS_FILE": str(calls)},
    )


def _method(http_method: str = "GET", **options) -> Method:
    return Method(http_method, Integration(type="AWS_PROXY", function="Echo"), **options)


def _api() -> RestApi:
    token = Authorizer(
        id="tok001",
        name="Tok",
        type="TOKEN",
        identity_source="method.request.header.Authorization",
        function="TokenAuth",
        identity_validation_expression="^Bearer .+$",
    )
    nocache = Authorizer(
        id="tok000",
        name="NoCache",
        type="TOKEN",
        identity_source="method.request.header.Authorization",
        function="TokenAuth",
        result_ttl_seconds=0,
    )
    request = Authorizer(
        id="req001",
        name="Req",
        type="REQUEST",
        identity_source="method.request.header.X-Tenant, method.request.querystring.pass",
        function="RequestAuth",
        result_ttl_seconds=0,
    )
    pool = Authorizer(
        id="pool01",
        name="Pool",
        type="COGNITO_USER_POOLS",
        identity_source="method.request.header.Authorization",
        provider_arns=(POOL_ARN,),
    )
    custom = {"authorization_type": "CUSTOM"}
    return RestApi(
        logical_id="Api",
        id="acc123defg",
        name="AccessApi",
        resources=(
            Resource("root01", "/"),
            Resource("open01", "/open", {"GET": _method()}),
            Resource("key001", "/key", {"GET": _method(api_key_required=True)}),
            Resource("thr001", "/throttled", {"GET": _method(api_key_required=True)}),
            Resource("tok001", "/token", {"GET": _method(**custom, authorizer_id="tok001")}),
            Resource("tok002", "/token/{id}", {"GET": _method(**custom, authorizer_id="tok001")}),
            Resource("tok003", "/nocache", {"GET": _method(**custom, authorizer_id="tok000")}),
            Resource("req001", "/request", {"GET": _method(**custom, authorizer_id="req001")}),
            Resource(
                "pool01",
                "/pool",
                {"GET": _method(authorization_type="COGNITO_USER_POOLS", authorizer_id="pool01")},
            ),
            Resource(
                "pool02",
                "/scoped",
                {
                    "GET": _method(
                        authorization_type="COGNITO_USER_POOLS",
                        authorizer_id="pool01",
                        authorization_scopes=("music/read",),
                    )
                },
            ),
            Resource("iam001", "/iam", {"GET": _method(authorization_type="AWS_IAM")}),
            Resource("stg001", "/limited", {"GET": _method()}),
        ),
        stages={
            "Test": Stage(
                name="Test",
                deployment_id="dep001",
                method_settings=(
                    MethodSetting(
                        resource_path="/limited",
                        http_method="GET",
                        throttling_rate_limit=0.001,
                        throttling_burst_limit=2,
                    ),
                ),
            )
        },
        authorizers={a.id: a for a in (token, nocache, request, pool)},
    )


KEYS = (
    ApiKey("Key", "keyid00001", KEY, "key", enabled=True),
    ApiKey("Disabled", "keyid00002", DISABLED, "disabled", enabled=False),
    ApiKey("QuotaKey", "keyid00003", QUOTA_KEY, "quota", enabled=True),
)
PLANS = (
    UsagePlan(
        "Plan",
        "plan01",
        "plan",
        api_stages=(UsagePlanStage("acc123defg", "Test", {"/throttled/GET": Throttle(0.001, 2)}),),
        key_ids=("keyid00001", "keyid00002"),
    ),
    UsagePlan(
        "QuotaPlan",
        "plan02",
        "quota",
        api_stages=(UsagePlanStage("acc123defg", "Test"),),
        quota=Quota(limit=2, period="DAY"),
        key_ids=("keyid00003",),
    ),
)


class _Served:
    def __init__(self, port: int, clock: Clock, calls: Path, private_key) -> None:
        self.port, self.clock, self.calls, self.private_key = port, clock, calls, private_key

    def get(self, target: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", target, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, dict(response.getheaders()), data

    def event(self, target: str, headers: dict[str, str] | None = None) -> dict:
        status, _, body = self.get(target, headers)
        assert status == 200, body
        return json.loads(body)["event"]

    def authorizer_calls(self) -> int:
        return len(self.calls.read_text().splitlines()) if self.calls.exists() else 0

    def token(self, **claims) -> str:
        now = int(self.clock())  # the gateway's clock: earlier tests moved it forward
        payload = {
            "sub": "user-sub",
            "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}",
            "token_use": "id",
            "exp": now + 3600,
            "iat": now,
            "auth_time": now,
            "email_verified": True,
            "cognito:username": "alice",
            **claims,
        }
        return jwt.encode(payload, self.private_key, algorithm="RS256", headers={"kid": "key-1"})


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[_Served]:
    root = tmp_path_factory.mktemp("access")
    calls = root / "calls.txt"
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    (root / "jwks.json").write_text(
        json.dumps({"keys": [{**jwk, "kid": "key-1", "alg": "RS256", "use": "sig"}]})
    )
    (root / "credentials").write_text(
        f"[tester]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET}\n"
    )
    functions = [
        make_function("handlers.echo", name="Echo"),
        _auth_function("authorizers.token", "TokenAuth", calls),
        _auth_function("authorizers.request", "RequestAuth", calls),
    ]
    clock = Clock()
    loop = asyncio.new_event_loop()
    ready, stop, box = threading.Event(), asyncio.Event(), {}

    async def main() -> None:
        service = LambdaService(
            {f.logical_id: f for f in functions}, RuntimeSettings(data_dir=root), output=lambda *a: None
        )
        gateway = Gateway(
            [_api()],
            service,
            account_id="123456789012",
            usage_plans=PLANS,
            api_keys=KEYS,
            jwks_files={POOL: root / "jwks.json"},
            credentials_file=root / "credentials",
            clock=clock,
        )
        server = GatewayServer(gateway, "127.0.0.1", 0)
        await server.start()
        box["port"] = server.port
        ready.set()
        await stop.wait()
        await server.close()
        await service.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(30)
    yield _Served(box["port"], clock, calls, private_key)
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)


@pytest.fixture(autouse=True)
def _clock_back(served) -> Iterator[None]:
    """Tests that move the gateway's clock put it back."""
    yield
    served.clock.offset = 0.0


def _error(response: tuple[int, dict[str, str], bytes]) -> tuple[int, str, bytes]:
    status, headers, body = response
    return status, headers.get("x-amzn-ErrorType", ""), body


FORBIDDEN = (403, "ForbiddenException", b'{"message":"Forbidden"}')
UNAUTHORIZED = (401, "UnauthorizedException", b'{"message":"Unauthorized"}')
EXPLICIT_DENY = (
    403,
    "AccessDeniedException",
    b'{"Message":"User is not authorized to access this resource with an explicit deny"}',
)
IMPLICIT_DENY = (
    403,
    "AccessDeniedException",
    b'{"Message":"User is not authorized to access this resource"}',
)


def test_plain_methods_have_no_authorizer_or_key(served):
    context = served.event("/Test/open")["requestContext"]
    assert "authorizer" not in context and "apiKey" not in context["identity"]


def test_api_key_required(served):
    assert _error(served.get("/Test/key")) == FORBIDDEN
    assert _error(served.get("/Test/key", {"x-api-key": "not-a-key"})) == FORBIDDEN
    assert _error(served.get("/Test/key", {"x-api-key": DISABLED})) == FORBIDDEN
    identity = served.event("/Test/key", {"X-API-Key": KEY})["requestContext"]["identity"]
    assert identity["apiKey"] == KEY and identity["apiKeyId"] == "keyid00001"


def test_usage_plan_method_throttle(served):
    statuses = [served.get("/Test/throttled", {"x-api-key": KEY})[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert _error(served.get("/Test/throttled", {"x-api-key": KEY})) == (
        429,
        "TooManyRequestsException",
        b'{"message":"Too Many Requests"}',
    )
    served.clock.offset += 2000  # 0.001 rps: two seconds thousand later the bucket holds 2 tokens again
    assert served.get("/Test/throttled", {"x-api-key": KEY})[0] == 200


def test_usage_plan_quota(served):
    assert [served.get("/Test/key", {"x-api-key": QUOTA_KEY})[0] for _ in range(2)] == [200, 200]
    assert _error(served.get("/Test/key", {"x-api-key": QUOTA_KEY})) == (
        429,
        "LimitExceededException",
        b'{"message":"Limit Exceeded"}',
    )
    served.clock.offset += 86400  # the next UTC day
    assert served.get("/Test/key", {"x-api-key": QUOTA_KEY})[0] == 200


def test_stage_method_settings_throttle(served):
    assert [served.get("/Test/limited")[0] for _ in range(3)] == [200, 200, 429]


def test_token_authorizer_allows_and_fills_request_context(served):
    event = served.event("/Test/token", {"Authorization": "Bearer allow"})
    authorizer = event["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "user-1"
    assert authorizer["number"] == "7" and authorizer["flag"] == "true"  # REST passes strings on
    assert isinstance(authorizer["integrationLatency"], int)
    seen = json.loads(authorizer["event"])
    assert seen == {
        "type": "TOKEN",
        "methodArn": "arn:aws:execute-api:us-east-1:123456789012:acc123defg/Test/GET/token",
        "authorizationToken": "Bearer allow",
    }


def test_token_authorizer_refusals(served):
    assert _error(served.get("/Test/token")) == UNAUTHORIZED
    assert (
        _error(served.get("/Test/token", {"Authorization": "Basic x"})) == UNAUTHORIZED
    )  # validation expression
    assert _error(served.get("/Test/token", {"Authorization": "Bearer unauthorized"})) == UNAUTHORIZED
    assert _error(served.get("/Test/token", {"Authorization": "Bearer deny"})) == EXPLICIT_DENY
    assert _error(served.get("/Test/token", {"Authorization": "Bearer other"})) == IMPLICIT_DENY
    assert _error(served.get("/Test/token", {"Authorization": "Bearer broken"})) == (
        500,
        "AuthorizerConfigurationException",
        b'{"message":null}',
    )


def test_authorizer_result_is_cached_and_its_policy_reused(served):
    before = served.authorizer_calls()
    served.event("/Test/token", {"Authorization": "Bearer cache-me"})
    served.event("/Test/token", {"Authorization": "Bearer cache-me"})
    assert served.authorizer_calls() == before + 1
    # The cached policy names /token only: another path with the same token is denied (knowledge-center
    # api-gateway-lambda-authorization-errors).
    assert _error(served.get("/Test/token/42", {"Authorization": "Bearer cache-me"})) == IMPLICIT_DENY
    assert served.authorizer_calls() == before + 1
    served.event("/Test/nocache", {"Authorization": "Bearer a"})
    served.event("/Test/nocache", {"Authorization": "Bearer a"})
    assert served.authorizer_calls() == before + 3


def test_request_authorizer(served):
    assert _error(served.get("/Test/request?pass=yes")) == UNAUTHORIZED  # X-Tenant missing
    assert _error(served.get("/Test/request?pass=no", {"X-Tenant": "t1"})) == EXPLICIT_DENY
    event = served.event("/Test/request?pass=yes", {"X-Tenant": "t1"})
    seen = json.loads(event["requestContext"]["authorizer"]["event"])
    assert seen["type"] == "REQUEST"
    assert seen["methodArn"].endswith("acc123defg/Test/GET/request")
    assert seen["headers"]["X-Tenant"] == "t1" and seen["queryStringParameters"] == {"pass": "yes"}
    assert seen["resource"] == "/request" and "body" not in seen


def test_cognito_user_pool(served):
    assert _error(served.get("/Test/pool")) == UNAUTHORIZED
    assert _error(served.get("/Test/pool", {"Authorization": "not-a-jwt"})) == UNAUTHORIZED
    expired = served.token(exp=int(served.clock()) - 10)
    assert _error(served.get("/Test/pool", {"Authorization": expired})) == UNAUTHORIZED
    other_pool = served.token(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other")
    assert _error(served.get("/Test/pool", {"Authorization": other_pool})) == UNAUTHORIZED
    claims = served.event("/Test/pool", {"Authorization": served.token()})["requestContext"]["authorizer"][
        "claims"
    ]
    assert claims["cognito:username"] == "alice" and claims["email_verified"] == "true"
    assert (
        claims["exp"].endswith(time.strftime("%Y", time.gmtime(served.clock()))) and " UTC " in claims["exp"]
    )


def test_cognito_scopes_need_an_access_token(served):
    assert _error(served.get("/Test/scoped", {"Authorization": served.token()})) == UNAUTHORIZED
    access = served.token(token_use="access", scope="music/read openid")
    assert served.get("/Test/scoped", {"Authorization": access})[0] == 200


def _signed(served: _Served, secret: str = SECRET) -> dict[str, str]:
    url = f"http://127.0.0.1:{served.port}/Test/iam?x=1"
    request = AWSRequest(method="GET", url=url, headers={"Host": f"127.0.0.1:{served.port}"})
    SigV4Auth(Credentials(ACCESS_KEY, secret), "execute-api", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_aws_iam(served):
    assert _error(served.get("/Test/iam?x=1")) == (
        403,
        "MissingAuthenticationTokenException",
        b'{"message":"Missing Authentication Token"}',
    )
    status, kind, body = _error(served.get("/Test/iam?x=1", _signed(served, "wrong")))
    assert (status, kind) == (403, "InvalidSignatureException")
    assert body.startswith(b'{"message":"The request signature we calculated does not match')
    served.clock.offset = 600  # the signature's X-Amz-Date is now 10 minutes old
    status, kind, body = _error(served.get("/Test/iam?x=1", _signed(served)))
    assert (status, kind) == (403, "InvalidSignatureException")
    assert body.startswith(b'{"message":"Signature expired: ') and body.endswith(b' - 5 min.)"}')
    served.clock.offset = 0
    identity = served.event("/Test/iam?x=1", _signed(served))["requestContext"]["identity"]
    assert identity["accessKey"] == ACCESS_KEY
    assert identity["userArn"] == "arn:aws:iam::123456789012:user/tester"
    assert identity["caller"].startswith("AIDA")
