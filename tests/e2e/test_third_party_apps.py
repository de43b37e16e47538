"""Issue 4 acceptance: third-party code, unchanged, answers its routes behind `serverlite start`.

- examples/powertools: aws-lambda-powertools' APIGatewayRestResolver behind `/` and `/{proxy+}`; the
  resolver itself answers 404 `{"statusCode":404,"message":"Not found"}` for routes it does not know.
- examples/fastapi_mangum: FastAPI wrapped with Mangum behind `/` and `/{proxy+}`; FastAPI's own 404 and 422.
  Mangum returns a `content-length` header, which API Gateway renames `x-amzn-Remapped-content-length`
  (reference apigateway-lambda.md 2.6).
"""

from __future__ import annotations

import http.client

from .conftest import REPO

_VOLATILE = {"date", "x-amzn-requestid", "x-amz-apigw-id", "x-amzn-trace-id", "connection", "server"}


def _call(
    port: int, method: str, target: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, target, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    headers_out = [(k, v) for k, v in response.getheaders() if k.lower() not in _VOLATILE]
    return response.status, headers_out, data


def _json(length: int) -> list[tuple[str, str]]:
    return [("Content-Type", "application/json"), ("Content-Length", str(length))]


def test_powertools_rest_resolver_app(start_serverlite):
    server = start_serverlite("--template", str(REPO / "examples/powertools/template.yaml")).wait_ready(120)
    port = server.port
    todo = b'{"id":"1","title":"Write tests","done":false}'
    assert _call(port, "GET", "/Prod/") == (200, _json(19), b'{"service":"todos"}')
    assert _call(port, "GET", "/Prod/todos?done=false") == (200, _json(57), b'{"todos":[' + todo + b"]}")
    assert _call(port, "GET", "/Prod/todos?done=true") == (200, _json(12), b'{"todos":[]}')
    assert _call(port, "GET", "/Prod/todos/1") == (200, _json(45), todo)
    missing = b'{"statusCode":404,"message":"todo 99 not found"}'
    assert _call(port, "GET", "/Prod/todos/99") == (404, _json(len(missing)), missing)
    created = _call(port, "POST", "/Prod/todos", b'{"title":"x"}', {"Content-Type": "application/json"})
    assert created == (201, _json(35), b'{"id":"2","title":"x","done":false}')
    # Unknown to the resolver, but routed by `{proxy+}`: the resolver's own 404.
    not_found = b'{"statusCode":404,"message":"Not found"}'
    assert _call(port, "GET", "/Prod/nope/deeper") == (404, _json(len(not_found)), not_found)
    whoami = b'{"path":"/whoami","resource":"/{proxy+}","stage":"Prod","agent":"tester"}'
    assert _call(port, "GET", "/Prod/whoami", headers={"User-Agent": "tester"}) == (200, _json(73), whoami)


def _mangum(length: int, content_type: str = "application/json") -> list[tuple[str, str]]:
    return [
        ("x-amzn-Remapped-content-length", str(length)),
        ("content-type", content_type),
        ("Content-Length", str(length)),
    ]


def test_fastapi_with_mangum_app(start_serverlite):
    server = start_serverlite("--template", str(REPO / "examples/fastapi_mangum/template.yaml")).wait_ready(
        120
    )
    port = server.port
    assert _call(port, "GET", "/Prod/") == (200, _mangum(17), b'{"hello":"world"}')
    item = b'{"id":1,"name":"hammer","price":9.5,"q":"x"}'
    assert _call(port, "GET", "/Prod/items/1?q=x") == (200, _mangum(44), item)
    assert _call(port, "GET", "/Prod/items/5") == (404, _mangum(27), b'{"detail":"Item not found"}')
    status, _, body = _call(port, "GET", "/Prod/items/abc")
    assert status == 422 and b'"loc":["path","item_id"]' in body
    created = _call(
        port, "POST", "/Prod/items", b'{"name":"saw","price":3}', {"Content-Type": "application/json"}
    )
    assert created == (201, _mangum(33), b'{"id":2,"name":"saw","price":3.0}')
    text = _call(port, "GET", "/Prod/text")
    assert text == (200, [("x-app", "fastapi"), *_mangum(10, "text/plain; charset=utf-8")], b"plain text")
    assert _call(port, "GET", "/Prod/missing") == (404, _mangum(22), b'{"detail":"Not Found"}')
