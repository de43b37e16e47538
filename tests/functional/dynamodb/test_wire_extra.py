"""More of the wire seen by raw HTTP clients: health, methods, gzip, size limit, fuzzing.

Expected answers: architect/dynalite test/connection.js (recorded against the real endpoint).
"""

from __future__ import annotations

import gzip
import http.client
import json
import random
import urllib.parse
import zlib
from typing import Any

import pytest

from tests.functional.dynamodb.dynamodb_server import ServerProcess

_AMZ_JSON = "application/x-amz-json-1.0"


def _request(
    server: ServerProcess, method: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    url = urllib.parse.urlsplit(server.endpoint)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        connection.request(method, "/", body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _post(server: ServerProcess, body: bytes, target: str, **extra: str) -> tuple[int, dict[str, str], Any]:
    headers = {"Content-Type": _AMZ_JSON, "X-Amz-Target": f"DynamoDB_20120810.{target}", **extra}
    status, response_headers, raw = _request(server, "POST", body, headers)
    return status, response_headers, json.loads(raw) if raw else None


def _assert_headers(headers: dict[str, str], body: bytes) -> None:
    assert headers["x-amz-crc32"] == str(zlib.crc32(body))
    assert headers["x-amzn-requestid"]


def test_get_is_the_health_answer(server: ServerProcess) -> None:
    status, headers, body = _request(server, "GET")
    # Trailing space as AWS sends it (dynalite test/connection.js).
    assert (status, body) == (200, b"healthy: dynamodb.us-east-1.amazonaws.com ")
    _assert_headers(headers, body)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "OPTIONS"])
def test_other_methods_are_404(server: ServerProcess, method: str) -> None:
    status, headers, body = _request(server, method)
    assert (status, body) == (404, b"<UnknownOperationException/>\n")
    _assert_headers(headers, body)


@pytest.mark.parametrize("content_type", [None, "whatever", "application/x-amz-json-1.1"])
def test_body_with_wrong_content_type_is_404(server: ServerProcess, content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    status, _, body = _request(server, "POST", b"hi", headers)
    assert (status, body) == (404, b"<UnknownOperationException/>\n")


def test_cors_preflight_of_a_foreign_origin_is_refused(server: ServerProcess) -> None:
    # AWS answers every origin's preflight; serverlite checks no credentials, so it answers only the
    # origins allowed (issue 15; allowed ones: test_endpoint_policy.py).
    status, headers, body = _request(
        server, "OPTIONS", headers={"Origin": "x", "Access-Control-Request-Headers": "a, b"}
    )
    assert status == 403
    assert json.loads(body)["__type"] == "com.amazon.coral.service#AccessDeniedException"
    assert "access-control-allow-origin" not in headers


def test_application_json_is_answered_in_kind(server: ServerProcess) -> None:
    status, headers, body = _request(
        server,
        "POST",
        b"hi",
        {"Content-Type": "application/json", "X-Amz-Target": "DynamoDB_20120810.ListTables"},
    )
    assert (status, json.loads(body)) == (400, {"__type": "com.amazon.coral.service#SerializationException"})
    assert headers["content-type"] == "application/json"
    _assert_headers(headers, body)


def test_gzip_request_body(server: ServerProcess) -> None:
    status, headers, answer = _post(
        server, gzip.compress(b'{"Limit": 1}'), "ListTables", **{"Content-Encoding": "gzip"}
    )
    assert status == 200 and "TableNames" in answer


def test_broken_gzip_is_a_serialization_exception(server: ServerProcess) -> None:
    status, headers, answer = _post(server, b"not gzip", "ListTables", **{"Content-Encoding": "gzip"})
    assert (status, answer) == (400, {"__type": "com.amazon.coral.service#SerializationException"})


def test_body_over_16_mb_is_413(server: ServerProcess) -> None:
    body = b"a" * (16 * 1024 * 1024 + 1)
    status, headers, _ = _request(server, "POST", body, {"Content-Type": _AMZ_JSON})
    # dynalite test/connection.js "should return 413 if request too large" (observed AWS).
    assert status == 413
    assert headers["x-amzn-requestid"]


def test_body_of_exactly_16_mb_is_read(server: ServerProcess) -> None:
    body = b" " * (16 * 1024 * 1024 - 2) + b"{}"
    status, _, answer = _post(server, body, "ListTables")
    assert status == 200 and "TableNames" in answer


def test_unknown_operation_carries_headers(server: ServerProcess) -> None:
    status, headers, raw = _request(
        server, "POST", b"{}", {"Content-Type": _AMZ_JSON, "X-Amz-Target": "DynamoDB_20120810.ListTable"}
    )
    assert (status, raw) == (400, b'{"__type":"com.amazon.coral.service#UnknownOperationException"}')
    _assert_headers(headers, raw)


@pytest.mark.parametrize(
    "target",
    [
        "ListTables",
        "TagResource",
        "UntagResource",
        "ListTagsOfResource",
        "UpdateTimeToLive",
        "DescribeTimeToLive",
    ],
)
def test_fuzzed_bodies_get_aws_shaped_4xx(server: ServerProcess, target: str) -> None:
    generator = random.Random(target)
    bodies = [bytes(generator.randrange(256) for _ in range(generator.randrange(1, 64))) for _ in range(20)]
    wrong_types: list[Any] = [5, "x", True, [], {}, None, [1], {"a": []}, -1.5]
    for member in ("ResourceArn", "Tags", "TagKeys", "TableName", "TimeToLiveSpecification", "Limit"):
        bodies += [json.dumps({member: value}).encode() for value in wrong_types]
    bodies += [b"[]", b"5", b'"x"', b"null"]
    for body in bodies:
        status, headers, raw = _request(
            server, "POST", body, {"Content-Type": _AMZ_JSON, "X-Amz-Target": f"DynamoDB_20120810.{target}"}
        )
        assert status in (200, 400), (body, status, raw)
        if status == 400:
            assert json.loads(raw)["__type"].split("#")[1] in (
                "SerializationException",
                "ValidationException",
                "ResourceNotFoundException",
                "AccessDeniedException",
            ), (body, raw)
        _assert_headers(headers, raw)
    assert _request(server, "GET")[0] == 200
