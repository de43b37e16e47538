"""Crash test: a writer puts items in a loop, the server dies by ``kill -9`` at a random moment.

After a restart on the same data dir every PutItem that got a 200 is there with the value written, and
nothing else is, except possibly the one write that was in flight at the kill (issue 3). Each round
adds its items to those of the rounds before, so a restart must also keep what earlier restarts kept.
"""

from __future__ import annotations

import pathlib
import random
import sys
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from tests.functional.dynamodb.dynamodb_server import ServerProcess, launch_server, make_client, stop_server
from tests.processes import kill_group

TABLE = "Crash"
PAYLOAD = "x" * 200


def start_cli(data_dir: pathlib.Path, durability: str) -> ServerProcess:
    """``serverlite dynamodb --port 0 --data-dir DIR --durability D``; wait for its two lines."""
    return launch_server(
        [sys.executable, "-m", "serverlite", "dynamodb", "--port", "0", "--data-dir", str(data_dir)]
        + ["--durability", durability],
        data_dir,
    )


class Writer(threading.Thread):
    """PutItem of ``<prefix>-000000``, ``-000001`` ... until a call fails."""

    def __init__(self, client: Any, prefix: str) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.prefix = prefix
        self.acked: dict[str, int] = {}
        self.in_flight: str | None = None
        self.error: Exception | None = None

    def run(self) -> None:
        for number in range(1_000_000):
            key = f"{self.prefix}-{number:06}"
            self.in_flight = key
            try:
                self.client.put_item(TableName=TABLE, Item=_item(key, number))
            except (BotoCoreError, ClientError) as error:
                self.error = error
                return
            self.acked[key] = number
            self.in_flight = None


def _item(key: str, number: int) -> dict[str, Any]:
    return {"pk": {"S": key}, "n": {"N": str(number)}, "payload": {"S": PAYLOAD}}


def _crash_round(data_dir: pathlib.Path, durability: str, prefix: str, rng: random.Random) -> Writer:
    """Start, write until a kill -9 0.3-1.5 s after the first acknowledged write, and return the writer
    with what it saw."""
    server = start_cli(data_dir, durability)
    try:
        client = make_client(server.endpoint)
        if TABLE not in client.list_tables()["TableNames"]:
            client.create_table(
                TableName=TABLE,
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            )
        writer = Writer(client, prefix)
        writer.start()
        deadline = time.monotonic() + 60  # a loaded machine may take a while for the first one
        while not writer.acked and writer.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.3, 1.5))
        server.process.kill()  # SIGKILL: no shutdown code runs
        server.process.wait(timeout=10)
    finally:
        kill_group(server.process)
    writer.join(timeout=15)
    assert not writer.is_alive(), "the writer did not notice the kill"
    assert isinstance(writer.error, BotoCoreError), f"the write failed otherwise: {writer.error!r}"
    assert writer.acked, "no write was acknowledged before the kill"
    return writer


def _scan(client: Any) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    for page in client.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True):
        items.update({item["pk"]["S"]: item for item in page["Items"]})
    return items


@pytest.mark.parametrize(("durability", "rounds"), [("process", 3), ("full", 2)])
def test_acknowledged_writes_survive_kill_9_and_nothing_else_appears(
    tmp_path: pathlib.Path, durability: str, rounds: int
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    acked: dict[str, int] = {}
    maybe: set[str] = set()
    for round_number in range(rounds):
        writer = _crash_round(tmp_path, durability, f"r{round_number}", rng)
        acked.update(writer.acked)
        maybe |= {writer.in_flight} if writer.in_flight else set()
        server = start_cli(tmp_path, durability)
        try:
            client = make_client(server.endpoint)
            context = f"seed {seed}, round {round_number}, {len(writer.acked)} acknowledged"
            # The whole table: all acknowledged writes of every round, and at most the in-flight ones.
            stored = _scan(client)
            missing = sorted(set(acked) - set(stored))
            unexpected = sorted(set(stored) - set(acked) - maybe)
            assert not missing, f"acknowledged writes lost: {missing[:5]} ({context})"
            assert not unexpected, f"writes that were never sent: {unexpected[:5]} ({context})"
            for key, item in stored.items():
                assert item == _item(key, int(key.rsplit("-", 1)[1])), f"{key} corrupted ({context})"
        finally:
            stop_server(server)
        assert server.process.returncode == 0
