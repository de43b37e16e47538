"""`$context`, `$stageVariables` and the request/response overrides.

Sources: AWS mapping template reference ($context table, "$stageVariables" syntax table) and
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html
"""

from __future__ import annotations

import json

from serverlite.gateway.vtl import render, render_response


def out(template, data):
    return render(template, data).output


def test_context_variables_nest(make):
    template = "$context.requestId $context.identity.sourceIp $context.httpMethod $context.resourcePath"
    assert out(template, make()) == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef 192.0.2.1 POST /music/{id}"


def test_absent_context_values_render_empty(make):
    # Reference 3.4: absent values in the passthrough template render "".
    assert out('"$context.authorizer.claims.sub" "$context.nope.deeper"', make()) == '"" ""'


def test_the_docs_context_example(make):
    # AWS doc "$context Variable Template Example".
    template = """{
    "stage" : "$context.stage",
    "request_id" : "$context.requestId",
    "api_id" : "$context.apiId",
    "resource_path" : "$context.resourcePath",
    "resource_id" : "$context.resourceId",
    "http_method" : "$context.httpMethod",
    "source_ip" : "$context.identity.sourceIp",
    "user-agent" : "$context.identity.userAgent",
    "account_id" : "$context.identity.accountId",
    "api_key" : "$context.identity.apiKey",
    "caller" : "$context.identity.caller",
    "user" : "$context.identity.user",
    "user_arn" : "$context.identity.userArn"
}"""
    assert json.loads(out(template, make())) == {
        "stage": "test",
        "request_id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "api_id": "abcdefghij",
        "resource_path": "/music/{id}",
        "resource_id": "r00001",
        "http_method": "POST",
        "source_ip": "192.0.2.1",
        "user-agent": "curl/8.1.2",
        "account_id": "",
        "api_key": "",
        "caller": "",
        "user": "",
        "user_arn": "",
    }


def test_stage_variables_three_syntaxes(make):
    # AWS doc "$stageVariables": $stageVariables.<name>, $stageVariables['<name>'], ${stageVariables['<name>']}.
    assert (
        out("$stageVariables.table $stageVariables['table'] ${stageVariables['table']}", make())
        == "Music Music Music"
    )


def test_request_overrides_are_captured(make):
    template = """#set($context.requestOverride.header.X-Amz-Target = "AWSEvents.PutEvents")
#set($context.requestOverride.querystring.q = "1")
#set($context.requestOverride.path.id = "7")
body"""
    rendered = render(template, make())
    assert rendered.output == "body"
    assert rendered.request_overrides == {
        "header": {"X-Amz-Target": "AWSEvents.PutEvents"},
        "querystring": {"q": "1"},
        "path": {"id": "7"},
    }
    assert rendered.response_overrides == {"status": None, "header": {}}


def test_response_overrides_are_captured(make):
    # The override doc's example sets the status from the integration's body.
    template = """#set($inputRoot = $input.path('$'))
$inputRoot.body
#if($inputRoot.status != 200)
#set ($context.responseOverride.status = $inputRoot.status)
#set ($context.responseOverride.header.Content-Type = 'text/plain')
#end
"""
    rendered = render_response(template, make(), '{"status": 404, "body": "gone"}')
    assert rendered.output.strip() == "gone"
    assert rendered.response_overrides == {"status": 404, "header": {"Content-Type": "text/plain"}}


def test_response_status_set_as_text(make):
    assert (
        render('#set($context.responseOverride.status = "400")', make()).response_overrides["status"] == 400
    )


def test_overrides_do_not_leak_between_renders(make):
    data = make()
    render('#set($context.requestOverride.header.X = "v")', data)
    assert render("", data).request_overrides["header"] == {}
