"""The socket-free CloudWatch Logs core: dispatch, body decoding and error rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from serverlite.logs.cloudwatch import CloudWatchLogsServer
from serverlite.logs.store import LogStore


@pytest.fixture
def core(tmp_path: Path) -> CloudWatchLogsServer:
    return CloudWatchLogsServer(LogStore(tmp_path / "logs", clock=lambda: 5), new_sequence_token=lambda: "7")


def test_void_operation_answers_an_empty_body(core: CloudWatchLogsServer) -> None:
    assert core.handle("Logs_20140328.CreateLogGroup", b'{"logGroupName":"/g"}') == (200, b"")
    assert core.handle("Logs_20140328.DescribeLogGroups", b"") == (
        200,
        b'{"logGroups":[{"logGroupName":"/g","creationTime":5,"metricFilterCount":0,'
        b'"arn":"arn:aws:logs:us-east-1:123456789012:log-group:/g:*","storedBytes":0,'
        b'"logGroupClass":"STANDARD","logGroupArn":"arn:aws:logs:us-east-1:123456789012:log-group:/g"}]}',
    )


@pytest.mark.parametrize(
    ("target", "body", "expected"),
    [
        (None, b"{}", b'{"__type":"UnknownOperationException"}'),
        ("DescribeLogGroups", b"{}", b'{"__type":"UnknownOperationException"}'),
        ("Logs_20140328.DescribeLogGroups", b"[]", b'{"__type":"SerializationException"}'),
        (
            "Logs_20140328.DescribeLogStreams",
            b"{}",
            b'{"__type":"InvalidParameterException","message":"1 validation error detected: Value null at '
            b"'logGroupName' failed to satisfy constraint: Member must not be null\"}",
        ),
        (
            "Logs_20140328.DescribeLogGroups",
            b'{"limit":51}',
            b'{"__type":"InvalidParameterException","message":"1 validation error detected: Value \'51\' at '
            b"'limit' failed to satisfy constraint: Member must have value less than or equal to 50\"}",
        ),
    ],
)
def test_protocol_errors(
    core: CloudWatchLogsServer, target: str | None, body: bytes, expected: bytes
) -> None:
    assert core.handle(target, body) == (400, expected)


def test_unexpected_failures_are_a_500_and_the_core_keeps_serving(
    core: CloudWatchLogsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(prefix: str | None = None) -> list[object]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(core.environment.store, "groups", broken)
    assert core.handle("Logs_20140328.DescribeLogGroups", b"{}") == (
        500,
        b'{"__type":"ServiceUnavailableException","message":"The service cannot complete the request."}',
    )
    monkeypatch.undo()
    assert core.handle("Logs_20140328.DescribeLogGroups", b"{}") == (200, b'{"logGroups":[]}')


def test_put_log_events_returns_the_sequence_token(core: CloudWatchLogsServer) -> None:
    core.handle("Logs_20140328.CreateLogGroup", b'{"logGroupName":"/g"}')
    core.handle("Logs_20140328.CreateLogStream", b'{"logGroupName":"/g","logStreamName":"s"}')
    body = b'{"logGroupName":"/g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}]}'
    assert core.handle("Logs_20140328.PutLogEvents", body) == (200, b'{"nextSequenceToken":"7"}')
