"""The console's "Method Request passthrough" template (reference apigateway-lambda.md 3.4, G1 52427659598)."""

from __future__ import annotations

import json

from serverlite.gateway.vtl import render

PASSTHROUGH = """##  See http://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
##  This template will pass through all parameters including path, querystring, header, stage variables, and context through to the integration endpoint via the body/payload
#set($allParams = $input.params())
{
"body-json" : $input.json('$'),
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
},
"stage-variables" : {
#foreach($key in $stageVariables.keySet())
"$key" : "$util.escapeJavaScript($stageVariables.get($key))"
    #if($foreach.hasNext),#end
#end
},
"context" : {
    "account-id" : "$context.identity.accountId",
    "api-id" : "$context.apiId",
    "api-key" : "$context.identity.apiKey",
    "authorizer-principal-id" : "$context.authorizer.principalId",
    "caller" : "$context.identity.caller",
    "cognito-authentication-provider" : "$context.identity.cognitoAuthenticationProvider",
    "cognito-authentication-type" : "$context.identity.cognitoAuthenticationType",
    "cognito-identity-id" : "$context.identity.cognitoIdentityId",
    "cognito-identity-pool-id" : "$context.identity.cognitoIdentityPoolId",
    "http-method" : "$context.httpMethod",
    "stage" : "$context.stage",
    "source-ip" : "$context.identity.sourceIp",
    "user" : "$context.identity.user",
    "user-agent" : "$context.identity.userAgent",
    "user-arn" : "$context.identity.userArn",
    "request-id" : "$context.requestId",
    "resource-id" : "$context.resourceId",
    "resource-path" : "$context.resourcePath"
    }
}
"""


def test_passthrough_event_key_by_key(make):
    event = json.loads(render(PASSTHROUGH, make('{"artist": "Nina", "n": 5}')).output)
    assert list(event) == ["body-json", "params", "stage-variables", "context"]
    assert event["body-json"] == {"artist": "Nina", "n": 5}
    assert event["params"] == {
        "path": {"id": "42"},
        "querystring": {"artist": "x"},
        "header": {"Content-Type": "application/json", "User-Agent": "curl/8.1.2"},
    }
    assert event["stage-variables"] == {"table": "Music"}
    assert event["context"] == {
        "account-id": "",
        "api-id": "abcdefghij",
        "api-key": "",
        "authorizer-principal-id": "",
        "caller": "",
        "cognito-authentication-provider": "",
        "cognito-authentication-type": "",
        "cognito-identity-id": "",
        "cognito-identity-pool-id": "",
        "http-method": "POST",
        "stage": "test",
        "source-ip": "192.0.2.1",
        "user": "",
        "user-agent": "curl/8.1.2",
        "user-arn": "",
        "request-id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "resource-id": "r00001",
        "resource-path": "/music/{id}",
    }


def test_passthrough_of_a_get_without_body_or_parameters(make):
    data = make("", path_params={}, query_params={}, headers={}, stage_variables={}, context={})
    event = json.loads(render(PASSTHROUGH, data).output)
    # Reference 3.3: "body-json": {} for an empty body; empty maps stay empty objects.
    assert event["body-json"] == {}
    assert event["params"] == {"path": {}, "querystring": {}, "header": {}}
    assert event["stage-variables"] == {}
    assert set(event["context"].values()) == {""}


def test_passthrough_escapes_parameter_values(make):
    data = make("", headers={"X-Quote": 'say "hi"', "X-Path": "a/b"})
    header = json.loads(render(PASSTHROUGH, data).output)["params"]["header"]
    assert header == {"X-Quote": 'say "hi"', "X-Path": "a/b"}
