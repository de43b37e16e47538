"""The console's guard middleware alone (serverlite.console.guard), on a tiny app of its own."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from serverlite.console.guard import TOKEN_HEADER, console_guard, protect_responses
from serverlite.endpoint_policy import EndpointPolicy

TOKEN = "s3cret-token"
NO_TOKEN = (
    "This request does not carry the console's token: open the Console URL that serverlite printed at start "
    "(it ends in ?token=...); a token of an earlier start is no longer valid"
)


async def _ok(request: web.Request) -> web.Response:
    return web.json_response({"ran": True})


def _app(token: str | None) -> web.Application:
    app = web.Application(middlewares=[console_guard(token, EndpointPolicy())])
    app.on_response_prepare.append(protect_responses)
    app.router.add_get("/", _ok)
    app.router.add_get("/api/read", _ok)
    app.router.add_post("/api/change", _ok)
    return app


def _request(
    method: str, path: str, headers: dict[str, str], token: str | None = TOKEN, body: bytes = b""
) -> tuple[int, str, dict[str, str]]:
    async def send() -> tuple[int, str, dict[str, str]]:
        async with TestClient(TestServer(_app(token))) as client:
            sent = {"Host": f"127.0.0.1:{client.port}", **headers}
            async with client.request(method, path, headers=sent, data=body) as response:
                return response.status, await response.text(), dict(response.headers)

    return asyncio.run(send())


def _own(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {TOKEN_HEADER: TOKEN, "Content-Type": "application/json", **(extra or {})}


def test_the_page_itself_needs_no_token_and_may_not_be_framed() -> None:
    status, body, headers = _request("GET", "/", {})
    assert (status, body) == (200, '{"ran": true}')
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("sent", [None, "wrong", TOKEN + "x", ""])
def test_the_api_needs_the_token(sent: str | None) -> None:
    headers = {} if sent is None else {TOKEN_HEADER: sent}
    status, body, _ = _request("GET", "/api/read", headers)
    assert status == 403
    assert body == '{"error":{"type":"AccessDeniedException","message":"' + NO_TOKEN + '"}}'
    assert _request("GET", "/api/read", {TOKEN_HEADER: TOKEN})[:2] == (200, '{"ran": true}')


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_changes_need_json(content_type: str | None) -> None:
    headers = {TOKEN_HEADER: TOKEN} | ({} if content_type is None else {"Content-Type": content_type})
    status, body, _ = _request("POST", "/api/change", headers, body=b"{}")
    shown = content_type.split(";")[0] if content_type else "application/octet-stream"
    assert (status, body) == (
        415,
        '{"error":{"type":"UnsupportedMediaType","message":"Content-Type \'' + shown + "' is not accepted: "
        "the console's API takes application/json\"}}",
    )
    assert _request("POST", "/api/change", _own(), body=b"{}")[0] == 200


def test_a_page_of_another_origin_is_refused_even_with_the_token() -> None:
    status, body, _ = _request("POST", "/api/change", _own({"Origin": "http://127.0.0.1:5173"}), body=b"{}")
    assert (status, body) == (
        403,
        '{"error":{"type":"AccessDeniedException","message":"Origin \'http://127.0.0.1:5173\' is not the '
        "console's own: pages of other origins cannot use the console\"}}",
    )

    # Its own origin (the Host it was asked by) is fine.
    async def own_origin() -> int:
        async with TestClient(TestServer(_app(TOKEN))) as client:
            origin = f"http://127.0.0.1:{client.port}"
            async with client.post("/api/change", headers=_own({"Origin": origin}), data=b"{}") as response:
                return response.status

    assert asyncio.run(own_origin()) == 200


def test_a_rebinding_host_is_refused_everywhere() -> None:
    status, body, _ = _request("GET", "/", {"Host": "evil.example:3002"})
    assert status == 403
    assert body.startswith("Host 'evil.example:3002' is not allowed: ") and body.endswith(
        "start serverlite with --allowed-host evil.example\n"
    )
    status, body, _ = _request("GET", "/api/read", _own({"Host": "evil.example:3002"}))
    assert status == 403 and body.startswith('{"error":{"type":"AccessDeniedException","message":"Host ')


def test_without_a_token_origin_host_and_json_still_hold() -> None:
    assert _request("GET", "/api/read", {}, token=None)[0] == 200
    assert _request("POST", "/api/change", {"Content-Type": "text/plain"}, token=None, body=b"{}")[0] == 415
    assert _request("GET", "/api/read", {"Origin": "http://evil.example"}, token=None)[0] == 403
    assert _request("GET", "/api/read", {"Host": "evil.example"}, token=None)[0] == 403
