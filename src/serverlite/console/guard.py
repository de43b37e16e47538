"""Who may use the console: its own pages, in a browser that holds the token of the printed URL (issue 15).

Every request passes these checks, in this order, before any handler runs:

1. `Host`: as `serverlite.endpoint_policy` allows it (no DNS-rebinding page reaches the console);
2. `Origin`, when sent: the console's own (`http://` + `Host`), so no page of another origin drives it;
3. under `/api/`: the `X-Serverlite-Token` header equals the token printed with the console's URL (unless
   started with `--no-console-token`), so that even a page that could send a request cannot read or change
   anything; the page keeps the token and sends it with every call;
4. under `/api/`, requests other than GET and HEAD: `Content-Type: application/json`, which no cross-site
   form can send (only `application/x-www-form-urlencoded`, `multipart/form-data` and `text/plain`).

Refusals are answered before anything happens: the console's JSON errors under `/api/`
(`{"error": {"type", "message"}}`), the message as text elsewhere. Every answer also forbids being framed
by another page (clickjacking) and sending its URL, with the token, as a `Referer`.
"""

from __future__ import annotations

import hmac
import typing as t

from aiohttp import web

from serverlite.console.wire import json_response
from serverlite.endpoint_policy import EndpointPolicy, Refusal, host_refusal

__all__ = ["TOKEN_HEADER", "console_guard", "protect_responses"]

TOKEN_HEADER = "X-Serverlite-Token"
_SAFE_METHODS = ("GET", "HEAD")
_PROTECTIONS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
Handler = t.Callable[[web.Request], t.Awaitable[web.StreamResponse]]


def console_guard(token: str | None, policy: EndpointPolicy) -> t.Callable[..., t.Awaitable[t.Any]]:
    """The middleware that refuses what the checks above do not let through (`token` None: no token)."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        refusal = _refusal(request, token, policy)
        if refusal is None:
            return await handler(request)
        if request.path.startswith("/api/"):
            error = {"type": refusal.code, "message": refusal.message}
            return json_response({"error": error}, refusal.status)
        return web.Response(status=refusal.status, text=refusal.message + "\n")

    return guard


async def protect_responses(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: no framing by other pages, no Referer with the token."""
    for name, value in _PROTECTIONS.items():
        response.headers.setdefault(name, value)


def _refusal(request: web.Request, token: str | None, policy: EndpointPolicy) -> Refusal | None:
    host = request.headers.get("Host")
    if host is not None and not policy.host_allowed(host):
        return host_refusal(host)
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != f"http://{host}".lower():
        return Refusal(
            f"Origin {origin!r} is not the console's own: pages of other origins cannot use the console"
        )
    if not request.path.startswith("/api/"):
        return None
    if token is not None and not hmac.compare_digest(
        request.headers.get(TOKEN_HEADER, "").encode(), token.encode()
    ):
        return Refusal(
            "This request does not carry the console's token: open the Console URL that serverlite printed "
            "at start (it ends in ?token=...); a token of an earlier start is no longer valid"
        )
    if request.method not in _SAFE_METHODS and request.content_type != "application/json":
        return Refusal(
            f"Content-Type {request.content_type!r} is not accepted: the console's API takes "
            "application/json",
            code="UnsupportedMediaType",
            status=415,
        )
    return None
