"""The Streams API core with a pinned clock: iterator expiry, the 24-hour trim, TrimmedDataAccessException."""

from __future__ import annotations

import json

from serverlite.dynamodb.protocol import DynamoDBServer
from serverlite.dynamodb.storage.database import open_database
from serverlite.dynamodb.streams.retention import StreamTrimmer


class _Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def _server():
    clock = _Clock()
    database = open_database(None)
    server = DynamoDBServer(database, region="eu-west-1", account_id="123456789012", clock=clock)

    def call(target: str, body: dict) -> tuple[int, dict]:
        status, raw = server.handle_sync(target, json.dumps(body).encode())
        return status, json.loads(raw)

    call(
        "DynamoDB_20120810.CreateTable",
        {
            "TableName": "Songs",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        },
    )
    return call, clock, database


def _iterator(call, kind: str = "TRIM_HORIZON", **extra) -> str:
    _, table = call("DynamoDB_20120810.DescribeTable", {"TableName": "Songs"})
    arn = table["Table"]["LatestStreamArn"]
    _, stream = call("DynamoDBStreams_20120810.DescribeStream", {"StreamArn": arn})
    shard = stream["StreamDescription"]["Shards"][0]["ShardId"]
    body = {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": kind, **extra}
    status, answer = call("DynamoDBStreams_20120810.GetShardIterator", body)
    assert status == 200, answer
    return answer["ShardIterator"]


def test_label_is_the_creation_time_and_records_carry_the_region():
    call, clock, _ = _server()
    _, table = call("DynamoDB_20120810.DescribeTable", {"TableName": "Songs"})
    assert table["Table"]["LatestStreamLabel"] == "2023-11-14T22:13:20.000"
    call("DynamoDB_20120810.PutItem", {"TableName": "Songs", "Item": {"pk": {"S": "a"}}})
    _, page = call("DynamoDBStreams_20120810.GetRecords", {"ShardIterator": _iterator(call)})
    (record,) = page["Records"]
    assert record["awsRegion"] == "eu-west-1"
    assert record["dynamodb"] == {
        "ApproximateCreationDateTime": 1700000000.0,
        "Keys": {"pk": {"S": "a"}},
        "SequenceNumber": "000000000000000000001",
        "SizeBytes": 3,
        "StreamViewType": "KEYS_ONLY",
    }


def test_iterator_expires_after_15_minutes():
    call, clock, _ = _server()
    iterator = _iterator(call)
    clock.now += 15 * 60
    assert call("DynamoDBStreams_20120810.GetRecords", {"ShardIterator": iterator})[0] == 200
    clock.now += 1
    status, error = call("DynamoDBStreams_20120810.GetRecords", {"ShardIterator": iterator})
    assert (status, error) == (
        400,
        {
            "__type": "com.amazonaws.dynamodb.v20120810#ExpiredIteratorException",
            "message": "The provided iterator exceeds the maximum age allowed.",
        },
    )


def test_records_are_trimmed_after_24_hours():
    call, clock, database = _server()
    call("DynamoDB_20120810.PutItem", {"TableName": "Songs", "Item": {"pk": {"S": "old"}}})
    _, page = call("DynamoDBStreams_20120810.GetRecords", {"ShardIterator": _iterator(call)})
    old_number = page["Records"][0]["dynamodb"]["SequenceNumber"]
    clock.now += 24 * 3600 - 300
    call("DynamoDB_20120810.PutItem", {"TableName": "Songs", "Item": {"pk": {"S": "new"}}})
    stale = _iterator(call, "AT_SEQUENCE_NUMBER", SequenceNumber=old_number)
    clock.now += 301
    assert StreamTrimmer(database).trim_once() == 1
    _, page = call("DynamoDBStreams_20120810.GetRecords", {"ShardIterator": _iterator(call)})
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["new"]
    trimmed = "com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException"
    status, error = call("DynamoDBStreams_20120810.GetRecords", {"ShardIterator": stale})
    assert (status, error["__type"]) == (400, trimmed)
    body = {"SequenceNumber": old_number}
    _, table = call("DynamoDB_20120810.DescribeTable", {"TableName": "Songs"})
    arn = table["Table"]["LatestStreamArn"]
    _, stream = call("DynamoDBStreams_20120810.DescribeStream", {"StreamArn": arn})
    shard = stream["StreamDescription"]["Shards"][0]["ShardId"]
    body |= {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "AFTER_SEQUENCE_NUMBER"}
    status, error = call("DynamoDBStreams_20120810.GetShardIterator", body)
    assert (status, error["__type"]) == (400, trimmed)


def test_unknown_streams_operation():
    call, _, _ = _server()
    status, error = call("DynamoDBStreams_20120810.PutRecord", {})
    assert (status, error) == (400, {"__type": "com.amazon.coral.service#UnknownOperationException"})
