"""Non-proxy AWS (Lambda custom) and MOCK integrations over real HTTP, real workers behind them.

Facts: reference apigateway-lambda.md section 3; passthrough table from
https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html;
selection patterns from https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html;
"Output mapping refers to an invalid method response" / "No match for output mapping" from real console logs
(code index 27372721637, 10703122078).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from serverlite.template.model import (
    Function,
    Integration,
    Method,
    MethodResponse,
    Resource,
    RestApi,
    Stage,
)

from .serving import Served, serve

CODE = Path(__file__).parent / "non_proxy_functions"
URI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:{}/invocations"


def _function(name: str, handler: str) -> Function:
    return Function(
        logical_id=name,
        name=name,
        arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        handler=f"handlers.{handler}",
        runtime="python3.12",
        code_dir=CODE,
    )


FUNCTIONS = [
    _function("Identity", "identity"),
    _function("FailWith", "fail_with"),
    _function("Table", "table"),
    _function("Nothing", "nothing"),
]
OK = {"200": MethodResponse("200")}


def _aws(
    function: str,
    *,
    templates: dict[str, str] | None = None,
    passthrough: str = "WHEN_NO_MATCH",
    responses: dict[str, dict[str, object]] | None = None,
    method_responses: dict[str, MethodResponse] | None = OK,
    http_method: str = "POST",
) -> Method:
    integration = Integration(
        type="AWS",
        uri=URI.format(function),
        function=function,
        passthrough_behavior=passthrough,
        request_templates=templates or {},
        responses=responses if responses is not None else {"default": {"statusCode": "200"}},
    )
    return Method(http_method, integration, method_responses=method_responses)


TEMPLATE = (
    '{"name": $input.json(\'$.name\'), "q": "$input.params(\'q\')", "id": "$input.params(\'id\')",'
    ' "stage": "$context.stage", "color": "$stageVariables.color", "method": "$context.httpMethod"}'
)
ERRORS = {
    "default": {"statusCode": "200"},
    "Bad.*": {
        "statusCode": "400",
        "responseTemplates": {"application/json": '{"error": "$input.path(\'$.errorMessage\')"}'},
    },
    "Not found: .*": {"statusCode": "404"},
}
HEADERS = {
    "default": {
        "statusCode": "200",
        "responseParameters": {
            "method.response.header.X-Static": "'static value'",
            "method.response.header.X-Lambda-Id": "integration.response.header.x-amzn-RequestId",
            "method.response.header.X-Stage": "context.stage",
            "method.response.header.X-Color": "stageVariables.color",
            "method.response.header.X-Name": "integration.response.body.name",
        },
        "responseTemplates": {
            "application/json": (
                "#set($context.responseOverride.status = 202)"
                "#set($context.responseOverride.header.X-Override = 'yes')"
                "{\"wrapped\": $input.json('$')}"
            ),
            "application/xml": "<name>$input.path('$.name')</name>",
        },
    }
}
MOCK_TEMPLATE = {"application/json": "{\"statusCode\": $input.params('code')}"}
MOCK_RESPONSES = {
    "default": {
        "statusCode": "200",
        "responseParameters": {
            "method.response.header.Access-Control-Allow-Origin": "'https://example.com'",
            "method.response.header.Access-Control-Allow-Methods": "'GET,POST'",
        },
        "responseTemplates": {"application/json": "{}\n"},
    },
    "4\\d{2}": {"statusCode": "418", "responseTemplates": {"application/json": '{"teapot": true}'}},
}


def _mock(templates: dict[str, str] | None, responses: dict[str, dict[str, object]]) -> Method:
    integration = Integration(type="MOCK", request_templates=templates or {}, responses=responses)
    return Method(
        "OPTIONS", integration, method_responses={"200": MethodResponse("200"), "418": MethodResponse("418")}
    )


API = RestApi(
    logical_id="Api",
    id="np1234abcd",
    name="NonProxy",
    resources=(
        Resource(id="root01", path="/"),
        Resource(id="plain1", path="/plain", methods={"POST": _aws("Identity")}),
        Resource(id="never1", path="/never", methods={"POST": _aws("Identity", passthrough="NEVER")}),
        Resource(
            id="tmpl01",
            path="/templated/{id}",
            methods={
                "POST": _aws(
                    "Identity", templates={"application/json": TEMPLATE}, passthrough="WHEN_NO_TEMPLATES"
                )
            },
        ),
        Resource(
            id="match1",
            path="/match",
            methods={"POST": _aws("Identity", templates={"application/json": TEMPLATE})},
        ),
        Resource(
            id="errs01",
            path="/errors",
            methods={
                "POST": _aws(
                    "FailWith",
                    responses=ERRORS,
                    method_responses={"200": MethodResponse("200"), "400": MethodResponse("400")},
                )
            },
        ),
        Resource(
            id="nomr01",
            path="/no-method-response",
            methods={"POST": _aws("Identity", responses={"default": {"statusCode": "201"}})},
        ),
        Resource(id="nodef1", path="/no-default", methods={"POST": _aws("Identity", responses={})}),
        Resource(
            id="hdrs01",
            path="/headers",
            methods={
                "POST": _aws("Identity", responses=HEADERS, method_responses={"200": MethodResponse("200")})
            },
        ),
        Resource(id="table1", path="/table", methods={"PUT": _aws("Table", http_method="PUT")}),
        Resource(id="none01", path="/none", methods={"GET": _aws("Nothing", http_method="GET")}),
        Resource(id="mock01", path="/mock", methods={"OPTIONS": _mock(MOCK_TEMPLATE, MOCK_RESPONSES)}),
        Resource(id="mock02", path="/mock-bare", methods={"OPTIONS": _mock(None, MOCK_RESPONSES)}),
    ),
    stages={"Test": Stage(name="Test", deployment_id="dep001", variables={"color": "blue"})},
)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    with serve([API], FUNCTIONS, tmp_path_factory.mktemp("non-proxy-data")) as running:
        yield running


JSON = [("Content-Type", "application/json")]


def test_without_templates_the_body_is_the_event(served):
    """Reference 3.1 (LocalStack test_lambda_aws_integration, AWS-validated): the raw body is the event."""
    status, headers, body = served.request("POST", "/Test/plain", JSON, b'{"message":"hello world"}')
    assert status == 200
    assert json.loads(body) == {"message": "hello world"}
    assert headers["Content-Type"] == "application/json"
    assert "x-amzn-RequestId" in headers


def test_an_empty_body_is_the_event_empty_object(served):
    """Reference 3.1: an empty payload reaches Lambda as `{}`."""
    assert served.request("POST", "/Test/plain", [], b"")[2] == b"{}"


def test_a_body_that_is_not_json_is_a_400(served):
    status, headers, body = served.request("POST", "/Test/plain", [("Content-Type", "text/plain")], b"hello")
    assert status == 400
    assert json.loads(body)["message"].startswith("Could not parse request body into json:")
    assert headers["x-amzn-ErrorType"] == "BadRequestException"


def test_never_without_templates_is_415(served):
    """Passthrough table: no templates + NEVER -> 415 (default gateway response body, compact)."""
    status, headers, body = served.request("POST", "/Test/never", JSON, b"{}")
    assert (status, body) == (415, b'{"message":"Unsupported Media Type"}')
    assert headers["Content-Type"] == "application/json"
    assert headers["x-amzn-ErrorType"] == "BadRequestException"


def test_when_no_templates_with_an_unmatched_type_is_415(served):
    status, _, body = served.request(
        "POST", "/Test/templated/7", [("Content-Type", "application/xml")], b"<a/>"
    )
    assert (status, body) == (415, b'{"message":"Unsupported Media Type"}')


def test_when_no_match_with_an_unmatched_type_passes_the_body_through(served):
    status, _, body = served.request("POST", "/Test/match", [("Content-Type", "text/plain")], b'{"raw": 1}')
    assert (status, json.loads(body)) == (200, {"raw": 1})


def test_the_template_for_the_content_type_renders_the_event(served):
    headers = [("Content-Type", "application/json; charset=utf-8")]
    status, _, body = served.request("POST", "/Test/templated/7?q=x", headers, b'{"name": "Ann"}')
    assert status == 200
    assert json.loads(body) == {
        "name": "Ann",
        "q": "x",
        "id": "7",
        "stage": "Test",
        "color": "blue",
        "method": "POST",
    }


def test_no_content_type_selects_the_application_json_template(served):
    status, _, body = served.request("POST", "/Test/templated/7", [], b'{"name": "Bo"}')
    assert status == 200 and json.loads(body)["name"] == "Bo"


def test_a_template_reading_a_body_that_is_not_json_is_a_400(served):
    status, headers, body = served.request("POST", "/Test/templated/7", JSON, b"not json")
    assert status == 400
    assert json.loads(body)["message"].startswith("Could not parse request body into json:")


def test_function_error_without_matching_pattern_is_200_with_the_error_document(served):
    """Reference 3.2: unhandled errors take the default response (200) and the error document as body."""
    status, _, body = served.request("POST", "/Test/errors", JSON, b'{"message": "something else"}')
    assert status == 200
    document = json.loads(body)
    assert document["errorMessage"] == "something else" and document["errorType"] == "RuntimeError"


def test_selection_pattern_matches_the_whole_error_message(served):
    status, headers, body = served.request("POST", "/Test/errors", JSON, b'{"message": "Bad input: x"}')
    assert (status, json.loads(body)) == (400, {"error": "Bad input: x"})
    assert headers["Content-Type"] == "application/json"
    # `Bad.*` must match from the start: a message that only contains it does not select it.
    assert served.request("POST", "/Test/errors", JSON, b'{"message": "Not Bad"}')[0] == 200


def test_a_selected_status_without_method_response_is_500(served):
    status, headers, body = served.request("POST", "/Test/no-method-response", JSON, b"{}")
    assert (status, body) == (500, b'{"message": "Internal server error"}')
    assert headers["x-amzn-ErrorType"] == "InternalServerErrorException"


def test_nothing_to_select_is_500(served):
    assert served.request("POST", "/Test/no-default", JSON, b"{}")[:3:2] == (
        500,
        b'{"message": "Internal server error"}',
    )


def test_response_parameters_templates_and_overrides(served):
    status, headers, body = served.request("POST", "/Test/headers", JSON, b'{"name": "Cy"}')
    assert status == 202  # $context.responseOverride.status
    assert json.loads(body) == {"wrapped": {"name": "Cy"}}
    assert headers["X-Static"] == "static value"
    assert len(headers["X-Lambda-Id"]) == 36
    assert headers["X-Stage"] == "Test" and headers["X-Color"] == "blue" and headers["X-Name"] == "Cy"
    assert headers["X-Override"] == "yes"
    assert headers["Content-Type"] == "application/json"


def test_the_accept_header_selects_the_response_template(served):
    headers = [*JSON, ("Accept", "application/xml")]
    status, response_headers, body = served.request("POST", "/Test/headers", headers, b'{"name": "Di"}')
    assert (status, body) == (200, b"<name>Di</name>")
    assert response_headers["Content-Type"] == "application/xml"


def test_the_tutorials_create_table_answer(served):
    """The tutorial (seed text): without proxy integration, code and message are combined in the body."""
    status, headers, body = served.request("PUT", "/Test/table", [("table", "Music")])
    assert status == 200
    assert body == b'{"statusCode": 200, "body": "\\"Table created\\""}'
    assert headers["Content-Type"] == "application/json"


def test_a_function_returning_none_answers_null(served):
    assert served.request("GET", "/Test/none")[2] == b"null"


def test_mock_status_code_selects_the_integration_response(served):
    status, headers, body = served.request("OPTIONS", "/Test/mock?code=200")
    assert (status, body) == (200, b"{}\n")
    assert headers["Access-Control-Allow-Origin"] == "https://example.com"
    assert headers["Access-Control-Allow-Methods"] == "GET,POST"
    status, _, body = served.request("OPTIONS", "/Test/mock?code=404")
    assert (status, body) == (418, b'{"teapot": true}')


def test_mock_without_a_status_code_is_500(served):
    """LocalStack mock.py: `Unable to parse statusCode` is a configuration error."""
    assert served.request("OPTIONS", "/Test/mock-bare")[0] == 500


def test_test_invoke_logs_the_non_proxy_steps(served):
    invocation = served.gateway.test_invoke(
        "POST", "/templated/3", headers=[("Content-Type", "application/json")], body=b'{"name": "Ed"}'
    )
    result = asyncio.run_coroutine_threadsafe(invocation, served.loop).result(30)
    assert result.status == 200
    messages = [line.split(" : ", 1)[-1] for line in result.log[1:]]
    assert messages[0].startswith("Starting execution for request: ")
    assert 'Method request body before transformations: {"name": "Ed"}' in messages
    after = [m for m in messages if m.startswith("Endpoint request body after transformations: ")]
    assert json.loads(after[0].split(": ", 1)[1])["stage"] == "test-invoke-stage"
    assert any(m.startswith("Endpoint response body before transformations: ") for m in messages)
    assert any(m.startswith("Method response body after transformations: ") for m in messages)
    assert messages[-2:] == ["Successfully completed execution", "Method completed with status: 200"]
