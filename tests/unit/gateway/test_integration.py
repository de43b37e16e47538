"""Proxy response validation: reference apigateway-lambda.md 2.2 (AWS-validated outcomes) and 2.3/2.6."""

import json

import pytest

from serverlite.gateway.errors import MalformedProxyResponse
from serverlite.gateway.integration import map_proxy_response


def _map(result, **kwargs):
    return map_proxy_response(json.dumps(result).encode(), **kwargs)


def test_status_only_gives_empty_json_response():
    response = _map({"statusCode": 200})
    assert (response.status, response.body) == (200, b"")
    assert response.headers == [("Content-Type", "application/json")]


def test_bool_header_rendered_lowercase():
    response = _map({"statusCode": 200, "headers": {"h": "v", "b": True}})
    assert ("h", "v") in response.headers and ("b", "true") in response.headers


@pytest.mark.parametrize(
    ("result", "status"),
    [
        ({"statusCode": 200, "headers": None}, 200),
        ({"statusCode": "201"}, 201),
        ({"headers": {"x": "y"}}, 200),
        ({"statusCode": 404, "body": '"Item not found"'}, 404),
    ],
)
def test_accepted(result, status):
    assert _map(result).status == status


@pytest.mark.parametrize(
    "result",
    [
        {"statusCode": 200, "wrongValue": "x"},
        "justAString",
        {"statusCode": "test"},
        {"statusCode": 200, "multiValueHeaders": {"x": "v1"}},
        {"statusCode": 200, "body": {"not": "a string"}},
        [1, 2],
    ],
)
def test_malformed(result):
    with pytest.raises(MalformedProxyResponse):
        _map(result)


def test_invalid_json_payload_is_malformed():
    with pytest.raises(MalformedProxyResponse):
        map_proxy_response(b"{not json")


def test_base64_body_returned_literally_without_binary_media_types():
    response = _map({"statusCode": 200, "body": "dGVzdA==", "isBase64Encoded": True})
    assert response.body == b"dGVzdA=="


def test_base64_body_decoded_when_accept_is_binary():
    response = _map({"statusCode": 200, "body": "dGVzdA==", "isBase64Encoded": True}, binary_response=True)
    assert response.body == b"test"


def test_multi_value_header_casing_wins_and_values_merge():
    response = _map(
        {"multiValueHeaders": {"tesT-Multi": ["value-multi"]}, "headers": {"test-multi": "value-solo"}}
    )
    assert [(n, v) for n, v in response.headers if n.lower() == "test-multi"] == [
        ("tesT-Multi", "value-multi"),
        ("tesT-Multi", "value-solo"),
    ]


def test_identical_pair_in_both_maps_appears_once():
    response = _map({"multiValueHeaders": {"X-A": ["1"]}, "headers": {"X-A": "1"}})
    assert [(n, v) for n, v in response.headers if n == "X-A"] == [("X-A", "1")]


def test_reserved_response_headers_are_remapped():
    response = _map(
        {
            "headers": {
                "Server": "mine",
                "Content-Length": "3",
                "Transfer-Encoding": "chunked",
                "Content-Type": "text/plain",
            },
            "body": "abc",
        }
    )
    assert ("x-amzn-Remapped-Server", "mine") in response.headers
    assert ("x-amzn-Remapped-Content-Length", "3") in response.headers
    assert not any(n.lower() == "transfer-encoding" for n, _ in response.headers)
    assert ("Content-Type", "text/plain") in response.headers
    assert not any(n == "Content-Type" and v == "application/json" for n, v in response.headers)
