"""Which browsers serverlite's own endpoints answer: the Host and Origin rules, in one place.

The console, the DynamoDB endpoint and the Lambda/Logs endpoint hold the developer's data and run their
functions, and they check no credentials for callers on this machine. A web page the developer happens to
open must not reach them (issue 15). Two ways a page could, and the rule against each:

* **DNS rebinding**: a page of `evil.example` has its name re-resolved to 127.0.0.1, and its requests,
  now same-origin, reach a local server with `Host: evil.example:PORT` and can read the answers
  (webpack/webpack-dev-server#887). Rule: answer only a Host that no web page can point at us by DNS:
  `localhost` and `*.localhost` (browsers resolve them to loopback themselves), IP addresses (a page
  addressed by IP has that IP as its origin, so no name is rebound), the `--host` serverlite listens on,
  and the names given with `--allowed-host`. Vite allows the same set by default (its
  `server.allowedHosts`, https://vite.dev/config/server-options.html#server-allowedhosts).
* **Cross-site requests**: a form or `fetch` of another origin. Rule: a request carrying an `Origin`
  that is not allowed is refused before it does anything (a CORS header alone would only hide the
  answer, not stop a `DeleteTable`); allowed origins get CORS headers for themselves. Allowed by default:
  the console's own origins; more with `--allow-origin` (`http://localhost:5173`, a port pattern
  `http://localhost:*`, or `*` for any). LocalStack likewise refuses other origins by default (its
  `EXTRA_CORS_ALLOWED_ORIGINS`). Clients that send no `Origin` (AWS CLI, SDKs, boto3 in the functions)
  are not browsers running someone's page, and pass.

The user's APIs on the gateway are not subject to this: API Gateway serves them to any Host and Origin.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "ACCESS_DENIED",
    "DYNAMODB_EXPOSURE",
    "EndpointPolicy",
    "Refusal",
    "console_origins",
    "exposure_warning",
    "host_refusal",
    "is_loopback",
    "parse_allowed_host",
    "parse_origin_pattern",
]

ACCESS_DENIED = "AccessDeniedException"
#: What anyone who reaches the DynamoDB endpoint can do (said when it listens beyond loopback).
DYNAMODB_EXPOSURE = (
    "every table, read and changed without credentials (only the functions' calls are checked)"
)
ANY = "*"
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
_CORS_MAX_AGE = "172800"  # what DynamoDB answers preflights with (architect/dynalite, test/connection.js)
_CORS_ECHO = (
    ("access-control-request-headers", "Access-Control-Allow-Headers"),
    ("access-control-request-method", "Access-Control-Allow-Methods"),
)
# scheme://host[:port | :*], no path; the host may be a bracketed IPv6 address.
_ORIGIN_PATTERN = re.compile(r"^(https?)://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}|\*))?$")
_HOST_VALUE = re.compile(r"^(\*|([a-z0-9_.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?)$")
_SEEN_HOSTS_LIMIT = 256


@dataclass(frozen=True)
class Refusal:
    """A request refused before it did anything: HTTP 403, an AWS error code, a message saying why."""

    message: str
    code: str = ACCESS_DENIED
    status: int = 403

    def aws_json(self, type_prefix: str = "") -> bytes:
        """The AWS JSON error body, `{"__type": ..., "message": ...}`, as SDKs parse it."""
        body = {"__type": type_prefix + self.code, "message": self.message}
        return json.dumps(body, separators=(",", ":")).encode()


class EndpointPolicy:
    """The Host and Origin rules of one serverlite endpoint (see the module docstring)."""

    def __init__(self, allowed_hosts: Iterable[str] = (), allowed_origins: Iterable[str] = ()) -> None:
        """`allowed_hosts`: names served besides the built-in ones (`*`: any Host); `allowed_origins`:
        origins or `scheme://host:*` patterns (`*`: any), each checked by `parse_origin_pattern`."""
        self._hosts = frozenset(_host_name(name) for name in allowed_hosts)
        patterns = tuple(dict.fromkeys(parse_origin_pattern(o) for o in allowed_origins))
        self._any_origin = ANY in patterns
        self._origins = frozenset(p for p in patterns if not p.endswith(":*"))
        self._origin_prefixes = tuple(p[:-1] for p in patterns if p.endswith(":*") and p != ANY)
        self._seen: dict[str, bool] = {}  # Host header -> allowed; a client sends the same one each time

    @classmethod
    def create(
        cls, host: str, allowed_hosts: Iterable[str] = (), allowed_origins: Iterable[str] = ()
    ) -> EndpointPolicy:
        """The policy of endpoints listening on `host` (the `--host` value, always served)."""
        return cls([host, *allowed_hosts], allowed_origins)

    def refusal(self, host: str | None, origin: str | None) -> Refusal | None:
        """Why a request with these `Host` and `Origin` headers is refused, or None to serve it."""
        if host is not None and not self.host_allowed(host):
            return host_refusal(host)
        if origin is not None and not self.origin_allowed(origin):
            return Refusal(
                f"Origin {origin!r} is not allowed: web pages of other origins cannot call this endpoint. "
                f"To allow this one, start serverlite with --allow-origin {origin}"
            )
        return None

    def host_allowed(self, host: str) -> bool:
        """Whether a request with this `Host` header is served (no DNS-rebinding page can send it)."""
        allowed = self._seen.get(host)
        if allowed is None:
            name = _host_name(host)
            allowed = ANY in self._hosts or name in self._hosts or _is_local_name(name) or _is_address(name)
            if len(self._seen) < _SEEN_HOSTS_LIMIT:
                self._seen[host] = allowed
        return allowed

    def origin_allowed(self, origin: str) -> bool:
        """Whether a page of this origin may call the endpoint."""
        origin = origin.strip().lower()
        if self._any_origin or origin in self._origins:
            return True
        return any(_port_matches(origin, prefix) for prefix in self._origin_prefixes)

    def cors_headers(self, origin: str | None) -> list[tuple[str, str]]:
        """The CORS header fields for an answer to an allowed `origin` (none without one)."""
        if origin is None:
            return []
        if self._any_origin:
            return [("Access-Control-Allow-Origin", ANY)]
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]

    def preflight_headers(self, origin: str, request: Mapping[str, str]) -> list[tuple[str, str]]:
        """The header fields of a 200 answer to an allowed origin's preflight (`request`: its
        header fields, names lower-cased): what it asks for is allowed, for two days."""
        fields = self.cors_headers(origin)
        fields += [(allowed, request[asked]) for asked, allowed in _CORS_ECHO if asked in request]
        fields.append(("Access-Control-Max-Age", _CORS_MAX_AGE))
        return fields


def host_refusal(host: str) -> Refusal:
    """The refusal of a request whose `Host` is not served."""
    name = _host_name(host)
    return Refusal(
        f"Host {host!r} is not allowed: serverlite answers requests for localhost, IP addresses and its "
        "--host only, so that no web page can reach it by pointing its own name at this machine (DNS "
        f"rebinding). To allow this name, start serverlite with --allowed-host {name}"
    )


def parse_allowed_host(text: str) -> str:
    """An `--allowed-host` value: a host name (a port is ignored), a bracketed IPv6 address, or `*`.

    Raises:
        ValueError: anything else, e.g. a URL.
    """
    if _HOST_VALUE.match(text.strip().lower()):
        return _host_name(text)
    raise ValueError(f"expected a host name such as myhost.example or *, got {text!r}")


def parse_origin_pattern(text: str) -> str:
    """An `--allow-origin` value, normalized: `*`, `null`, `scheme://host[:port]` or `scheme://host:*`.

    Raises:
        ValueError: anything else, e.g. a path or a missing scheme.
    """
    value = text.strip().lower().rstrip("/")
    if value in (ANY, "null") or _ORIGIN_PATTERN.match(value):
        return value
    raise ValueError(
        f"expected an origin such as http://localhost:5173, http://localhost:* or *, got {text!r}"
    )


def console_origins(host: str, port: int) -> tuple[str, ...]:
    """The origins of a console served on host:port: the loopback names and `host`."""
    names = dict.fromkeys([*_LOOPBACK_NAMES, _url_host(host)])
    return tuple(f"http://{name}:{port}" for name in names)


def is_loopback(host: str) -> bool:
    """Whether listening on `host` keeps every endpoint to this machine."""
    name = _host_name(host)
    if _is_local_name(name):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, reachable: Sequence[tuple[str, str]]) -> list[str]:
    """The lines that say what listening on a non-loopback `host` opens to the network (none on
    loopback); `reachable`: (URL, what anyone reaching it can do) per endpoint."""
    if is_loopback(host):
        return []
    lines = [f"Warning: --host {host} is not a loopback address; reachable from the network:"]
    lines += [f"  {url}: {what}" for url, what in reachable]
    return lines


def _host_name(host: str) -> str:
    """`Host` header or `--host` value -> lower-case name without port or trailing dot; IPv6 bracketed."""
    value = host.strip().lower()
    if value.startswith("["):
        value = value[: value.find("]") + 1]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    elif value.count(":") > 1:  # a bare IPv6 address (`--host ::1`)
        value = f"[{value}]"
    return value.rstrip(".")


def _url_host(host: str) -> str:
    return _host_name(host) or host


def _is_local_name(name: str) -> bool:
    # RFC 6761 section 6.3: `localhost` and its subdomains are loopback; browsers never ask DNS for them.
    return name == "localhost" or name.endswith(".localhost")


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name[1:-1] if name.startswith("[") else name)
    except ValueError:
        return False
    return True


def _port_matches(origin: str, prefix: str) -> bool:
    """`origin` is `prefix` (`scheme://host:`) followed by a port, or the scheme's default port."""
    if origin == prefix[:-1]:
        return True
    return origin.startswith(prefix) and origin[len(prefix) :].isdigit()
