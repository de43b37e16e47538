"""Lambda answers of payload format 2.0 and 1.0 as HTTP API clients see them.

2.0 inference: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
("Lambda function response for format 2.0") and the client's view of the same rules in
https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html ("Response payload format", "Cookies").
"""

from __future__ import annotations

import json

import pytest

from serverlite.gateway.v2.errors import InternalServerError
from serverlite.gateway.v2.responses import response_v1, response_v2


def test_a_string_without_status_code_is_a_200_json_body():
    # "Hello, world!" -> content-type: application/json, content-length: 15 (the quotes stay).
    response = response_v2(json.dumps("Hello, world!").encode())
    assert (response.status, response.body) == (200, b'"Hello, world!"')
    assert response.headers == [("Content-Type", "application/json")]


def test_an_object_without_status_code_is_its_json_text():
    payload = b'{"message": "Hello from Lambda!"}'
    response = response_v2(payload)
    assert (response.status, response.body, response.headers) == (
        200,
        payload,
        [("Content-Type", "application/json")],
    )


def test_a_custom_response_with_cookies():
    payload = {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json", "My-Custom-Header": "Custom Value"},
        "body": json.dumps({"message": "Hello, world!"}),
        "cookies": ["Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT", "Cookie_2=Value2; Max-Age=78000"],
        "isBase64Encoded": False,
    }
    response = response_v2(json.dumps(payload).encode())
    assert response.status == 201
    assert response.body == b'{"message": "Hello, world!"}'
    assert response.headers == [
        ("Content-Type", "application/json"),
        ("My-Custom-Header", "Custom Value"),
        ("Set-Cookie", "Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT"),
        ("Set-Cookie", "Cookie_2=Value2; Max-Age=78000"),
    ]


def test_base64_bodies_are_decoded_and_multi_value_headers_ignored():
    payload = {"statusCode": 200, "body": "aGk=", "isBase64Encoded": True, "multiValueHeaders": {"X": ["a"]}}
    response = response_v2(json.dumps(payload).encode())
    assert response.body == b"hi"
    assert response.headers == [("Content-Type", "text/plain; charset=utf-8")]


@pytest.mark.parametrize(
    "payload",
    [
        {"statusCode": "abc"},
        {"statusCode": 200, "body": {"a": 1}},
        {"statusCode": 200, "headers": ["x"]},
        {"statusCode": 200, "cookies": "a=1"},
        {"statusCode": 200, "body": "@@", "isBase64Encoded": True},
        {"statusCode": 700},
    ],
)
def test_unusable_2_0_answers_are_internal_server_errors(payload):
    with pytest.raises(InternalServerError) as raised:
        response_v2(json.dumps(payload).encode())
    response = raised.value.to_response()
    assert (response.status, response.body) == (500, b'{"message":"Internal Server Error"}')


def test_1_0_answers_follow_the_proxy_contract_with_base64_decoded():
    payload = {
        "statusCode": 200,
        "multiValueHeaders": {"X": ["a", "b"]},
        "body": "aGk=",
        "isBase64Encoded": True,
    }
    response = response_v1(json.dumps(payload).encode())
    assert (response.status, response.body) == (200, b"hi")
    assert response.headers == [("X", "a"), ("X", "b"), ("Content-Type", "application/json")]
    with pytest.raises(InternalServerError):
        response_v1(b'{"statusCode": 200, "unknown": 1}')
