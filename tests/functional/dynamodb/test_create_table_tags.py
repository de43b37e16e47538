"""CreateTable's Tags through boto3: checked with TagResource's rules, listed by ListTagsOfResource.

Tag rules and messages: operations/tagging.py (ack-api-quirks DynamoDB catalogue DDB-TABLE-105..108,
dynalite test/tagResource.js). CreateTable accepts Tags
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html#DDB-CreateTable-request-Tags).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _create(client: Any, tags: list[dict[str, str]]) -> dict[str, Any]:
    response: dict[str, Any] = client.create_table(
        TableName=f"Tagged-{uuid.uuid4().hex[:8]}",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        Tags=tags,
    )
    return response


def test_tags_given_at_creation_are_listed(client: Any) -> None:
    tags = [{"Key": "team", "Value": "core"}, {"Key": "env", "Value": ""}]
    arn = _create(client, tags)["TableDescription"]["TableArn"]
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == tags
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "edge"}])
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"][0] == {"Key": "team", "Value": "edge"}


def test_no_tags_lists_empty(client: Any) -> None:
    arn = _create(client, [])["TableDescription"]["TableArn"]
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([{"Key": "aws:x", "Value": "v"}], "Tag Key cannot be prefixed with aws:, Key: aws:x"),
        ([{"Key": "bad!", "Value": "v"}], "The Tag Key provided is invalid, Key: bad!"),
        ([{"Key": "k", "Value": "bad!"}], "The Tag Value provided is invalid, Value: bad!"),
        (
            [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}],
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found k",
        ),
        (
            [{"Key": f"k{i}", "Value": "v"} for i in range(51)],
            "Number of Tags exceed the current limit for the provided ResourceArn",
        ),
    ],
)
def test_invalid_tags_are_refused_and_create_nothing(
    client: Any, tags: list[dict[str, str]], message: str
) -> None:
    before = client.list_tables()["TableNames"]
    with pytest.raises(ClientError) as excinfo:
        _create(client, tags)
    error = excinfo.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationException", message)
    assert client.list_tables()["TableNames"] == before
