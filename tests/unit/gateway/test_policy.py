"""Resource policy evaluation (reference apigateway-lambda.md 4.2 and section 6)."""

import json

import pytest

from serverlite.gateway.policy import AccessDenied, PolicyRequest, ResourcePolicy

ARN = "arn:aws:execute-api:us-east-2:123456781977:fywvr4qneh"


def _request(method="GET", path="/sentiment/", source_ip="203.0.113.9", vpcs=None):
    return PolicyRequest(
        region="us-east-2",
        account_id="123456781977",
        api_id="fywvr4qneh",
        stage="api",
        method=method,
        path=path,
        source_ip=source_ip,
        vpcs=vpcs or {},
    )


def _allow(resource="execute-api:/*", **extra):
    return {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": resource,
        **extra,
    }


def _deny(resource="execute-api:/*", **extra):
    return {**_allow(resource, **extra), "Effect": "Deny"}


def _check(statements, request):
    ResourcePolicy({"Version": "2012-10-17", "Statement": statements}).check(request)


def test_allow_all():
    _check([_allow()], _request())


def test_implicit_deny_message_masks_the_account():
    """Real message shape: G1 6816509159 (`...:********1977:fywvr4qneh/api/GET/sentiment/`)."""
    with pytest.raises(AccessDenied) as raised:
        _check([_allow(f"{ARN}/api/POST/*")], _request())
    response = raised.value.to_response()
    assert response.status == 403
    assert json.loads(response.body) == {
        "Message": "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        "arn:aws:execute-api:us-east-2:********1977:fywvr4qneh/api/GET/sentiment/"
    }
    assert ("x-amzn-ErrorType", "AccessDeniedException") in response.headers


def test_explicit_deny_wins():
    with pytest.raises(AccessDenied) as raised:
        _check([_allow(), _deny(f"{ARN}/*/GET/sentiment/*")], _request())
    assert raised.value.detail.endswith("/api/GET/sentiment/ with an explicit deny")


@pytest.mark.parametrize(("source_ip", "allowed"), [("10.1.2.3", True), ("203.0.113.9", False)])
def test_ip_allow_list_as_sam_writes_it(source_ip, allowed):
    """SAM's IpRangeWhitelist: Allow + Deny when NotIpAddress (reference 6.4)."""
    statements = [
        _allow(),
        _deny(Condition={"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.1.1"]}}),
    ]
    if allowed:
        _check(statements, _request(source_ip=source_ip))
    else:
        with pytest.raises(AccessDenied):
            _check(statements, _request(source_ip=source_ip))


def test_source_vpc_from_declared_cidrs():
    statements = [_allow(Condition={"StringEquals": {"aws:SourceVpc": "vpc-1a2b"}})]
    _check(statements, _request(source_ip="172.31.4.5", vpcs={"vpc-1a2b": ["172.31.0.0/16"]}))
    with pytest.raises(AccessDenied):
        _check(statements, _request(source_ip="127.0.0.1", vpcs={"vpc-1a2b": ["172.31.0.0/16"]}))


def test_wildcards_in_resources_and_actions():
    _check([{**_allow(f"{ARN}/a?i/*/sentiment/*"), "Action": "execute-api:*"}], _request())
    with pytest.raises(AccessDenied):
        _check([_allow(f"{ARN}/api/GET/other")], _request())


def test_account_principal_does_not_match_anonymous_callers():
    with pytest.raises(AccessDenied):
        _check([{**_allow(), "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}}], _request())


def test_not_action_and_not_resource():
    _check(
        [
            {
                "Effect": "Allow",
                "Principal": "*",
                "NotAction": "execute-api:ManageConnections",
                "NotResource": f"{ARN}/api/DELETE/*",
            }
        ],
        _request(),
    )
    with pytest.raises(AccessDenied):
        _check(
            [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "NotResource": f"{ARN}/api/GET/*",
                }
            ],
            _request(),
        )
