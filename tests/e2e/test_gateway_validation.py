"""Request validators end to end (examples/request_validation).

Texts: `{"message": "Missing required request parameters: [q1]"}` (AWS docs, api-gateway-request-validation
set-up; pulumi-awsx's test against a deployed API, code index 2426610479) and `{"message": "Invalid request
body"}` (curl against a deployed API, code index 1268990010); `x-amzn-ErrorType: BadRequestException` (console
Test, code index 42485901271).
"""

from __future__ import annotations

import http.client
import json

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def pets(tmp_path_factory):
    from .conftest import Serverlite

    server = Serverlite(
        ["--template", str(REPO / "examples/request_validation/template.yaml")],
        tmp_path_factory.mktemp("validation") / "data",
    ).wait_ready()
    yield server
    server.stop()


def _raw(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def test_missing_required_parameters_are_named_in_order(pets):
    status, headers, body = _raw(pets.port, "GET", "/dev/pets", {})
    assert (status, body) == (400, b'{"message": "Missing required request parameters: [type, X-Tenant]"}')
    assert headers["x-amzn-ErrorType"] == "BadRequestException"
    assert headers["Content-Type"] == "application/json"


def test_a_blank_required_parameter_is_missing(pets):
    status, _, body = _raw(pets.port, "GET", "/dev/pets?type=", {"X-Tenant": "t1"})
    assert (status, body) == (400, b'{"message": "Missing required request parameters: [type]"}')


def test_present_parameters_pass(pets):
    status, _, body = _raw(pets.port, "GET", "/dev/pets?type=dog", {"X-Tenant": "t1"})
    assert (status, json.loads(body)) == (200, {"pets": ["dog"]})


@pytest.mark.parametrize("payload", [b"{}", b'{"name": ""}', b'{"name": "x", "age": -1}', b"not json"])
def test_a_body_against_the_model_fails(pets, payload):
    status, headers, body = _raw(
        pets.port, "POST", "/dev/pets", {"Content-Type": "application/json"}, payload
    )
    assert (status, body) == (400, b'{"message": "Invalid request body"}')
    assert headers["x-amzn-ErrorType"] == "BadRequestException"


def test_a_valid_body_passes(pets):
    status, _, body = _raw(
        pets.port, "POST", "/dev/pets", {"Content-Type": "application/json"}, b'{"name": "Rex", "age": 3}'
    )
    # A MOCK has no integration body: the response template sees none (`$input` is the integration response).
    assert (status, json.loads(body)) == (201, {"created": True})
