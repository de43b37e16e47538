"""Real boto3 ``logs`` clients against the CloudWatch Logs endpoint on a free port.

Expected error texts are the ones AWS sends (sources in serverlite/logs/errors.py); the ``tail`` test
sends exactly what aws-cli v2's ``aws logs tail`` sends (awscli/customizations/logs/tail.py:
``logGroupName``, ``interleaved=True``, ``startTime``, optional ``filterPattern``, ``logStreamNames``,
``logStreamNamePrefix``, paginated with ``filter_log_events``).
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from serverlite.logs.cloudwatch import serve
from serverlite.logs.store import LogStore

GROUP = "/aws/lambda/DemoHandleItem"
STREAMS = ["2026/11/26/[$LATEST]aaaa", "2026/11/26/[$LATEST]bbbb"]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, LogStore]]:
    """The aiohttp adapter on its own event loop thread; yields (URL, store).

    The store's clock starts at 1,000,000 ms and advances 1,000 ms per write: the seeding below creates
    the group at 1,000,000, the streams at 1,001,000 and 1,002,000, and puts at 1,003,000 and 1,004,000.
    """
    clock = iter(range(1_000_000, 10**12, 1000))
    store = LogStore(tmp_path_factory.mktemp("cw") / "logs", clock=lambda: next(clock))
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        holder["runner"], holder["port"] = loop.run_until_complete(serve(store, "127.0.0.1", 0))
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    yield f"http://127.0.0.1:{holder['port']}", store
    asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def logs(endpoint: tuple[str, LogStore]) -> Any:
    """A boto3 logs client with a seeded group: two streams, interleaved events."""
    client = boto3.client(
        "logs",
        endpoint_url=endpoint[0],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )
    client.create_log_group(logGroupName=GROUP)
    for stream in STREAMS:
        client.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    events = {STREAMS[0]: [(1000, "START a"), (3000, "ERROR a"), (5000, "END a")]}
    events[STREAMS[1]] = [(2000, "START b"), (4000, '{"level": "ERROR", "ms": 12}'), (6000, "END b")]
    for stream, pairs in events.items():
        log_events = [{"timestamp": t, "message": m} for t, m in pairs]
        client.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=log_events)
    client.create_log_group(logGroupName="/aws/lambda/Other")
    return client


def error_of(call: Any, **kwargs: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error = raised.value.response
    return error["Error"]["Code"], error["Error"]["Message"], error["ResponseMetadata"]["HTTPStatusCode"]


def test_describe_log_groups_pages(logs: Any) -> None:
    first = logs.describe_log_groups(limit=1)
    assert [g["logGroupName"] for g in first["logGroups"]] == [GROUP]
    group = first["logGroups"][0]
    assert group["arn"] == f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}:*"
    assert group["logGroupArn"] == f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}"
    assert group["metricFilterCount"] == 0 and group["creationTime"] == 1_000_000
    second = logs.describe_log_groups(limit=1, nextToken=first["nextToken"])
    assert [g["logGroupName"] for g in second["logGroups"]] == ["/aws/lambda/Other"]
    assert "nextToken" not in second
    paged = logs.get_paginator("describe_log_groups").paginate(PaginationConfig={"PageSize": 1})
    assert [g["logGroupName"] for page in paged for g in page["logGroups"]] == [GROUP, "/aws/lambda/Other"]
    assert logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/O")["logGroups"][0]["storedBytes"] == 0


def test_describe_log_streams(logs: Any) -> None:
    streams = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert streams[0] == {
        "logStreamName": STREAMS[0],
        "creationTime": 1_001_000,
        "firstEventTimestamp": 1000,
        "lastEventTimestamp": 5000,
        "lastIngestionTime": 1_003_000,
        "arn": f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}:log-stream:{STREAMS[0]}",
        "storedBytes": 0,
    }
    by_time = logs.describe_log_streams(logGroupName=GROUP, orderBy="LastEventTime", descending=True, limit=1)
    assert [s["logStreamName"] for s in by_time["logStreams"]] == [STREAMS[1]]
    rest = logs.describe_log_streams(
        logGroupName=GROUP, orderBy="LastEventTime", descending=True, nextToken=by_time["nextToken"]
    )
    assert [s["logStreamName"] for s in rest["logStreams"]] == [STREAMS[0]]
    assert error_of(
        logs.describe_log_streams, logGroupName=GROUP, orderBy="LastEventTime", logStreamNamePrefix="2026"
    ) == (
        "InvalidParameterException",
        "Cannot order by LastEventTime with a logStreamNamePrefix.",
        400,
    )


def test_get_log_events_default_is_newest_first_page(logs: Any) -> None:
    page = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAMS[0], limit=2)
    assert page["events"] == [
        {"timestamp": 3000, "message": "ERROR a", "ingestionTime": 1_003_000},
        {"timestamp": 5000, "message": "END a", "ingestionTime": 1_003_000},
    ]
    older = logs.get_log_events(
        logGroupName=GROUP, logStreamName=STREAMS[0], nextToken=page["nextBackwardToken"], limit=2
    )
    assert [e["message"] for e in older["events"]] == ["START a"]
    end = logs.get_log_events(
        logGroupName=GROUP, logStreamName=STREAMS[0], nextToken=page["nextForwardToken"], startFromHead=True
    )
    assert (end["events"], end["nextForwardToken"]) == ([], page["nextForwardToken"])


def test_get_log_events_forward_from_head(logs: Any) -> None:
    token, seen = None, []
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = logs.get_log_events(
            logGroupName=GROUP, logStreamName=STREAMS[1], startFromHead=True, limit=1, **kwargs
        )
        if page["nextForwardToken"] == token:
            break
        seen += [e["message"] for e in page["events"]]
        token = page["nextForwardToken"]
    assert seen == ["START b", '{"level": "ERROR", "ms": 12}', "END b"]


def test_filter_log_events_interleaves_and_paginates(logs: Any) -> None:
    paged = logs.get_paginator("filter_log_events").paginate(
        logGroupName=GROUP, PaginationConfig={"PageSize": 2}
    )
    pages = list(paged)
    assert [len(page["events"]) for page in pages] == [2, 2, 2]
    assert [e["message"] for page in pages for e in page["events"]] == [
        "START a",
        "START b",
        "ERROR a",
        '{"level": "ERROR", "ms": 12}',
        "END a",
        "END b",
    ]
    first = pages[0]["events"][0]
    assert set(first) == {"logStreamName", "timestamp", "message", "ingestionTime", "eventId"}
    assert (first["logStreamName"], first["timestamp"]) == (STREAMS[0], 1000)
    assert pages[0]["searchedLogStreams"] == []


def test_filter_log_events_patterns_and_stream_names(logs: Any) -> None:
    def messages(**kwargs: Any) -> list[str]:
        return [e["message"] for e in logs.filter_log_events(logGroupName=GROUP, **kwargs)["events"]]

    assert messages(filterPattern="ERROR") == ["ERROR a", '{"level": "ERROR", "ms": 12}']
    assert messages(filterPattern='{ $.level = "ERROR" && $.ms < 100 }') == ['{"level": "ERROR", "ms": 12}']
    assert messages(filterPattern="?START ?END", logStreamNames=[STREAMS[1]]) == ["START b", "END b"]
    assert messages(startTime=2000, endTime=4000) == ["START b", "ERROR a"]
    assert error_of(logs.filter_log_events, logGroupName=GROUP, filterPattern="{ $.a = 1") == (
        "InvalidParameterException",
        "If a filter pattern starts with '{' it must end with '}'",
        400,
    )


def test_what_aws_logs_tail_sends(logs: Any) -> None:
    kwargs = {"logGroupName": GROUP, "interleaved": True, "startTime": 2500, "filterPattern": "-START"}
    kwargs["logStreamNamePrefix"] = "2026/11/26/"
    events = [
        e for page in logs.get_paginator("filter_log_events").paginate(**kwargs) for e in page["events"]
    ]
    assert [(e["logStreamName"], e["message"]) for e in events] == [
        (STREAMS[0], "ERROR a"),
        (STREAMS[1], '{"level": "ERROR", "ms": 12}'),
        (STREAMS[0], "END a"),
        (STREAMS[1], "END b"),
    ]
    assert len({e["eventId"] for e in events}) == 4  # tail --follow de-duplicates on eventId


def test_resource_errors(logs: Any) -> None:
    assert error_of(logs.create_log_group, logGroupName=GROUP) == (
        "ResourceAlreadyExistsException",
        "The specified log group already exists",
        400,
    )
    assert error_of(logs.create_log_stream, logGroupName=GROUP, logStreamName=STREAMS[0]) == (
        "ResourceAlreadyExistsException",
        "The specified log stream already exists",
        400,
    )
    missing_group = ("ResourceNotFoundException", "The specified log group does not exist.", 400)
    assert error_of(logs.describe_log_streams, logGroupName="/nope") == missing_group
    assert error_of(logs.filter_log_events, logGroupName="/nope") == missing_group
    assert error_of(logs.get_log_events, logGroupName="/nope", logStreamName="s") == missing_group
    missing_stream = ("ResourceNotFoundException", "The specified log stream does not exist.", 400)
    assert error_of(logs.get_log_events, logGroupName=GROUP, logStreamName="nope") == missing_stream
    put = {"logGroupName": GROUP, "logStreamName": "nope", "logEvents": [{"timestamp": 1, "message": "x"}]}
    assert error_of(logs.put_log_events, **put) == missing_stream


def test_invalid_parameters(logs: Any) -> None:
    assert error_of(logs.create_log_group, logGroupName="bad name!") == (
        "InvalidParameterException",
        "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
        400,
    )
    out_of_order = [{"timestamp": 2, "message": "b"}, {"timestamp": 1, "message": "a"}]
    put = {"logGroupName": GROUP, "logStreamName": STREAMS[0], "logEvents": out_of_order}
    assert error_of(logs.put_log_events, **put) == (
        "InvalidParameterException",
        "Log events in a single PutLogEvents request must be in chronological order.",
        400,
    )
    assert error_of(logs.filter_log_events, logGroupName=GROUP, nextToken="garbage") == (
        "InvalidParameterException",
        "The specified nextToken is invalid.",
        400,
    )
    both = {"logGroupName": GROUP, "logStreamNames": [STREAMS[0]], "logStreamNamePrefix": "2026"}
    assert error_of(logs.filter_log_events, **both)[0] == "InvalidParameterException"


def raw_post(url: str, target: str, body: bytes) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("X-Amz-Target", target)
    request.add_header("Content-Type", "application/x-amz-json-1.1")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers["Content-Type"]


def test_wire_bytes(endpoint: tuple[str, LogStore], logs: Any) -> None:
    url = endpoint[0]
    body = json.dumps({"logGroupName": "/nope"}).encode()
    assert raw_post(url, "Logs_20140328.DescribeLogStreams", body) == (
        400,
        b'{"__type":"ResourceNotFoundException","message":"The specified log group does not exist."}',
        "application/x-amz-json-1.1",
    )
    assert raw_post(url, "Logs_20140328.CreateLogGroup", json.dumps({"logGroupName": GROUP}).encode()) == (
        400,
        b'{"__type":"ResourceAlreadyExistsException","message":"The specified log group already exists"}',
        "application/x-amz-json-1.1",
    )
    assert raw_post(url, "Logs_20140328.Nope", b"{}") == (
        400,
        b'{"__type":"UnknownOperationException"}',
        "application/x-amz-json-1.1",
    )
    assert raw_post(url, "Logs_20140328.DescribeLogGroups", b"not json")[:2] == (
        400,
        b'{"__type":"SerializationException"}',
    )
    assert raw_post(url, "Logs_20140328.CreateLogGroup", b'{"logGroupName":"/fresh"}')[:2] == (200, b"")


def test_writes_from_put_log_events_land_in_the_store(endpoint: tuple[str, LogStore], logs: Any) -> None:
    logs.create_log_stream(logGroupName="/aws/lambda/Other", logStreamName="s")
    response = logs.put_log_events(
        logGroupName="/aws/lambda/Other",
        logStreamName="s",
        logEvents=[{"timestamp": 7, "message": "line\r\nwith CRLF"}],
    )
    assert len(response["nextSequenceToken"]) == 56
    store = endpoint[1]
    assert [e.message for e in store.events("/aws/lambda/Other", "s").events] == ["line\r\nwith CRLF"]
    assert Path(store.root, "%2Faws%2Flambda%2FOther", "s").is_file()
