"""A Lambda authorizer's policy against the method ARN (IAM wildcards; Deny wins; no Allow is a deny).

https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html and
https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer (explicit vs implicit deny texts).
"""

import pytest

from serverlite.gateway.errors import AuthorizerConfigurationError, AuthorizerDenied
from serverlite.gateway.lambda_authorizers import AuthorizerResult, _parse

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/dev/GET/music/42"


def _result(*statements):
    return AuthorizerResult("user", tuple(statements), {})


def _statement(effect, resource, action="execute-api:Invoke"):
    return {"Effect": effect, "Action": action, "Resource": resource}


@pytest.mark.parametrize(
    "resource",
    [
        ARN,
        "arn:aws:execute-api:us-east-1:123456789012:abc123defg/*",
        "arn:aws:execute-api:*:*:*/dev/GET/music/*",
        [ARN.replace("GET", "PUT"), "arn:aws:execute-api:us-east-1:*:abc123defg/dev/???/music/42"],
    ],
)
def test_allow_matches_with_wildcards(resource):
    _result(_statement("Allow", resource)).decide(ARN)


def test_explicit_deny_wins():
    with pytest.raises(AuthorizerDenied) as denied:
        _result(_statement("Allow", "*"), _statement("Deny", ARN)).decide(ARN)
    assert denied.value.to_response().body == (
        b'{"Message":"User is not authorized to access this resource with an explicit deny"}'
    )


def test_no_matching_allow_is_an_implicit_deny():
    with pytest.raises(AuthorizerDenied) as denied:
        _result(_statement("Allow", ARN + "/more"), _statement("Allow", ARN, action="s3:GetObject")).decide(
            ARN
        )
    response = denied.value.to_response()
    assert (response.status, response.body) == (
        403,
        b'{"Message":"User is not authorized to access this resource"}',
    )
    assert ("x-amzn-ErrorType", "AccessDeniedException") in response.headers


def test_answer_parsing():
    result = _parse(
        '{"principalId": 7, "policyDocument": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}},'
        ' "context": {"n": 1.5, "b": false, "s": "x", "gone": null}, "usageIdentifierKey": "k"}',
        None,
    )
    assert result.principal_id == "7" and len(result.statements) == 1
    assert result.context == {"n": "1.5", "b": "false", "s": "x"} and result.usage_identifier_key == "k"


@pytest.mark.parametrize(
    "payload",
    [
        '"nope"',
        "{}",
        '{"principalId": "u"}',
        '{"principalId": "u", "policyDocument": {}}',
        '{"principalId": "u", "policyDocument": {"Statement": []}, "context": {"o": {"a": 1}}}',
    ],
)
def test_unusable_answers_are_configuration_errors(payload):
    with pytest.raises(AuthorizerConfigurationError) as error:
        _parse(payload, None)
    response = error.value.to_response()
    assert (response.status, response.body) == (500, b'{"message":null}')
    assert ("x-amzn-ErrorType", "AuthorizerConfigurationException") in response.headers
