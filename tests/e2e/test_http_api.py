"""`serverlite start` serving SAM HTTP APIs (implicit and explicit, `$default` and named stages) and a function
URL, with the URLs printed at start (issue 17)."""

from __future__ import annotations

import http.client
import json
import re
from pathlib import Path

from .conftest import Serverlite

TEMPLATE = Path(__file__).parent / "http_api_app" / "template.yaml"


def _get(port: int, target: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", target, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {name.lower(): value for name, value in response.getheaders()}, data


def test_http_apis_and_a_function_url(start_serverlite):
    server: Serverlite = start_serverlite("--template", str(TEMPLATE), "--function-url-port", "0").wait_ready(
        120
    )
    base = f"http://127.0.0.1:{server.port}"
    implicit = server.wait_for_line("stage $default:")
    assert re.fullmatch(rf"  serverlite \([a-z0-9]{{10}}, HTTP API\) stage \$default: {base}/", implicit)
    assert server.wait_for_line("stage dev:").endswith(f"stage dev: {base}/dev/")
    url_line = server.wait_for_line("Function URL HelloUrl")
    url_port = int(
        re.fullmatch(r"Function URL HelloUrl \(Hello\): http://127\.0\.0\.1:(\d+)/", url_line).group(1)
    )

    status, headers, body = _get(server.port, "/hello/ada")
    assert status == 200
    assert json.loads(body) == {"hello": "ada", "routeKey": "GET /hello/{name}", "rawPath": "/hello/ada"}
    assert len(headers["apigw-requestid"]) == 16

    assert _get(server.port, "/dev/items")[2] == b'{"items": [], "stage": "dev", "table": "items"}'
    assert json.loads(_get(server.port, "/dev/legacy")[2]) == {"path": "/dev/legacy", "stage": "dev"}
    assert _get(server.port, "/nothing")[:3:2] == (404, b'{"message":"Not Found"}')

    status, headers, body = _get(url_port, "/any/path", {"Origin": "https://app.example.com"})
    assert status == 200
    assert json.loads(body) == {"hello": "url", "routeKey": "$default", "rawPath": "/any/path"}
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert headers["access-control-expose-headers"] == "x-greeting"
    assert len(headers["x-amzn-requestid"]) == 36
