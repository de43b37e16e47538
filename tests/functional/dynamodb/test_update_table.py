"""UpdateTable through boto3: throughput, GSI create with backfill and delete, echoed settings."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_gsi_create_backfills_and_delete_removes(client: Any) -> None:
    name = f"Update-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    client.put_item(TableName=name, Item={"pk": {"S": "b"}})
    with pytest.raises(ClientError) as excinfo:
        client.update_table(
            TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
        )
    assert excinfo.value.response["Error"]["Message"] == (
        "The provisioned throughput for the table will not change. The requested value equals the current value."
    )
    described = client.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                }
            }
        ],
        DeletionProtectionEnabled=True,
    )["TableDescription"]
    assert described["DeletionProtectionEnabled"] is True
    items = client.query(
        TableName=name,
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}},
    )["Items"]
    assert items == [{"pk": {"S": "a"}, "g": {"S": "x"}}]
    client.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}])
    assert "GlobalSecondaryIndexes" not in client.describe_table(TableName=name)["Table"]
