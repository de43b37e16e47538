"""operations/query.py through the socket-free core: errors boto3 would refuse to send."""

from __future__ import annotations

import json

from serverlite.dynamodb.protocol import DynamoDBServer
from serverlite.dynamodb.storage.database import open_database


def test_limit_zero_is_worded_without_the_value() -> None:
    server = DynamoDBServer(open_database(None), region="us-east-1", account_id="123456789012")
    body = {"TableName": "abc", "KeyConditionExpression": "pk = :v", "Limit": 0}
    status, payload = server.handle_sync("DynamoDB_20120810.Query", json.dumps(body).encode())
    # nubo-db/dynamodb-conformance tests/tier3/error-messages/query.test.ts
    assert (status, json.loads(payload)) == (
        400,
        {
            "__type": "com.amazon.coral.validate#ValidationException",
            "message": "1 validation error detected: Value at 'Limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1",
        },
    )
