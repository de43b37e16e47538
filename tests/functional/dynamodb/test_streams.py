"""DynamoDB Streams over HTTP: boto3's `dynamodbstreams` client against the real server process."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")


@pytest.fixture(scope="module")
def streams(server):
    return boto3.client(
        "dynamodbstreams",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )


def _table(client, view_type: str | None) -> str:
    name = f"streams-{uuid.uuid4().hex[:10]}"
    request = {
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if view_type:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    client.create_table(**request)
    return name


def _read_all(streams, stream_arn: str, kind: str = "TRIM_HORIZON", **extra) -> list[dict]:
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard, ShardIteratorType=kind, **extra
    )
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return records


def _changes(client, name: str) -> None:
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})  # no change: no record
    client.update_item(
        TableName=name,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
    )
    client.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    client.delete_item(TableName=name, Key={"pk": {"S": "absent"}})  # nothing deleted: no record


@pytest.mark.parametrize("view_type", VIEW_TYPES)
def test_every_view_type(client, streams, view_type):
    name = _table(client, view_type)
    table = client.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": view_type}
    stream_arn = table["LatestStreamArn"]
    assert stream_arn == f"{table['TableArn']}/stream/{table['LatestStreamLabel']}"
    _changes(client, name)
    records = _read_all(streams, stream_arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    old = [None, {"pk": {"S": "a"}, "v": {"N": "1"}}, {"pk": {"S": "a"}, "v": {"N": "2"}}]
    new = [{"pk": {"S": "a"}, "v": {"N": "1"}}, {"pk": {"S": "a"}, "v": {"N": "2"}}, None]
    for position, record in enumerate(records):
        assert record["eventVersion"] == "1.1" and record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == "us-east-1" and len(record["eventID"]) == 32
        body = record["dynamodb"]
        assert body["Keys"] == {"pk": {"S": "a"}}
        assert body["StreamViewType"] == view_type
        assert len(body["SequenceNumber"]) == 21 and body["SizeBytes"] > 0
        wants_new = view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") and new[position] is not None
        wants_old = view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and old[position] is not None
        assert body.get("NewImage") == (new[position] if wants_new else None)
        assert body.get("OldImage") == (old[position] if wants_old else None)
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers)


def test_list_and_describe(client, streams):
    name = _table(client, "KEYS_ONLY")
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    listed = streams.list_streams(TableName=name)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": name, "StreamLabel": arn.rsplit("/", 1)[1]}]
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    (shard,) = description["Shards"]
    assert shard["ShardId"].startswith("shardId-") and 28 <= len(shard["ShardId"]) <= 65


def test_iterator_types_limit_and_next_iterator(client, streams):
    name = _table(client, "NEW_IMAGE")
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    for number in range(5):
        client.put_item(TableName=name, Item={"pk": {"S": f"k{number}"}})
    everything = _read_all(streams, arn)
    numbers = [r["dynamodb"]["SequenceNumber"] for r in everything]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in everything] == [f"k{n}" for n in range(5)]
    at = _read_all(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=numbers[2])
    assert [r["dynamodb"]["SequenceNumber"] for r in at] == numbers[2:]
    after = _read_all(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=numbers[2])
    assert [r["dynamodb"]["SequenceNumber"] for r in after] == numbers[3:]
    assert _read_all(streams, arn, "LATEST") == []

    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    client.put_item(TableName=name, Item={"pk": {"S": "late"}})
    page = streams.get_records(ShardIterator=iterator, Limit=1)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["late"]
    assert streams.get_records(ShardIterator=page["NextShardIterator"])["Records"] == []

    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    first = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=2)
    second = streams.get_records(ShardIterator=first["NextShardIterator"], Limit=2)
    assert [r["dynamodb"]["SequenceNumber"] for r in first["Records"] + second["Records"]] == numbers[:4]


def test_transactions_and_batches_write_records(client, streams):
    name = _table(client, "KEYS_ONLY")
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    client.transact_write_items(
        TransactItems=[{"Put": {"TableName": name, "Item": {"pk": {"S": key}}}} for key in ("t1", "t2")]
    )
    client.batch_write_item(RequestItems={name: [{"DeleteRequest": {"Key": {"pk": {"S": "t1"}}}}]})
    records = _read_all(streams, arn)
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "t1"),
        ("INSERT", "t2"),
        ("REMOVE", "t1"),
    ]


def test_failed_condition_writes_no_record(client, streams):
    name = _table(client, "KEYS_ONLY")
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    client.put_item(TableName=name, Item={"pk": {"S": "x"}})
    with pytest.raises(ClientError):
        client.put_item(
            TableName=name, Item={"pk": {"S": "x"}}, ConditionExpression="attribute_not_exists(pk)"
        )
    assert len(_read_all(streams, arn)) == 1


def test_update_table_enables_and_disables(client, streams):
    name = _table(client, None)
    assert "LatestStreamArn" not in client.describe_table(TableName=name)["Table"]
    client.put_item(TableName=name, Item={"pk": {"S": "before"}})
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    described = client.update_table(TableName=name, StreamSpecification=spec)["TableDescription"]
    assert described["StreamSpecification"] == spec
    arn = described["LatestStreamArn"]
    with pytest.raises(ClientError) as error:
        client.update_table(TableName=name, StreamSpecification=spec)
    assert error.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": f"Table already has an enabled stream: TableName: {name}",
    }
    client.put_item(TableName=name, Item={"pk": {"S": "after"}})
    client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    table = client.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in table and table["LatestStreamArn"] == arn
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in description["Shards"][0]["SequenceNumberRange"]
    client.put_item(TableName=name, Item={"pk": {"S": "disabled"}})
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in _read_all(streams, arn)] == ["after"]
    with pytest.raises(ClientError) as error:
        client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    assert error.value.response["Error"]["Message"] == f"Table has no stream to disable: TableName: {name}"


def test_errors(client, streams):
    missing = "arn:aws:dynamodb:us-east-1:123456789012:table/none/stream/2020-01-01T00:00:00.000"
    with pytest.raises(streams.exceptions.ResourceNotFoundException) as error:
        streams.describe_stream(StreamArn=missing)
    assert (
        error.value.response["Error"]["Message"]
        == f"Requested resource not found: Stream: {missing} not found"
    )
    with pytest.raises(ClientError) as error:
        streams.get_shard_iterator(
            StreamArn=missing, ShardId="shardId-00000000000000000000-00000000", ShardIteratorType="SOMETIMES"
        )
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert (
        "Member must satisfy enum value set: [TRIM_HORIZON, LATEST"
        in error.value.response["Error"]["Message"]
    )
    with pytest.raises(ClientError) as error:
        streams.get_records(ShardIterator="not-an-iterator")
    assert error.value.response["Error"]["Code"] == "ValidationException"
    name = _table(client, "KEYS_ONLY")
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    with pytest.raises(ClientError) as error:
        streams.get_records(ShardIterator=iterator, Limit=1001)
    assert error.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000"
    )
