"""TagResource, UntagResource and ListTagsOfResource through boto3 against the real server.

Expected messages are AWS's, cited per test: architect/dynalite test/*Resource.js (observed AWS),
the ack-api-quirks DynamoDB catalogue (DDB-TABLE-105..108/372/374, DDB-BACKUP-013, observed AWS
2026-10) and nubo-db/dynamodb-conformance tests/tier2/tags/basic.test.ts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.functional.dynamodb.dynamodb_server import ServerProcess

ACCOUNT_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/"


def _unvalidated(server: ServerProcess) -> Any:
    """A client without client-side parameter validation, to reach the server's own checks."""
    return boto3.client(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )


def _table(client: Any) -> str:
    name = f"tags-{uuid.uuid4().hex[:12]}"
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _error(call: Callable[[], Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def test_tag_list_untag_round_trip(client: Any) -> None:
    arn = ACCOUNT_ARN + _table(client)
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
    client.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "a"}]
    )
    # Upsert keeps the tag's place (DDB-TABLE-105: TagResource upserts).
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "Env", "Value": ""}])
    listed = client.list_tags_of_resource(ResourceArn=arn)
    assert listed["Tags"] == [
        {"Key": "env", "Value": "prod"},
        {"Key": "team", "Value": "a"},
        {"Key": "Env", "Value": ""},
    ]
    assert "NextToken" not in listed
    # Untagging an absent key is a 200 no-op (DDB-TABLE-105).
    client.untag_resource(ResourceArn=arn, TagKeys=["team", "never-set"])
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "prod"},
        {"Key": "Env", "Value": ""},
    ]


def test_tags_die_with_the_table(client: Any) -> None:
    name = _table(client)
    arn = ACCOUNT_ARN + name
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    client.delete_table(TableName=name)
    # ack-api-quirks DDB-TABLE-374: tag calls on a deleted table name the ARN.
    assert _error(lambda: client.list_tags_of_resource(ResourceArn=arn)) == (
        400,
        "ResourceNotFoundException",
        f"Requested resource not found: ResourceArn: {arn} not found",
    )
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    # DDB-TABLE-455: a re-created table starts clean, nothing leaks from the deleted one.
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_fifty_tag_limit_counts_the_merged_set(client: Any) -> None:
    arn = ACCOUNT_ARN + _table(client)
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i:02}", "Value": "v"} for i in range(50)])
    # DDB-TABLE-108: re-tagging existing keys at 50 is fine, a 51st key is a ValidationException.
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k01", "Value": "new"}])
    assert _error(lambda: client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k50", "Value": "v"}])) == (
        400,
        "ValidationException",
        "Number of Tags exceed the current limit for the provided ResourceArn",
    )
    assert len(client.list_tags_of_resource(ResourceArn=arn)["Tags"]) == 50


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        # ack-api-quirks DDB-TABLE-107 (observed AWS, client validation off).
        ([], "Atleast one Tag needs to be provided as Input."),
        ([{"Key": "k" * 129, "Value": "v"}], "The Tag Key provided is invalid, Key: " + "k" * 129),
        ([{"Key": "", "Value": "v"}], "The Tag Key provided is invalid, Key: "),
        ([{"Value": "v"}], "The Tag Key provided is invalid, Key: null"),
        ([{"Key": "k"}], "The Tag Value provided is invalid, Value: null"),
        ([{"Key": "k", "Value": "v" * 257}], "The Tag Value provided is invalid, Value: " + "v" * 257),
        (
            [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found a",
        ),
        # DDB-TABLE-105: the aws: prefix is refused in any case.
        ([{"Key": "AWS:foo", "Value": "v"}], "Tag Key cannot be prefixed with aws:, Key: AWS:foo"),
        # DDB-TABLE-106/372: '#' and ',' are outside the tag character set.
        ([{"Key": "bad#char", "Value": "v"}], "The Tag Key provided is invalid, Key: bad#char"),
        ([{"Key": "k", "Value": "a,b"}], "The Tag Value provided is invalid, Value: a,b"),
    ],
)
def test_tag_validation(client: Any, server: ServerProcess, tags: list[Any], message: str) -> None:
    raw = _unvalidated(server)
    arn = ACCOUNT_ARN + _table(client)
    assert _error(lambda: raw.tag_resource(ResourceArn=arn, Tags=tags)) == (
        400,
        "ValidationException",
        message,
    )
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_tag_characters_aws_accepts(client: Any) -> None:
    arn = ACCOUNT_ARN + _table(client)
    # DDB-TABLE-106/372: letters of any script, spaces and + - = . _ : / @ are accepted.
    tags = [{"Key": "sp ace", "Value": "a b+c-d=e.f_g:h/i@j"}, {"Key": "ключ", "Value": "café表"}]
    client.tag_resource(ResourceArn=arn, Tags=tags)
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == tags


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["aws:foo"], "Tag Key cannot be prefixed with aws:, Key: aws:foo"),  # DDB-TABLE-105
        ([], "Atleast one Tag Key needs to be provided as Input."),  # DDB-TABLE-107
        ([""], "The Tag Key provided is invalid, Key: "),  # DDB-TABLE-457
        (
            [f"k{i}" for i in range(51)],
            "Number of Tags exceed the current limit for the provided ResourceArn",
        ),
    ],
)
def test_untag_validation(client: Any, server: ServerProcess, keys: list[str], message: str) -> None:
    raw = _unvalidated(server)
    arn = ACCOUNT_ARN + _table(client)
    assert _error(lambda: raw.untag_resource(ResourceArn=arn, TagKeys=keys)) == (
        400,
        "ValidationException",
        message,
    )


def test_missing_members(server: ServerProcess) -> None:
    raw = _unvalidated(server)
    # dynalite test/tagResource.js, untagResource.js, listTagsOfResource.js (observed AWS).
    assert _error(lambda: raw.list_tags_of_resource()) == (400, "ValidationException", "Invalid TableArn")
    assert _error(lambda: raw.tag_resource(Tags=[])) == (400, "ValidationException", "Invalid TableArn")
    assert _error(lambda: raw.untag_resource(ResourceArn="a:b:c:d:e:f/g")) == (
        400,
        "ValidationException",
        "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: "
        "Member must not be null",
    )


@pytest.mark.parametrize(
    ("arn", "code", "message"),
    [
        # ack-api-quirks catalogue, spec texts for ListTagsOfResource/TagResource.
        (
            "not-a-valid-arn",
            "ValidationException",
            "One or more parameter values were invalid: ARNs must start with 'arn:': not-a-valid-arn",
        ),
        (
            "arn:aws:dynamodb:us-east-1:123456789012:table/t1/backup/0170",
            "ValidationException",
            "One or more parameter values were invalid: Invalid resource arn provided, only table or "
            "stream is accepted. Provided resource arn: "
            "arn:aws:dynamodb:us-east-1:123456789012:table/t1/backup/0170",
        ),
        (
            "arn:aws:dynamodb:us-east-1:123456789012:backup/x",
            "ValidationException",
            "One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: "
            "arn:aws:dynamodb:us-east-1:123456789012:backup/x",
        ),
        # Other region: "Invalid TableArn: Invalid ResourceArn provided as input" (catalogue);
        # a two-letter table name: same text (dynalite test/listTagsOfResource.js).
        (
            "arn:aws:dynamodb:eu-west-1:123456789012:table/abc",
            "ValidationException",
            "Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:eu-west-1:123456789012:table/abc",
        ),
        (
            "arn:aws:dynamodb:us-east-1:123456789012:table/ab",
            "ValidationException",
            "Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:us-east-1:123456789012:table/ab",
        ),
        # Another account: AccessDeniedException (conformance tags/basic.test.ts).
        (
            "arn:aws:dynamodb:us-east-1:000000000000:table/nonexistent_table_xyz",
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:root is not authorized to perform: "
            "dynamodb:ListTagsOfResource on resource: "
            "arn:aws:dynamodb:us-east-1:000000000000:table/nonexistent_table_xyz because no "
            "resource-based policy allows the dynamodb:ListTagsOfResource action",
        ),
        (
            ACCOUNT_ARN + "no_such_table",
            "ResourceNotFoundException",
            f"Requested resource not found: ResourceArn: {ACCOUNT_ARN}no_such_table not found",
        ),
    ],
)
def test_resource_arn_checks(client: Any, arn: str, code: str, message: str) -> None:
    assert _error(lambda: client.list_tags_of_resource(ResourceArn=arn)) == (400, code, message)


def test_tag_on_missing_table(client: Any) -> None:
    arn = ACCOUNT_ARN + "no_such_table"
    assert _error(lambda: client.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}])) == (
        400,
        "ResourceNotFoundException",
        f"Requested resource not found: ResourceArn: {arn} not found",
    )


def test_arn_is_checked_before_empty_lists(server: ServerProcess) -> None:
    raw = _unvalidated(server)
    message = "One or more parameter values were invalid: ARNs must start with 'arn:': a:b:c:d:e:f/g"
    # dynalite test/tagResource.js, untagResource.js: the ARN error wins over Tags=[] / TagKeys=[].
    assert _error(lambda: raw.tag_resource(ResourceArn="a:b:c:d:e:f/g", Tags=[])) == (
        400,
        "ValidationException",
        message,
    )
    assert _error(lambda: raw.untag_resource(ResourceArn="a:b:c:d:e:f/g", TagKeys=[])) == (
        400,
        "ValidationException",
        message,
    )
