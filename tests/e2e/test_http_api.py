"""`serverlite start` serving SAM HTTP APIs (implicit and explicit, `$default` and named stages) and a function
URL, with the URLs printed at start (issue 17)."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
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

    # RESPONSE_STREAM: named at start, answered buffered.
    assert server.wait_for_line("Not emulated: StreamUrl") == (
        "Not emulated: StreamUrl InvokeMode RESPONSE_STREAM (answered buffered: Python handlers return whole "
        "responses)"
    )
    stream_line = server.wait_for_line("Function URL StreamUrl")
    stream_port = int(stream_line.rsplit(":", 1)[1].rstrip("/"))
    assert json.loads(_get(stream_port, "/s")[2])["rawPath"] == "/s"


REPO = Path(__file__).resolve().parents[2]
_VOLATILE = {"date", "apigw-requestid", "server"}


def _call(
    port: int, method: str, target: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, target, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, [(k, v) for k, v in response.getheaders() if k.lower() not in _VOLATILE], data


def test_powertools_http_resolver_app(start_serverlite):
    """Unchanged aws-lambda-powertools APIGatewayHttpResolver behind the `$default` route (payload 2.0)."""
    server = start_serverlite("--template", str(REPO / "examples/powertools_http/template.yaml")).wait_ready(
        120
    )
    port = server.port

    def json_headers(length: int) -> list[tuple[str, str]]:
        return [("Content-Type", "application/json"), ("Content-Length", str(length))]

    todo = b'{"id":"1","title":"Write tests","done":false}'
    assert _call(port, "GET", "/") == (200, json_headers(19), b'{"service":"todos"}')
    assert _call(port, "GET", "/todos?done=false") == (200, json_headers(57), b'{"todos":[' + todo + b"]}")
    assert _call(port, "GET", "/todos/1") == (200, json_headers(45), todo)
    missing = b'{"statusCode":404,"message":"todo 99 not found"}'
    assert _call(port, "GET", "/todos/99") == (404, json_headers(len(missing)), missing)
    created = _call(port, "POST", "/todos", b'{"title":"x"}', {"Content-Type": "application/json"})
    assert created == (201, json_headers(35), b'{"id":"2","title":"x","done":false}')
    not_found = b'{"statusCode":404,"message":"Not found"}'
    assert _call(port, "GET", "/nope/deeper") == (404, json_headers(len(not_found)), not_found)
    whoami = _call(port, "GET", "/whoami", headers={"User-Agent": "tester", "Cookie": "a=1; b=2"})
    assert json.loads(whoami[2]) == {
        "path": "/whoami",
        "route": "$default",
        "stage": "$default",
        "agent": "tester",
        "cookies": ["a=1", "b=2"],
    }


def test_fastapi_with_mangum_behind_an_http_api(start_serverlite):
    """The unchanged FastAPI + Mangum app of examples/fastapi_mangum behind an HTTP API."""
    server = start_serverlite("--template", str(REPO / "examples/fastapi_http/template.yaml")).wait_ready(120)
    port = server.port

    def mangum(length: int, content_type: str = "application/json") -> list[tuple[str, str]]:
        return [("content-type", content_type), ("Content-Length", str(length))]

    assert _call(port, "GET", "/") == (200, mangum(17), b'{"hello":"world"}')
    item = b'{"id":1,"name":"hammer","price":9.5,"q":"x"}'
    assert _call(port, "GET", "/items/1?q=x") == (200, mangum(44), item)
    assert _call(port, "GET", "/items/5") == (404, mangum(27), b'{"detail":"Item not found"}')
    status, _, body = _call(port, "GET", "/items/abc")
    assert status == 422 and b'"loc":["path","item_id"]' in body
    created = _call(port, "POST", "/items", b'{"name":"saw","price":3}', {"Content-Type": "application/json"})
    assert created == (201, mangum(33), b'{"id":2,"name":"saw","price":3.0}')
    text = _call(port, "GET", "/text")
    assert text == (200, [("x-app", "fastapi"), *mangum(10, "text/plain; charset=utf-8")], b"plain text")


def _mint(*args: str) -> str:
    script = REPO / "examples/http_api_jwt/mint_token.py"
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


def test_jwt_example_answers_its_readme(start_serverlite):
    """examples/http_api_jwt: the README's curl commands and the answers it lists."""
    _mint()  # creates the example's key and JWKS on first use
    jwks = REPO / "examples/http_api_jwt/.serverlite/jwks.json"
    server = start_serverlite(
        "--template", str(REPO / "examples/http_api_jwt/template.yaml"), "--jwks", f"UserPool={jwks}"
    ).wait_ready(120)
    port = server.port
    token, id_token = _mint("--scope", "notes/write"), _mint()
    json_body = {"content-type": "application/json"}
    assert _call(port, "GET", "/notes")[::2] == (200, b'{"notes": []}')
    status, headers, body = _call(port, "POST", "/notes", b'{"text":"hi"}')
    assert (status, body, dict(headers)["www-authenticate"]) == (401, b'{"message":"Unauthorized"}', "Bearer")
    status, headers, body = _call(
        port, "POST", "/notes", b'{"text":"hi"}', {"Authorization": f"Bearer {id_token}", **json_body}
    )
    assert (status, body) == (403, b'{"message":"Forbidden"}')
    assert 'error="insufficient_scope"' in dict(headers)["www-authenticate"]
    status, _, body = _call(
        port, "POST", "/notes", b'{"text":"first note"}', {"Authorization": f"Bearer {token}", **json_body}
    )
    note = json.loads(body)
    assert (status, note["text"], note["author"]) == (201, "first note", "alice")
    assert json.loads(_call(port, "GET", "/notes")[2]) == {"notes": [note]}
    assert json.loads(_call(port, "GET", "/me", headers={"Authorization": f"Bearer {token}"})[2]) == {
        "sub": "alice",
        "scopes": None,
    }
    preflight = {
        "Origin": "http://localhost:5173",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    status, headers, _ = _call(port, "OPTIONS", "/notes", headers=preflight)
    assert status == 204
    assert [pair for pair in headers if pair[0].startswith("access-control-")] == [
        ("access-control-allow-origin", "http://localhost:5173"),
        ("access-control-allow-methods", "GET,POST"),
        ("access-control-allow-headers", "authorization,content-type"),
        ("access-control-max-age", "600"),
    ]
    expired = _mint("--expires-in", "-60")
    assert _call(port, "GET", "/me", headers={"Authorization": expired})[0] == 401


def _serverlite(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "serverlite", *args, "--template", str(TEMPLATE)]
    if args[0] == "test-invoke":
        command += ["--data-dir", str(data_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=REPO)


def test_test_invoke_runs_an_http_api_route(tmp_path):
    done = _serverlite("test-invoke", "GET", "/hello/ada", "--query", "x=1", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["Request: /hello/ada?x=1", "Status: 200"]
    assert lines[4] == '{"hello": "ada", "routeKey": "GET /hello/{name}", "rawPath": "/hello/ada"}'
    assert lines[6] == '{"content-type": "application/json", "x-greeting": "hi"}'
    assert lines[8].startswith("Execution log for request ") and lines[9:] == [
        "Route: GET /hello/{name}",
        "Method completed with status: 200",
    ]
    missing = _serverlite("test-invoke", "POST", "/nowhere", "--api", "ItemsApi", data_dir=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (1, "Error: no route matches POST /nowhere")


def test_openapi_exports_an_http_api(tmp_path):
    done = _serverlite("openapi", "--api", "ItemsApi", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["servers"] == [{"url": "http://127.0.0.1:3000/dev"}]
    integrations = {
        path: item["get"]["x-amazon-apigateway-integration"] for path, item in document["paths"].items()
    }
    assert {path: value["payloadFormatVersion"] for path, value in integrations.items()} == {
        "/items": "2.0",
        "/legacy": "1.0",
    }
