"""Identity-policy evaluation (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)."""

from __future__ import annotations

import typing as t

import pytest

from serverlite.iam.managed import managed_policy, shipped
from serverlite.iam.policy import Policy, evaluate, matches

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/Music"


def _policy(*statements: dict[str, t.Any]) -> Policy:
    return Policy.parse("p", {"Version": "2012-10-17", "Statement": list(statements)})


def _decide(
    policy: Policy, action: str = "dynamodb:PutItem", resource: str = TABLE, **context: list[str]
) -> str | None:
    return evaluate([policy], action, resource, lambda key: context.get(key)).effect


def test_no_statement_is_an_implicit_deny():
    assert _decide(_policy({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE})) is None


def test_explicit_deny_wins_over_allow():
    policy = _policy(
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:Put*", "Resource": TABLE},
    )
    assert _decide(policy) == "Deny"
    assert _decide(policy, "dynamodb:GetItem") == "Allow"


def test_actions_ignore_case_and_resources_do_not():
    policy = _policy({"Effect": "Allow", "Action": "DynamoDB:putitem", "Resource": TABLE.lower()})
    assert _decide(policy) is None
    assert _decide(_policy({"Effect": "Allow", "Action": "DynamoDB:putitem", "Resource": TABLE})) == "Allow"


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        ("arn:aws:dynamodb:*:*:table/Music", TABLE, True),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/Mus?c", TABLE, True),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/Music/index/*", TABLE + "/index/ByAlbum", True),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/Music", TABLE + "/index/ByAlbum", False),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/*", TABLE + "/stream/2024-01-01T00:00:00.000", True),
    ],
)
def test_resource_wildcards(pattern, arn, expected):
    assert matches(pattern, arn) is expected


def test_not_action_and_not_resource():
    not_action = _policy({"Effect": "Allow", "NotAction": "dynamodb:DeleteItem", "Resource": "*"})
    assert _decide(not_action) == "Allow"
    assert _decide(not_action, "dynamodb:DeleteItem") is None
    not_resource = _policy({"Effect": "Allow", "Action": "dynamodb:*", "NotResource": TABLE})
    assert _decide(not_resource) is None
    assert _decide(not_resource, resource=TABLE + "2") == "Allow"


def test_leading_keys_for_all_values():
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "dynamodb:*",
            "Resource": TABLE,
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["alice"]}},
        }
    )
    assert _decide(policy, **{"dynamodb:leadingkeys": ["alice"]}) == "Allow"
    assert _decide(policy, **{"dynamodb:leadingkeys": ["alice", "bob"]}) is None
    assert _decide(policy) == "Allow"  # ForAllValues over no values holds (IAM docs: use with care)


def test_attributes_and_if_exists_and_ip():
    attributes = _policy(
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": TABLE,
            "Condition": {
                "ForAllValues:StringEquals": {"dynamodb:Attributes": ["Artist", "SongTitle"]},
                "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
                "IpAddress": {"aws:SourceIp": "127.0.0.0/8"},
            },
        }
    )
    ok = {"dynamodb:attributes": ["Artist"], "aws:sourceip": ["127.0.0.1"]}
    assert _decide(attributes, "dynamodb:GetItem", **ok) == "Allow"
    assert _decide(attributes, "dynamodb:GetItem", **{**ok, "dynamodb:attributes": ["Secret"]}) is None
    assert _decide(attributes, "dynamodb:GetItem", **{**ok, "aws:sourceip": ["10.0.0.1"]}) is None
    assert _decide(attributes, "dynamodb:GetItem", **{**ok, "dynamodb:select": ["ALL_ATTRIBUTES"]}) is None


def test_negated_operator_holds_for_a_missing_key():
    policy = _policy(
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}},
        }
    )
    assert _decide(policy) == "Deny"


def test_managed_policies_ship_as_data():
    assert shipped() == (
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaDynamoDBExecutionRole",
        "AWSLambdaExecute",
        "AmazonDynamoDBFullAccess",
        "AmazonDynamoDBReadOnlyAccess",
    )
    read_only = managed_policy("arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess")
    assert read_only is not None
    policy = Policy.parse("ro", read_only)
    assert _decide(policy, "dynamodb:Query") == "Allow"
    assert _decide(policy, "dynamodb:PutItem") is None
    assert managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole") is not None
    assert managed_policy("arn:aws:iam::aws:policy/NotShipped") is None
