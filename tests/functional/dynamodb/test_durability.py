"""A write acknowledged with 200 survives ``kill -9`` of the server."""

from __future__ import annotations

import pathlib
import signal

from tests.functional.dynamodb.dynamodb_server import make_client, start_server, stop_server


def test_acknowledged_put_survives_kill_9(tmp_path: pathlib.Path) -> None:
    first = start_server(tmp_path)
    client = make_client(first.endpoint)
    client.create_table(
        TableName="Durable",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    client.put_item(TableName="Durable", Item={"pk": {"S": "k"}, "v": {"N": "42"}})
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    second = start_server(tmp_path)
    try:
        item = make_client(second.endpoint).get_item(TableName="Durable", Key={"pk": {"S": "k"}})["Item"]
        assert item == {"pk": {"S": "k"}, "v": {"N": "42"}}
    finally:
        stop_server(second)
    assert second.process.returncode == 0
    assert (tmp_path / "dynamodb.sqlite3").exists()
