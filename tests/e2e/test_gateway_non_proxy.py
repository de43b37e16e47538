"""Non-proxy and MOCK integrations end to end: `serverlite start` on the examples' templates.

- examples/music_non_proxy: the tutorial's non-proxy variant; its text (seed) shows the answer
  `{"statusCode": 200, "body": "\"Table created\""}` with `Content-Type: application/json`.
- examples/sam_cors: SAM's `Cors` generates an OPTIONS MOCK integration per path (aws-sam-translator
  swagger.py add_cors); the preflight answers with the configured Access-Control-* headers.
"""

from __future__ import annotations

import http.client

from .conftest import REPO

TABLE = "/Test/DemoResourceMusic/DemoResourceMusicTable"


def _raw(port: int, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def test_demo_create_table_behind_a_non_proxy_integration(start_serverlite):
    server = start_serverlite("--template", str(REPO / "examples/music_non_proxy/template.yaml")).wait_ready()
    status, headers, body = _raw(
        server.port, "PUT", TABLE, {"content-type": "application/json", "table": "MusicNonProxy"}
    )
    assert status == 200, body
    assert body == b'{"statusCode": 200, "body": "\\"Table created\\""}'
    assert headers["Content-Type"] == "application/json"
    # The table exists now: creating it again is the function's own 409-in-body answer, still HTTP 200.
    status, _, body = _raw(
        server.port, "PUT", TABLE, {"content-type": "application/json", "table": "MusicNonProxy"}
    )
    assert status == 200 and b'"statusCode": 409' in body


def test_sam_cors_preflight_is_answered_by_the_mock_integration(start_serverlite):
    server = start_serverlite("--template", str(REPO / "examples/sam_cors/template.yaml")).wait_ready()
    status, headers, body = _raw(
        server.port,
        "OPTIONS",
        "/prod/items",
        {"Origin": "https://example.com", "Access-Control-Request-Method": "GET"},
    )
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "https://example.com"
    assert headers["Access-Control-Allow-Methods"] == "GET,POST,OPTIONS"
    assert headers["Access-Control-Allow-Headers"] == "Content-Type,X-Api-Key"
    assert headers["Access-Control-Max-Age"] == "600"
    assert headers["Content-Type"] == "application/json"
    status, headers, body = _raw(server.port, "GET", "/prod/items", {"Origin": "https://example.com"})
    assert (status, body) == (200, b'{"items": []}')
    assert headers["Access-Control-Allow-Origin"] == "https://example.com"
