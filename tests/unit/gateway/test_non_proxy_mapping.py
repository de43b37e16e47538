"""Passthrough table and integration-response selection, row by row.

Table: https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html
(reference apigateway-lambda.md 3.1). Selection: Java `Matcher.matches()` semantics, i.e. whole-value match
(https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html).
"""

from __future__ import annotations

import pytest

from serverlite.gateway.errors import ApiConfigurationError, UnsupportedMediaType
from serverlite.gateway.integration_request import select_request_template
from serverlite.gateway.integration_response import compile_responses, select_response
from serverlite.gateway.support import unsupported_features
from serverlite.template.model import GatewayResponseSetting, Integration, Method, Resource, RestApi

T = {"application/json": "json-template"}
UNSUPPORTED = UnsupportedMediaType


@pytest.mark.parametrize(
    ("templates", "content_type", "behavior", "expected"),
    [
        ({}, "application/xml", "WHEN_NO_MATCH", None),
        ({}, "application/xml", "WHEN_NO_TEMPLATES", None),
        ({}, "application/xml", "NEVER", UNSUPPORTED),
        (T, None, "WHEN_NO_MATCH", "json-template"),  # no Content-Type: application/json
        (T, None, "WHEN_NO_TEMPLATES", "json-template"),
        (T, None, "NEVER", "json-template"),
        (T, "Application/JSON; charset=utf-8", "NEVER", "json-template"),
        (T, "application/xml", "WHEN_NO_MATCH", None),
        (T, "application/xml", "WHEN_NO_TEMPLATES", UNSUPPORTED),
        (T, "application/xml", "NEVER", UNSUPPORTED),
    ],
)
def test_passthrough_table(templates, content_type, behavior, expected):
    integration = Integration(type="AWS", request_templates=templates, passthrough_behavior=behavior)
    if expected is UNSUPPORTED:
        with pytest.raises(UnsupportedMediaType) as raised:
            select_request_template(integration, content_type)
        assert raised.value.to_response().body == b'{"message":"Unsupported Media Type"}'
        assert raised.value.status == 415
    else:
        assert select_request_template(integration, content_type) == expected


RESPONSES = compile_responses(
    Integration(
        type="AWS",
        responses={
            "default": {"statusCode": "200"},
            "Bad.*": {"statusCode": "400"},
            "4\\d{2}": {"statusCode": "418"},
        },
    )
)


@pytest.mark.parametrize(
    ("value", "status"),
    [(None, "200"), ("Bad thing", "400"), ("Not Bad", "200"), ("404", "418"), ("4040", "200"), ("", "200")],
)
def test_selection_pattern_matches_the_whole_value(value, status):
    assert select_response(RESPONSES, value, 200).status_code == status


def test_no_default_and_no_match_is_a_configuration_error():
    responses = compile_responses(Integration(type="AWS", responses={"Bad.*": {"statusCode": "400"}}))
    with pytest.raises(ApiConfigurationError) as raised:
        select_response(responses, "fine", 200)
    assert str(raised.value) == (
        "Execution failed due to configuration error: No match for output mapping and no default output "
        "mapping configured. Endpoint Response Status Code: 200"
    )


def _api(integration: Integration, **extra) -> RestApi:
    method = Method("GET", integration)
    return RestApi("Api", "a1", "Api", (Resource("r1", "/x", {"GET": method}),), {}, **extra)


def test_support_accepts_aws_mock_http_and_refuses_the_rest_by_name():
    assert unsupported_features([_api(Integration(type="MOCK"))]) == []
    assert unsupported_features([_api(Integration(type="AWS", function="Fn"))]) == []
    assert unsupported_features([_api(Integration(type="HTTP", uri="http://x"))]) == []
    assert unsupported_features([_api(Integration(type="HTTP_PROXY", uri="ftp://x"))]) == [
        "REST API Api: GET /x: HTTP_PROXY integration URI 'ftp://x' is not an http URL"
    ]
    assert unsupported_features([_api(Integration(type="AWS"))]) == [
        "REST API Api: GET /x: the integration URI names no function of this template"
    ]
    converted = Integration(type="AWS", function="Fn", content_handling="CONVERT_TO_TEXT")
    assert unsupported_features([_api(converted)]) == [
        "REST API Api: GET /x: contentHandling (CONVERT_TO_TEXT/CONVERT_TO_BINARY) is not supported yet"
    ]
    custom = _api(
        Integration(type="MOCK"), gateway_responses={"DEFAULT_4XX": GatewayResponseSetting("DEFAULT_4XX")}
    )
    assert unsupported_features([custom]) == []
    unknown = _api(Integration(type="MOCK"), gateway_responses={"NOPE": GatewayResponseSetting("NOPE")})
    assert unsupported_features([unknown]) == ["REST API Api: NOPE is not a gateway response type"]
