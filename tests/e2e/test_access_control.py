"""`serverlite start` on examples/access_control: API key + usage plan, Lambda TOKEN and REQUEST authorizers,
as a client sees them. Needs app.py to pass `usage_plans`/`api_keys` (and `--jwks`/`--credentials`) to
the Gateway; texts are cited in src/serverlite/gateway/errors.py."""

from __future__ import annotations

import http.client
import json

import pytest

from serverlite.template.usage_plans import generated_key_value

from .conftest import REPO

TEMPLATE = REPO / "examples" / "access_control" / "template.yaml"
# SAM names the key `<Api>ApiKey`; its value is generated, the same on every start.
KEY = generated_key_value("AccessApiApiKey")


@pytest.fixture
def served(start_serverlite):
    return start_serverlite("--template", str(TEMPLATE)).wait_ready()


def _get(server, path: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.getheader("x-amzn-ErrorType") or "", body


def test_access_control_end_to_end(served):
    assert _get(served, "/dev/open", {})[0] == 200
    # Token first (401 before the key is looked at), then the key.
    assert _get(served, "/dev/secret", {}) == (401, "UnauthorizedException", b'{"message":"Unauthorized"}')
    assert _get(served, "/dev/secret", {"Authorization": "Bearer letmein"}) == (
        403,
        "ForbiddenException",
        b'{"message":"Forbidden"}',
    )
    assert _get(served, "/dev/secret", {"Authorization": "Bearer nope", "x-api-key": KEY}) == (
        403,
        "AccessDeniedException",
        b'{"Message":"User is not authorized to access this resource with an explicit deny"}',
    )
    status, _, body = _get(served, "/dev/secret", {"Authorization": "Bearer letmein", "x-api-key": KEY})
    assert status == 200, body
    seen = json.loads(body)
    assert seen["authorizer"]["principalId"] == "token-user"
    assert seen["authorizer"]["tier"] == "gold" and seen["authorizer"]["level"] == "3"
    assert seen["apiKeyId"]
    # Burst 3, 1 rps: the bucket had 3 tokens and one was used above (plus refill).
    statuses = [
        _get(served, "/dev/secret", {"Authorization": "Bearer letmein", "x-api-key": KEY})[0]
        for _ in range(6)
    ]
    assert 429 in statuses


def test_request_authorizer_end_to_end(served):
    assert _get(served, "/dev/tenant", {})[0] == 401
    assert _get(served, "/dev/tenant", {"X-Tenant": "other"})[0] == 403
    status, _, body = _get(served, "/dev/tenant", {"X-Tenant": "acme"})
    assert status == 200 and json.loads(body)["authorizer"]["principalId"] == "tenant-acme"
