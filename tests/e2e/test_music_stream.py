"""examples/music_stream: the Music table's stream keeps MusicArtistCounts right, across restarts."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter

import boto3

from tests.processes import spawn

from .conftest import REPO, Serverlite, free_port, wait_gone

TEMPLATE = str(REPO / "examples" / "music_stream" / "template.yaml")
ARTISTS = [f"Artist {n}" for n in range(8)]


def _client(endpoint: str):
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def _expected(client) -> dict[str, int]:
    counts = Counter()
    for page in client.get_paginator("scan").paginate(TableName="Music"):
        counts.update(item["Artist"]["S"] for item in page["Items"])
    return {artist: count for artist, count in counts.items() if count}


def _counts(client) -> dict[str, int]:
    items = client.scan(TableName="MusicArtistCounts", ConsistentRead=True)["Items"]
    return {item["Artist"]["S"]: int(item["SongCount"]["N"]) for item in items if int(item["SongCount"]["N"])}


def _converges(client, timeout: float = 15.0) -> dict[str, int]:
    expected = _expected(client)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _counts(client) == expected:
            return expected
        time.sleep(0.1)
    assert _counts(client) == expected
    return expected


def _random_changes(client, rng: random.Random, count: int) -> None:
    for _ in range(count):
        key = {"Artist": {"S": rng.choice(ARTISTS)}, "SongTitle": {"S": f"Song {rng.randrange(40)}"}}
        action = rng.random()
        if action < 0.5:
            client.put_item(TableName="Music", Item={**key, "AlbumTitle": {"S": f"Album {rng.randrange(5)}"}})
        elif action < 0.75:
            client.update_item(
                TableName="Music",
                Key=key,
                UpdateExpression="SET AlbumTitle = :a",
                ExpressionAttributeValues={":a": {"S": f"Album {rng.randrange(5)}"}},
            )
        else:
            client.delete_item(TableName="Music", Key=key)


def _start(start_serverlite, data_dir=None) -> Serverlite:
    return start_serverlite("--template", TEMPLATE, data_dir=data_dir).wait_ready()


def _dynamodb_url(server: Serverlite) -> str:
    return f"http://127.0.0.1:{server.dynamodb_port}"


def test_counts_after_1000_random_changes(start_serverlite):
    server = _start(start_serverlite)
    client = _client(_dynamodb_url(server))
    status, _ = server.request(
        "PUT",
        "/Test/music",
        body='{"table": "Music", "artist": "Gateway Band", "songtitle": "One", "albumtitle": "A"}',
    )
    assert status == 200
    _random_changes(client, random.Random(9), 1000)
    expected = _converges(client)
    assert expected["Gateway Band"] == 1 and sum(expected.values()) > 50


def test_records_written_while_stopped_are_delivered_after_restart(start_serverlite, tmp_path):
    data_dir = tmp_path / "data"
    first = _start(start_serverlite, data_dir)
    client = _client(_dynamodb_url(first))
    rng = random.Random(1)
    _random_changes(client, rng, 50)
    _converges(client)
    assert first.stop(signal.SIGINT) == 0
    assert wait_gone(data_dir) == []

    # Only the DynamoDB server runs: the changes wait in the stream.
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "serverlite",
        "dynamodb",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    with spawn(command, stdout=subprocess.PIPE, text=True) as alone:
        assert alone.stdout is not None
        while alone.stdout.readline().strip() != "Ready":
            pass
        offline = _client(f"http://127.0.0.1:{port}")
        before = _counts(offline)
        _random_changes(offline, rng, 100)
        assert _expected(offline) != before  # the counts are now behind
        assert _counts(offline) == before
        alone.send_signal(signal.SIGTERM)
        assert alone.wait(30) == 0

    second = _start(start_serverlite, data_dir)
    _converges(_client(_dynamodb_url(second)))
