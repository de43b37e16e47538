"""DescribeLimits, DescribeEndpoints and ListTables pagination through boto3."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_describe_limits(client: Any) -> None:
    answer = client.describe_limits()
    answer.pop("ResponseMetadata")
    # Default quotas: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
    assert answer == {
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }


def test_describe_endpoints(client: Any) -> None:
    answer = client.describe_endpoints()
    assert answer["Endpoints"] == [
        {"Address": "dynamodb.us-east-1.amazonaws.com", "CachePeriodInMinutes": 1440}
    ]


def test_list_tables_pages(client: Any) -> None:
    prefix = f"lt{uuid.uuid4().hex[:8]}"
    names = [f"{prefix}-{i}" for i in range(3)]
    for name in names:
        client.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    # ExclusiveStartTableName need not exist (dynalite test/listTables.js, observed AWS).
    first = client.list_tables(ExclusiveStartTableName=prefix, Limit=2)
    assert first["TableNames"] == names[:2]
    assert first["LastEvaluatedTableName"] == names[1]
    second = client.list_tables(ExclusiveStartTableName=names[1], Limit=1)
    assert second["TableNames"] == [names[2]]
    everything = client.list_tables(ExclusiveStartTableName=names[1], Limit=100)
    # "should have no LastEvaluatedTableName if the limit is large enough" (dynalite, observed AWS).
    assert names[2] in everything["TableNames"] and "LastEvaluatedTableName" not in everything


def test_list_tables_checks_limit_before_start_name(server: Any) -> None:
    import boto3
    from botocore.config import Config

    raw = boto3.client(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )
    with pytest.raises(ClientError) as caught:
        raw.list_tables(ExclusiveStartTableName="a;", Limit=500)
    # dynalite test/listTables.js "should return ValidationExceptions in order" (observed AWS).
    assert caught.value.response["Error"]["Message"] == (
        "3 validation errors detected: "
        "Value '500' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100; "
        "Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3"
    )
