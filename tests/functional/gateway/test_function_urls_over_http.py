"""Lambda function URLs over real HTTP with real workers.

Expected values: https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html (request payload: API
Gateway's 2.0 shape with `routeKey`/`stage` `$default`, `apiId` the URL id, `authorizer.iam` for AWS_IAM;
response inference, `"Hello, world!"` reaching the client with its quotes), 502 `Internal Server Error` for a
function error (https://github.com/awsdocs/aws-lambda-developer-guide/issues/430), 403
`{"Message":"Forbidden"}` for an unsigned request to an AWS_IAM URL, CORS as
https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors describes it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
import typing as t
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from serverlite.gateway.server import GatewayServer
from serverlite.gateway.v2.function_urls import FunctionUrlGateway
from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.lambda_service import LambdaService
from serverlite.template.model import CorsConfiguration, FunctionUrl

from ..conftest import make_function
from .serving import raw_request

HANDLERS = Path(__file__).parent / "http_api_functions"
ACCESS_KEY, SECRET = "AKIDSERVERLITEURLS01", "url-secret"
FUNCTIONS = [
    dataclasses.replace(make_function(f"handlers.{name}", name=name.title()), code_dir=HANDLERS)
    for name in ("echo", "scripted", "fail")
]
URLS = {
    "open": FunctionUrl(
        "EchoUrl", "Echo", "a" * 32, cors=CorsConfiguration(allow_origins=("*",), max_age=60)
    ),
    "scripted": FunctionUrl("ScriptedUrl", "Scripted", "b" * 32),
    "fail": FunctionUrl("FailUrl", "Fail", "c" * 32),
    "iam": FunctionUrl("IamUrl", "Echo", "d" * 32, auth_type="AWS_IAM"),
}


@pytest.fixture(scope="module")
def ports(tmp_path_factory) -> Iterator[dict[str, int]]:
    root = tmp_path_factory.mktemp("urls")
    credentials = root / "credentials"
    credentials.write_text(f"[caller]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET}\n")
    loop = asyncio.new_event_loop()
    ready, stop, box = threading.Event(), asyncio.Event(), {}

    async def main() -> None:
        service = LambdaService(
            {f.logical_id: f for f in FUNCTIONS}, RuntimeSettings(data_dir=root), output=lambda *a: None
        )
        servers = {
            name: GatewayServer(
                FunctionUrlGateway(url, service, account_id="123456789012", credentials_file=credentials),
                "127.0.0.1",
                0,
            )
            for name, url in URLS.items()
        }
        for server in servers.values():
            await server.start()
        box["ports"] = {name: server.port for name, server in servers.items()}
        ready.set()
        await stop.wait()
        for server in servers.values():
            await server.close()
        await service.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(30)
    yield box["ports"]
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)


def _call(
    port: int,
    method: str,
    target: str,
    headers: list[tuple[str, str]] | None = None,
    body: bytes | None = None,
):
    status, pairs, data = raw_request(port, method, target, headers, body)
    return status, {name.lower(): value for name, value in pairs}, data


def test_the_event_is_payload_2_0_with_url_placeholders(ports):
    status, headers, body = _call(
        ports["open"],
        "POST",
        "/my/path?parameter1=value1&parameter1=value2",
        [("Content-Type", "application/json")],
        b'{"a": 1}',
    )
    assert status == 200
    event = json.loads(body)
    assert (event["version"], event["routeKey"], event["rawPath"]) == ("2.0", "$default", "/my/path")
    assert event["queryStringParameters"] == {"parameter1": "value1,value2"}
    assert (event["body"], event["isBase64Encoded"]) == ('{"a": 1}', False)
    context = event["requestContext"]
    assert (context["apiId"], context["routeKey"], context["stage"]) == ("a" * 32, "$default", "$default")
    assert context["accountId"] == "123456789012" and "authorizer" not in context
    # The invocation's request id is the response's x-amzn-RequestId.
    assert context["requestId"] == headers["x-amzn-requestid"] and uuid.UUID(context["requestId"])


@pytest.mark.parametrize(
    ("answer", "status", "body"),
    [
        ("Hello, world!", 200, b'"Hello, world!"'),
        ({"message": "Hello, world!"}, 200, b'{"message": "Hello, world!"}'),
        ({"statusCode": 201, "headers": {"My-Custom-Header": "Custom Value"}, "body": "made"}, 201, b"made"),
    ],
)
def test_response_inference(ports, answer, status, body):
    got = _call(
        ports["scripted"],
        "POST",
        "/",
        [("Content-Type", "application/json")],
        json.dumps({"answer": answer}).encode(),
    )
    assert (got[0], got[2]) == (status, body)


def test_cookies_become_set_cookie_headers(ports):
    answer: dict[str, t.Any] = {
        "statusCode": 201,
        "body": "",
        "cookies": ["Cookie_1=Value1; Max-Age=78000", "Cookie_2=Value2"],
    }
    _, pairs, _ = raw_request(
        ports["scripted"],
        "POST",
        "/",
        [("Content-Type", "application/json")],
        json.dumps({"answer": answer}).encode(),
    )
    assert [value for name, value in pairs if name == "Set-Cookie"] == [
        "Cookie_1=Value1; Max-Age=78000",
        "Cookie_2=Value2",
    ]


def test_function_errors_are_502(ports):
    status, headers, body = _call(ports["fail"], "GET", "/")
    assert (status, body, headers["content-type"]) == (
        502,
        b"Internal Server Error",
        "text/plain; charset=utf-8",
    )
    bad = json.dumps({"answer": {"statusCode": "x"}}).encode()
    assert _call(ports["scripted"], "POST", "/", [("Content-Type", "application/json")], bad)[::2] == (
        502,
        b"Internal Server Error",
    )


def test_cors_preflight_and_headers(ports):
    status, headers, _ = _call(
        ports["open"],
        "OPTIONS",
        "/x",
        [("Origin", "https://a.example"), ("Access-Control-Request-Method", "PUT")],
    )
    assert (status, headers["access-control-allow-origin"], headers["access-control-max-age"]) == (
        204,
        "*",
        "60",
    )
    assert (
        _call(ports["open"], "GET", "/x", [("Origin", "https://a.example")])[1]["access-control-allow-origin"]
        == "*"
    )


def _signed(port: int, path: str, secret: str = SECRET) -> list[tuple[str, str]]:
    request = AWSRequest(
        method="GET", url=f"http://127.0.0.1:{port}{path}", headers={"Host": f"127.0.0.1:{port}"}
    )
    SigV4Auth(Credentials(ACCESS_KEY, secret), "lambda", "us-east-1").add_auth(request)
    return list(request.headers.items())


def test_aws_iam_urls_need_a_sigv4_signature_for_lambda(ports):
    port = ports["iam"]
    assert _call(port, "GET", "/who")[::2] == (403, b'{"Message":"Forbidden"}')
    assert _call(port, "GET", "/who", _signed(port, "/who", "wrong"))[::2] == (
        403,
        b'{"Message":"Forbidden"}',
    )
    status, _, body = _call(port, "GET", "/who", _signed(port, "/who"))
    assert status == 200
    assert json.loads(body)["requestContext"]["authorizer"]["iam"] == {
        "accessKey": ACCESS_KEY,
        "accountId": "123456789012",
        "callerId": json.loads(body)["requestContext"]["authorizer"]["iam"]["callerId"],
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": "arn:aws:iam::123456789012:user/caller",
        "userId": json.loads(body)["requestContext"]["authorizer"]["iam"]["callerId"],
    }
