"""Issue 15 over `serverlite start`: its own endpoints answer no web page they were not told to.

For each of DynamoDB, Lambda, Logs and the console: a rebinding `Host` and a foreign `Origin` are refused
before anything runs, in a form AWS SDKs parse; the user's API on the gateway answers both as API Gateway
does. Clients that send neither (boto3, the AWS CLI, the functions) are the rest of the suite.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import typing as t

import boto3
import pytest
from botocore.exceptions import ClientError

from .conftest import REPO, Serverlite

DENIED = "AccessDeniedException"
EVIL = "http://evil.example"
INVOKE = "/2015-03-31/functions/DemoCreateTable/invocations"


@pytest.fixture(scope="module")
def music(tmp_path_factory):
    server = Serverlite([], tmp_path_factory.mktemp("policy") / "data").wait_ready()
    yield server
    server.stop()


def _raw(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _token(server: Serverlite) -> str:
    line = next(line for line in server.lines if line.startswith("Console: "))
    match = re.fullmatch(
        rf"Console: http://127\.0\.0\.1:{server.console_port}/\?token=([A-Za-z0-9_-]{{32}})", line
    )
    assert match, line
    return match.group(1)


def _tables(server: Serverlite) -> list[str]:
    client = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{server.dynamodb_port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    return client.list_tables()["TableNames"]


# (endpoint, method, path, headers, body) of one request per own endpoint that would change or read data.
def _requests(server: Serverlite) -> dict[str, tuple[int, str, str, dict[str, str], bytes]]:
    return {
        "dynamodb": (
            server.dynamodb_port,
            "POST",
            "/",
            {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.CreateTable"},
            json.dumps(
                {
                    "TableName": "Intruded",
                    "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
                    "BillingMode": "PAY_PER_REQUEST",
                }
            ).encode(),
        ),
        "lambda": (server.lambda_port, "POST", INVOKE, {}, b'{"headers": {"table": "Intruded"}}'),
        "logs": (
            server.lambda_port,
            "POST",
            "/",
            {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Logs_20140328.DescribeLogGroups"},
            b"{}",
        ),
        "console": (
            server.console_port,
            "POST",
            "/api/functions/DemoCreateTable/invoke",
            {"Content-Type": "application/json", "X-Serverlite-Token": _token(server)},
            b'{"headers": {"table": "Intruded"}}',
        ),
    }


def _error(endpoint: str, body: bytes) -> tuple[str, str]:
    data = json.loads(body)
    if endpoint == "console":
        return data["error"]["type"], data["error"]["message"]
    return data["__type"].rsplit("#", 1)[-1], data["message"]


@pytest.mark.parametrize("endpoint", ["dynamodb", "lambda", "logs", "console"])
def test_a_rebinding_host_is_refused(music, endpoint):
    port, method, path, headers, body = _requests(music)[endpoint]
    host = f"rebind.example:{port}"
    status, answer_headers, answer = _raw(port, method, path, {**headers, "Host": host}, body)
    assert status == 403
    assert _error(endpoint, answer) == (
        DENIED,
        f"Host {host!r} is not allowed: serverlite answers requests for localhost, IP addresses and its "
        "--host only, so that no web page can reach it by pointing its own name at this machine (DNS "
        "rebinding). To allow this name, start serverlite with --allowed-host rebind.example",
    )
    assert "access-control-allow-origin" not in answer_headers
    assert "Intruded" not in _tables(music)


@pytest.mark.parametrize("endpoint", ["dynamodb", "lambda", "logs", "console"])
def test_a_page_of_another_origin_is_refused(music, endpoint):
    port, method, path, headers, body = _requests(music)[endpoint]
    status, answer_headers, answer = _raw(port, method, path, {**headers, "Origin": EVIL}, body)
    assert status == 403
    assert _error(endpoint, answer)[0] == DENIED
    assert "access-control-allow-origin" not in answer_headers
    assert "Intruded" not in _tables(music)


def test_the_console_page_is_refused_to_a_rebinding_host(music):
    status, headers, body = _raw(
        music.console_port, "GET", "/", {"Host": f"rebind.example:{music.console_port}"}
    )
    assert status == 403 and body.startswith(b"Host 'rebind.example:")
    assert headers["x-frame-options"] == "DENY"


def test_aws_sdks_parse_the_refusal(music):
    def from_a_page(request: t.Any, **_: t.Any) -> None:
        request.headers["Origin"] = EVIL

    message = (
        f"Origin {EVIL!r} is not allowed: web pages of other origins cannot call this endpoint. "
        f"To allow this one, start serverlite with --allow-origin {EVIL}"
    )
    calls = {
        ("dynamodb", music.dynamodb_port): lambda c: c.list_tables(),
        ("lambda", music.lambda_port): lambda c: c.invoke(FunctionName="DemoCreateTable", Payload=b"{}"),
        ("logs", music.lambda_port): lambda c: c.describe_log_groups(),
    }
    for (service, port), call in calls.items():
        client = boto3.client(
            service,
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        client.meta.events.register("before-sign", from_a_page)
        with pytest.raises(ClientError) as raised:
            call(client)
        error = raised.value.response["Error"]
        assert (error["Code"], error["Message"]) == (DENIED, message), service
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_the_console_origin_may_call_lambda_and_logs(music):
    origin = f"http://localhost:{music.console_port}"
    status, headers, _ = _raw(
        music.lambda_port,
        "OPTIONS",
        INVOKE,
        {"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert (status, headers["access-control-allow-origin"], headers["access-control-allow-methods"]) == (
        200,
        origin,
        "POST",
    )
    status, headers, body = _raw(
        music.lambda_port,
        "POST",
        "/",
        {
            "Origin": origin,
            "X-Amz-Target": "Logs_20140328.DescribeLogGroups",
            "Content-Type": "application/x-amz-json-1.1",
        },
        b"{}",
    )
    assert status == 200 and "logGroups" in json.loads(body)
    assert (headers["access-control-allow-origin"], headers["vary"]) == (origin, "Origin")


def test_the_users_api_answers_any_host_and_origin_as_api_gateway_does(music):
    path = "/Test/DemoResourceMusic/DemoResourceMusicItem"
    plain = _raw(music.port, "GET", path, {"table": "Nothing", "artist": "a", "songtitle": "s"})
    foreign = _raw(
        music.port,
        "GET",
        path,
        {"table": "Nothing", "artist": "a", "songtitle": "s", "Host": "rebind.example", "Origin": EVIL},
    )
    assert plain[0] == foreign[0] == 404
    assert plain[2] == foreign[2]
    # The template configures no CORS, so none is added.
    assert "access-control-allow-origin" not in foreign[1]


def _start(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "serverlite", "start", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )


def test_the_token_is_mandatory_beyond_loopback():
    done = _start("--host", "0.0.0.0", "--no-console-token")
    assert done.returncode == 2
    assert (
        "Error: --no-console-token needs a loopback --host: on 0.0.0.0 the console is reachable from the "
        "network and its token is what keeps others out"
    ) in done.stderr


def test_listening_beyond_loopback_names_what_is_reachable(start_serverlite):
    server = start_serverlite("--host", "0.0.0.0").wait_ready()
    warning = server.lines.index(
        "Warning: --host 0.0.0.0 is not a loopback address; reachable from the network:"
    )
    assert server.lines[warning + 1 : warning + 5] == [
        f"  http://0.0.0.0:{server.port}: your APIs, with the access control the template declares",
        f"  http://0.0.0.0:{server.dynamodb_port}: every table, read and changed without credentials "
        "(only the functions' calls are checked)",
        f"  http://0.0.0.0:{server.lambda_port}: invoke any function and read every log group, without credentials",
        f"  http://0.0.0.0:{server.console_port}/: the console, for whoever has its URL with the token",
    ]
    assert any(
        line.startswith(f"Console: http://0.0.0.0:{server.console_port}/?token=") for line in server.lines
    )
    # The functions reach DynamoDB at that address, the console's API still wants the token.
    status, body = server.request(
        "PUT", "/Test/DemoResourceMusic/DemoResourceMusicTable", headers={"table": "Music"}
    )
    assert (status, body) == (200, "Table created")
    status, _, _ = _raw(server.console_port, "GET", "/api/tables", {})
    assert status == 403
