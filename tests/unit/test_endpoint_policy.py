"""The Host and Origin rules of serverlite's own endpoints (serverlite.endpoint_policy, issue 15)."""

from __future__ import annotations

import json

import pytest

from serverlite.endpoint_policy import (
    EndpointPolicy,
    Refusal,
    console_origins,
    exposure_warning,
    is_loopback,
    parse_allowed_host,
    parse_origin_pattern,
)

DEFAULT = EndpointPolicy.create("127.0.0.1")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8000",
        "localhost:8000",
        "LOCALHOST:8000",
        "localhost.:8000",
        "app.localhost:3000",  # RFC 6761: browsers resolve *.localhost to loopback themselves
        "[::1]:8000",
        "[::1]",
        "127.0.0.1",
        "192.168.1.5:8000",  # an address: a page addressed by IP has that IP as its origin
        "10.0.0.1",
    ],
)
def test_loopback_names_and_addresses_are_served(host: str) -> None:
    assert DEFAULT.host_allowed(host)
    assert DEFAULT.refusal(host, None) is None


@pytest.mark.parametrize(
    "host", ["evil.example:8000", "evil.example", "localhost.evil.example:8000", "127.0.0.1.nip.io:8000", ""]
)
def test_other_names_are_refused(host: str) -> None:
    assert not DEFAULT.host_allowed(host)


def test_the_host_refusal_says_how_to_allow_the_name() -> None:
    refusal = DEFAULT.refusal("Evil.Example:8000", None)
    assert refusal == Refusal(
        "Host 'Evil.Example:8000' is not allowed: serverlite answers requests for localhost, IP addresses "
        "and its --host only, so that no web page can reach it by pointing its own name at this machine "
        "(DNS rebinding). To allow this name, start serverlite with --allowed-host evil.example"
    )
    assert (refusal.status, refusal.code) == (403, "AccessDeniedException")


def test_the_host_listened_on_and_allowed_hosts_are_served() -> None:
    policy = EndpointPolicy.create("devbox.lan", ["dev.example.", "Other.Example:9000"])
    assert policy.host_allowed("devbox.lan:8000")
    assert policy.host_allowed("dev.example:8000")
    assert policy.host_allowed("other.example")
    assert not policy.host_allowed("sub.dev.example:8000")
    assert EndpointPolicy.create("127.0.0.1", ["*"]).host_allowed("anything.example:1")


def test_no_host_header_is_not_a_browser() -> None:
    assert DEFAULT.refusal(None, None) is None


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "http://127.0.0.1:5173", "http://localhost:3002", "null", "https://localhost"],
)
def test_by_default_no_origin_is_allowed(origin: str) -> None:
    assert not DEFAULT.origin_allowed(origin)
    assert DEFAULT.refusal("127.0.0.1:8000", origin) == Refusal(
        f"Origin {origin!r} is not allowed: web pages of other origins cannot call this endpoint. "
        f"To allow this one, start serverlite with --allow-origin {origin}"
    )


def test_origins_exact_by_port_pattern_and_any() -> None:
    policy = EndpointPolicy.create(
        "127.0.0.1", allowed_origins=["http://localhost:5173/", "HTTP://127.0.0.1:*", "https://app.example"]
    )
    assert policy.origin_allowed("http://localhost:5173")
    assert not policy.origin_allowed("http://localhost:5174")
    assert policy.origin_allowed("http://127.0.0.1:9")
    assert policy.origin_allowed("http://127.0.0.1")
    assert not policy.origin_allowed("http://127.0.0.1:9.evil.example")
    assert not policy.origin_allowed("https://127.0.0.1:9")
    assert policy.origin_allowed("https://app.example")
    assert not policy.origin_allowed("https://app.example:8443")
    assert EndpointPolicy(allowed_origins=["*"]).origin_allowed("null")


def test_cors_headers_name_the_allowed_origin() -> None:
    policy = EndpointPolicy(allowed_origins=["http://localhost:5173"])
    assert policy.cors_headers(None) == []
    assert policy.cors_headers("http://localhost:5173") == [
        ("Access-Control-Allow-Origin", "http://localhost:5173"),
        ("Vary", "Origin"),
    ]
    asked = {"access-control-request-method": "POST", "access-control-request-headers": "x-amz-target"}
    assert policy.preflight_headers("http://localhost:5173", asked) == [
        ("Access-Control-Allow-Origin", "http://localhost:5173"),
        ("Vary", "Origin"),
        ("Access-Control-Allow-Headers", "x-amz-target"),
        ("Access-Control-Allow-Methods", "POST"),
        ("Access-Control-Max-Age", "172800"),
    ]
    assert EndpointPolicy(allowed_origins=["*"]).cors_headers("http://a.example") == [
        ("Access-Control-Allow-Origin", "*")
    ]


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("*", "*"),
        ("null", "null"),
        ("http://localhost:5173/", "http://localhost:5173"),
        ("https://App.Example", "https://app.example"),
        ("http://[::1]:*", "http://[::1]:*"),
    ],
)
def test_allow_origin_values(text: str, normalized: str) -> None:
    assert parse_origin_pattern(text) == normalized


@pytest.mark.parametrize(
    "text", ["localhost:5173", "http://a.example/path", "ftp://a.example", "http://*.example"]
)
def test_bad_allow_origin_values(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_origin_pattern(text)
    assert str(raised.value) == (
        f"expected an origin such as http://localhost:5173, http://localhost:* or *, got {text!r}"
    )


def test_allowed_host_values() -> None:
    assert parse_allowed_host("Dev.Example:8000") == "dev.example"
    assert parse_allowed_host("*") == "*"
    assert parse_allowed_host("[::1]") == "[::1]"
    with pytest.raises(ValueError) as raised:
        parse_allowed_host("http://dev.example/")
    assert str(raised.value) == "expected a host name such as myhost.example or *, got 'http://dev.example/'"


def test_refusal_as_aws_json() -> None:
    body = Refusal("no").aws_json("com.amazon.coral.service#")
    assert json.loads(body) == {"__type": "com.amazon.coral.service#AccessDeniedException", "message": "no"}


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("devbox.lan", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_console_origins() -> None:
    assert console_origins("127.0.0.1", 3002) == (
        "http://localhost:3002",
        "http://127.0.0.1:3002",
        "http://[::1]:3002",
    )
    assert console_origins("devbox.lan", 3002)[-1] == "http://devbox.lan:3002"


def test_exposure_warning_only_beyond_loopback() -> None:
    reachable = [("http://0.0.0.0:8000", "every table")]
    assert exposure_warning("127.0.0.1", reachable) == []
    assert exposure_warning("0.0.0.0", reachable) == [
        "Warning: --host 0.0.0.0 is not a loopback address; reachable from the network:",
        "  http://0.0.0.0:8000: every table",
    ]
