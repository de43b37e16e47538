"""The DynamoDB endpoint answers no web page it was not told to (issue 15): Host and Origin checks.

The refusal is a 403 with DynamoDB's JSON error form (`{"__type": "com.amazon.coral.service#...",
"message": ...}`, the form botocore parses), sent before the request does anything. Clients that send no
`Origin` (boto3 here and in every other test of this folder, the AWS CLI) are served as before.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from serverlite.cli import main
from tests.functional.dynamodb.dynamodb_server import ServerProcess

_AMZ_JSON = "application/x-amz-json-1.0"
_TABLE = "PolicyKept"
_DENIED = "com.amazon.coral.service#AccessDeniedException"


def _post(
    endpoint: str, target: str, request: dict[str, Any], headers: dict[str, str]
) -> tuple[int, dict[str, str], Any]:
    url = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    sent = {"Content-Type": _AMZ_JSON, "X-Amz-Target": f"DynamoDB_20120810.{target}", **headers}
    try:
        connection.request("POST", "/", body=json.dumps(request).encode(), headers=sent)
        response = connection.getresponse()
        raw = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(raw or b"null")
    finally:
        connection.close()


def _options(endpoint: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    url = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        connection.request("OPTIONS", "/", headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


@pytest.fixture(scope="module")
def kept_table(client: Any) -> str:
    client.create_table(
        TableName=_TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(TableName=_TABLE, Item={"id": {"S": "kept"}})
    return _TABLE


def _port(server: ServerProcess) -> int:
    return int(urllib.parse.urlsplit(server.endpoint).port or 0)


def _assert_kept(client: Any) -> None:
    assert client.scan(TableName=_TABLE)["Items"] == [{"id": {"S": "kept"}}]


def test_a_rebinding_host_is_refused_before_anything(
    server: ServerProcess, client: Any, kept_table: str
) -> None:
    host = f"evil.example:{_port(server)}"
    status, headers, body = _post(server.endpoint, "DeleteTable", {"TableName": kept_table}, {"Host": host})
    assert status == 403
    assert body == {
        "__type": _DENIED,
        "message": f"Host {host!r} is not allowed: serverlite answers requests for localhost, IP addresses "
        "and its --host only, so that no web page can reach it by pointing its own name at this machine "
        "(DNS rebinding). To allow this name, start serverlite with --allowed-host evil.example",
    }
    assert headers["content-type"] == _AMZ_JSON
    assert "access-control-allow-origin" not in headers
    _assert_kept(client)


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1", "[::1]", "192.168.1.5", "app.localhost"])
def test_loopback_names_and_addresses_are_served(server: ServerProcess, name: str) -> None:
    status, _, body = _post(server.endpoint, "ListTables", {}, {"Host": f"{name}:{_port(server)}"})
    assert status == 200 and "TableNames" in body


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:5173", "null"])
def test_a_page_of_another_origin_is_refused_before_anything(
    server: ServerProcess, client: Any, kept_table: str, origin: str
) -> None:
    status, headers, body = _post(server.endpoint, "Scan", {"TableName": kept_table}, {"Origin": origin})
    assert (status, body) == (
        403,
        {
            "__type": _DENIED,
            "message": f"Origin {origin!r} is not allowed: web pages of other origins cannot call this "
            f"endpoint. To allow this one, start serverlite with --allow-origin {origin}",
        },
    )
    assert "access-control-allow-origin" not in headers
    # A "simple" request a page can send without a preflight (text/plain), and the one a preflight guards.
    for content_type in ("text/plain", _AMZ_JSON):
        status, _, body = _post(
            server.endpoint,
            "DeleteTable",
            {"TableName": kept_table},
            {"Origin": origin, "Content-Type": content_type},
        )
        assert (status, body["__type"]) == (403, _DENIED)
    status, headers = _options(server.endpoint, {"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert status == 403 and "access-control-allow-origin" not in headers
    _assert_kept(client)


@pytest.fixture(scope="module")
def opened() -> Iterator[str]:
    """`serverlite dynamodb` told to answer one more origin and one more host name."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "serverlite",
            "dynamodb",
            "--in-memory",
            "--port",
            "0",
            "--allow-origin",
            "http://localhost:5173",
            "--allowed-host",
            "dev.example",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        first, second = process.stdout.readline().strip(), process.stdout.readline().strip()
        assert first.startswith("DynamoDB: http://127.0.0.1:") and second == "Ready", (first, second)
        yield first.removeprefix("DynamoDB: ")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_an_allowed_origin_gets_cors_for_itself(opened: str) -> None:
    origin = "http://localhost:5173"
    status, headers = _options(
        opened,
        {
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target",
        },
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == origin
    assert headers["access-control-allow-methods"] == "POST"
    assert headers["access-control-allow-headers"] == "content-type,x-amz-target"
    assert headers["access-control-max-age"] == "172800"
    status, headers, body = _post(opened, "ListTables", {}, {"Origin": origin})
    assert (status, body) == (200, {"TableNames": []})
    assert (headers["access-control-allow-origin"], headers["vary"]) == (origin, "Origin")
    status, _, body = _post(opened, "ListTables", {}, {"Origin": "http://localhost:5174"})
    assert (status, body["__type"]) == (403, _DENIED)


def test_an_allowed_host_name_is_served(opened: str) -> None:
    port = urllib.parse.urlsplit(opened).port
    assert _post(opened, "ListTables", {}, {"Host": f"dev.example:{port}"})[0] == 200
    assert _post(opened, "ListTables", {}, {"Host": f"sub.dev.example:{port}"})[0] == 403


def test_bad_policy_options_are_usage_errors() -> None:
    result = CliRunner().invoke(main, ["dynamodb", "--in-memory", "--allow-origin", "localhost:5173"])
    assert result.exit_code == 2
    assert (
        "Invalid value for --allow-origin: expected an origin such as http://localhost:5173, "
        "http://localhost:* or *, got 'localhost:5173'" in result.output
    )
    result = CliRunner().invoke(main, ["dynamodb", "--in-memory", "--allowed-host", "http://a.example/"])
    assert result.exit_code == 2
    assert "Invalid value for --allowed-host: expected a host name" in result.output


def test_listening_beyond_loopback_says_what_is_reachable() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "serverlite", "dynamodb", "--in-memory", "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        lines = [process.stdout.readline().rstrip("\n") for _ in range(4)]
    finally:
        process.terminate()
        process.wait(timeout=10)
    url = lines[0].removeprefix("DynamoDB: ")
    assert url.startswith("http://0.0.0.0:")
    assert lines[1:] == [
        "Warning: --host 0.0.0.0 is not a loopback address; reachable from the network:",
        f"  {url}: every table, read and changed without credentials (only the functions' calls are checked)",
        "Ready",
    ]
