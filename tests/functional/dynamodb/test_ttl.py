"""UpdateTimeToLive, DescribeTimeToLive and the background expiry, through boto3.

Messages: dynalite test/updateTimeToLive.js and test/describeTimeToLive.js (observed AWS), the
ack-api-quirks catalogue DDB-TABLE-147 (``active on a different AttributeName``, observed AWS
2026-10) and DDB-TABLE-457 (constraint texts), conformance tests/tier2/ttl/basic.test.ts.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.functional.dynamodb.dynamodb_server import ServerProcess, launch_server, make_client, stop_server

_FAST_SWEEP = (
    "import pathlib, sys; from serverlite.dynamodb.server import run; "
    "run('127.0.0.1', 0, pathlib.Path(sys.argv[1]), ttl_interval=0.2)"
)


def _table(client: Any) -> str:
    name = f"ttl-{uuid.uuid4().hex[:12]}"
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


def _spec(enabled: bool, name: str = "ttl") -> dict[str, Any]:
    return {"Enabled": enabled, "AttributeName": name}


def test_enable_describe_disable(client: Any) -> None:
    name = _table(client)
    assert client.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    answer = client.update_time_to_live(TableName=name, TimeToLiveSpecification=_spec(True))
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "ttl"}
    assert client.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "ttl",
    }
    answer = client.update_time_to_live(TableName=name, TimeToLiveSpecification=_spec(False))
    assert answer["TimeToLiveSpecification"] == {"Enabled": False, "AttributeName": "ttl"}
    assert client.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }


def test_state_rules(client: Any) -> None:
    name = _table(client)

    def update(enabled: bool, attribute: str) -> Callable[[], Any]:
        return lambda: client.update_time_to_live(
            TableName=name, TimeToLiveSpecification=_spec(enabled, attribute)
        )

    # dynalite test/updateTimeToLive.js (observed AWS).
    assert _error(update(False, "ttl")) == (400, "ValidationException", "TimeToLive is already disabled")
    update(True, "ttl")()
    assert _error(update(True, "ttl")) == (400, "ValidationException", "TimeToLive is already enabled")
    # ack-api-quirks DDB-TABLE-147 (observed AWS).
    different = "TimeToLive is active on a different AttributeName: current AttributeName is ttl"
    assert _error(update(True, "other")) == (400, "ValidationException", different)
    assert _error(update(False, "other")) == (400, "ValidationException", different)


def test_missing_table(client: Any) -> None:
    # dynalite test/updateTimeToLive.js, describeTimeToLive.js (observed AWS).
    message = "Requested resource not found: Table: no_such_table not found"
    assert _error(lambda: client.describe_time_to_live(TableName="no_such_table")) == (
        400,
        "ResourceNotFoundException",
        message,
    )
    assert _error(
        lambda: client.update_time_to_live(TableName="no_such_table", TimeToLiveSpecification=_spec(True))
    ) == (400, "ResourceNotFoundException", message)


def test_constraints(server: ServerProcess) -> None:
    raw = boto3.client(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )
    prefix = "1 validation error detected: "
    # ack-api-quirks DDB-TABLE-457: AttributeName '' is a model-constraint failure.
    assert _error(
        lambda: raw.update_time_to_live(TableName="abc", TimeToLiveSpecification=_spec(True, ""))
    ) == (
        400,
        "ValidationException",
        prefix + "Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    )
    # dynalite test/updateTimeToLive.js "empty TimeToLiveSpecification" (observed AWS).
    assert _error(lambda: raw.update_time_to_live(TableName="abc", TimeToLiveSpecification={})) == (
        400,
        "ValidationException",
        "2 validation errors detected: Value null at 'timeToLiveSpecification.enabled' failed to "
        "satisfy constraint: Member must not be null; Value null at "
        "'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null",
    )
    assert _error(lambda: raw.update_time_to_live(TableName="abc")) == (
        400,
        "ValidationException",
        prefix
        + "Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null",
    )
    assert _error(lambda: raw.describe_time_to_live()) == (
        400,
        "ValidationException",
        "The parameter 'TableName' is required but was not present in the request",
    )


def test_ttl_setting_dies_with_the_table(client: Any) -> None:
    name = _table(client)
    client.update_time_to_live(TableName=name, TimeToLiveSpecification=_spec(True))
    client.delete_table(TableName=name)
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    # DDB-TABLE-455: a re-created table has TTL DISABLED.
    assert client.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }


@pytest.fixture(scope="module")
def fast_sweep(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A server of its own that sweeps expired items every 0.2 s."""
    data_dir = tmp_path_factory.mktemp("ttl")
    running = launch_server([sys.executable, "-c", _FAST_SWEEP, str(data_dir)], data_dir)
    try:
        yield make_client(running.endpoint)
    finally:
        stop_server(running)


def test_expired_items_disappear(fast_sweep: Any) -> None:
    client = fast_sweep
    name = _table(client)
    client.update_time_to_live(TableName=name, TimeToLiveSpecification=_spec(True, "expires"))
    now = int(time.time())
    items = {
        "expired": {"N": str(now - 60)},
        "future": {"N": str(now + 3600)},
        "string": {"S": str(now - 60)},  # only Numbers expire
        "ancient": {"N": str(now - 6 * 365 * 24 * 3600)},  # over five years old: never deleted
    }
    for key, expires in items.items():
        client.put_item(TableName=name, Item={"pk": {"S": key}, "expires": expires})
    client.put_item(TableName=name, Item={"pk": {"S": "no-attribute"}})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if "Item" not in client.get_item(TableName=name, Key={"pk": {"S": "expired"}}):
            break
        time.sleep(0.1)
    for key in ("future", "string", "ancient", "no-attribute"):
        assert "Item" in client.get_item(TableName=name, Key={"pk": {"S": key}}), key
    assert "Item" not in client.get_item(TableName=name, Key={"pk": {"S": "expired"}})


def test_disabled_ttl_deletes_nothing(fast_sweep: Any) -> None:
    client = fast_sweep
    name = _table(client)
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "expires": {"N": str(int(time.time()) - 60)}})
    time.sleep(0.6)
    assert "Item" in client.get_item(TableName=name, Key={"pk": {"S": "a"}})
