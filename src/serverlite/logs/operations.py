"""The CloudWatch Logs operations: validate the request dict, call the store, build the response dict.

Order of checks, as AWS answers them: input validation (``1 validation error detected: ...``, the
coral message format seen in fluent-plugins-nursery/fluent-plugin-cloudwatch-logs#116 and
cisagov/crossfeed#374), then the log group, then the log stream. Limits and name patterns are those of
botocore's ``logs`` service model (LogGroupName ``[\\.\\-_/#A-Za-z0-9]+``, LogStreamName ``[^:*]*``, 1-512
characters; Describe limits 1-50; event limits 1-10000).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from serverlite.logs.errors import (
    GROUP_NOT_FOUND,
    STREAM_NOT_FOUND,
    InvalidParameterException,
    ResourceNotFoundException,
    SerializationException,
)
from serverlite.logs.store import GroupInfo, LogStore, StreamInfo
from serverlite.logs.tokens import decode_index_token, encode_index_token

__all__ = ["OPERATIONS", "Environment", "Operation"]

_GROUP_PATTERN = re.compile(r"[\.\-_/#A-Za-z0-9]+")
_STREAM_PATTERN = re.compile(r"[^:*]*")
_ARN_GROUP = re.compile(r"arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?")
_ORDER_BY = ("LogStreamName", "LastEventTime")


@dataclass(frozen=True)
class Environment:
    """What operations need besides the store: the ARN parts and a sequence-token source."""

    store: LogStore
    region: str
    account_id: str
    new_sequence_token: Callable[[], str]

    def group_arn(self, group: str) -> str:
        """``arn:aws:logs:REGION:ACCOUNT:log-group:NAME``."""
        return f"arn:aws:logs:{self.region}:{self.account_id}:log-group:{group}"


Operation = Callable[[Environment, dict[str, Any]], dict[str, Any] | None]


# --- validation helpers --------------------------------------------------------------------------


def _invalid(value: Any, member: str, constraint: str) -> InvalidParameterException:
    """The coral validation message for one member."""
    shown = "null" if value is None else f"'{value}'"
    return InvalidParameterException(
        f"1 validation error detected: Value {shown} at '{member}' failed to satisfy constraint: {constraint}"
    )


def _string(request: dict[str, Any], member: str, *, required: bool = False) -> str | None:
    """A string member (None when absent and optional)."""
    value = request.get(member)
    if value is None:
        if required:
            raise _invalid(None, member, "Member must not be null")
        return None
    if not isinstance(value, str):
        raise SerializationException()
    if not value:
        raise _invalid(value, member, "Member must have length greater than or equal to 1")
    return value


def _integer(request: dict[str, Any], member: str, low: int, high: int) -> int | None:
    """An integer member within [low, high]."""
    value = request.get(member)
    if value is None:
        return None
    if type(value) is not int:
        raise SerializationException()
    if value < low:
        raise _invalid(value, member, f"Member must have value greater than or equal to {low}")
    if value > high:
        raise _invalid(value, member, f"Member must have value less than or equal to {high}")
    return value


def _boolean(request: dict[str, Any], member: str, default: bool) -> bool:
    """A boolean member."""
    value = request.get(member, default)
    if not isinstance(value, bool):
        raise SerializationException()
    return value


def _name(request: dict[str, Any], member: str, pattern: re.Pattern[str], text: str) -> str:
    """A required group or stream name, checked against the model's pattern and length."""
    value = _string(request, member, required=True)
    assert value is not None
    if len(value) > 512:
        raise _invalid(value, member, "Member must have length less than or equal to 512")
    if not pattern.fullmatch(value):
        raise _invalid(value, member, f"Member must satisfy regular expression pattern: {text}")
    return value


def _group(request: dict[str, Any]) -> str:
    """logGroupName, or the name inside logGroupIdentifier (a name or an ARN)."""
    identifier = request.get("logGroupIdentifier")
    if "logGroupName" not in request and isinstance(identifier, str):
        found = _ARN_GROUP.fullmatch(identifier)
        return found.group(1) if found else identifier
    return _name(request, "logGroupName", _GROUP_PATTERN, r"[\.\-_/#A-Za-z0-9]+")


def _stream(request: dict[str, Any]) -> str:
    """logStreamName."""
    return _name(request, "logStreamName", _STREAM_PATTERN, "[^:*]*")


def _page(items: list[Any], request: dict[str, Any]) -> tuple[list[Any], str | None]:
    """One Describe* page: limit 1-50 (default 50) and an index token."""
    limit = _integer(request, "limit", 1, 50) or 50
    token = _string(request, "nextToken")
    start = decode_index_token(token) if token else 0
    end = start + limit
    return items[start:end], encode_index_token(end) if end < len(items) else None


def _with_token(response: dict[str, Any], token: str | None) -> dict[str, Any]:
    """Add nextToken when there is one."""
    return {**response, "nextToken": token} if token else response


# --- operations ----------------------------------------------------------------------------------


def create_log_group(env: Environment, request: dict[str, Any]) -> None:
    """CreateLogGroup."""
    env.store.create_group(_group(request))


def create_log_stream(env: Environment, request: dict[str, Any]) -> None:
    """CreateLogStream."""
    group, stream = _group(request), _stream(request)
    env.store.create_stream(group, stream)


def put_log_events(env: Environment, request: dict[str, Any]) -> dict[str, Any]:
    """PutLogEvents into an existing stream; events must be in chronological order."""
    group, stream = _group(request), _stream(request)
    events = _log_events(request.get("logEvents"))
    if not env.store.has_group(group):
        raise ResourceNotFoundException(GROUP_NOT_FOUND)
    if not env.store.has_stream(group, stream):
        raise ResourceNotFoundException(STREAM_NOT_FOUND)
    env.store.append(group, stream, events)
    return {"nextSequenceToken": env.new_sequence_token()}


def _log_events(value: Any) -> list[tuple[int, str]]:
    """The logEvents list; the ordering message is observed (dibog/cloudwatch-logback-appender#17)."""
    if not isinstance(value, list) or not value:
        raise _invalid(json.dumps(value), "logEvents", "Member must have length greater than or equal to 1")
    events = [_log_event(item) for item in value]
    if any(later[0] < earlier[0] for earlier, later in zip(events, events[1:], strict=False)):
        raise InvalidParameterException(
            "Log events in a single PutLogEvents request must be in chronological order."
        )
    return events


def _log_event(item: Any) -> tuple[int, str]:
    """One InputLogEvent."""
    if not isinstance(item, dict) or type(item.get("timestamp")) is not int:
        raise SerializationException()
    message = item.get("message")
    if not isinstance(message, str):
        raise SerializationException()
    return item["timestamp"], message


def describe_log_groups(env: Environment, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeLogGroups, ordered by name."""
    groups = env.store.groups(_string(request, "logGroupNamePrefix"))
    page, token = _page(groups, request)
    return _with_token({"logGroups": [_group_shape(env, info) for info in page]}, token)


def _group_shape(env: Environment, info: GroupInfo) -> dict[str, Any]:
    """A LogGroup as AWS describes it."""
    arn = env.group_arn(info.name)
    return {
        "logGroupName": info.name,
        "creationTime": info.creation_time,
        "metricFilterCount": 0,
        "arn": f"{arn}:*",
        "storedBytes": info.stored_bytes,
        "logGroupClass": "STANDARD",
        "logGroupArn": arn,
    }


def describe_log_streams(env: Environment, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeLogStreams by name or by last event time."""
    group = _group(request)
    order_by = request.get("orderBy", "LogStreamName")
    if order_by not in _ORDER_BY:
        raise _invalid(
            order_by, "orderBy", "Member must satisfy enum value set: [LogStreamName, LastEventTime]"
        )
    prefix = _string(request, "logStreamNamePrefix")
    if prefix and order_by == "LastEventTime":  # observed, turbot/steampipe-plugin-aws#1949
        raise InvalidParameterException("Cannot order by LastEventTime with a logStreamNamePrefix.")
    streams = env.store.streams(group, prefix, order_by, _boolean(request, "descending", False))
    page, token = _page(streams, request)
    return _with_token({"logStreams": [_stream_shape(env, group, info) for info in page]}, token)


def _stream_shape(env: Environment, group: str, info: StreamInfo) -> dict[str, Any]:
    """A LogStream; storedBytes is always 0 for streams since 2019 (API reference, LogStream)."""
    shape: dict[str, Any] = {"logStreamName": info.name, "creationTime": info.creation_time}
    optional = {
        "firstEventTimestamp": info.first_event_timestamp,
        "lastEventTimestamp": info.last_event_timestamp,
        "lastIngestionTime": info.last_ingestion_time,
    }
    shape.update({key: value for key, value in optional.items() if value is not None})
    shape["arn"] = f"{env.group_arn(group)}:log-stream:{info.name}"
    shape["storedBytes"] = 0
    return shape


def get_log_events(env: Environment, request: dict[str, Any]) -> dict[str, Any]:
    """GetLogEvents; startFromHead defaults to false (newest events first), as on AWS."""
    group, stream = _group(request), _stream(request)
    page = env.store.events(
        group,
        stream,
        start=_integer(request, "startTime", 0, 2**63 - 1),
        end=_integer(request, "endTime", 0, 2**63 - 1),
        start_from_head=_boolean(request, "startFromHead", False),
        limit=_integer(request, "limit", 1, 10_000),
        next_token=_string(request, "nextToken"),
    )
    return {
        "events": [event.output() for event in page.events],
        "nextForwardToken": page.next_forward_token,
        "nextBackwardToken": page.next_backward_token,
    }


def filter_log_events(env: Environment, request: dict[str, Any]) -> dict[str, Any]:
    """FilterLogEvents; ``interleaved`` is ignored and events always interleave (API reference)."""
    group = _group(request)
    names = request.get("logStreamNames")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise SerializationException()
    prefix = _string(request, "logStreamNamePrefix")
    if names is not None and prefix is not None:
        # The API reference says InvalidParameterException; this text is ours (not observed).
        raise InvalidParameterException("Cannot specify both logStreamNames and logStreamNamePrefix.")
    page = env.store.filter_events(
        group,
        names,
        start=_integer(request, "startTime", 0, 2**63 - 1),
        end=_integer(request, "endTime", 0, 2**63 - 1),
        pattern=request.get("filterPattern") if isinstance(request.get("filterPattern"), str) else None,
        limit=_integer(request, "limit", 1, 10_000),
        next_token=_string(request, "nextToken"),
        stream_prefix=prefix,
    )
    # searchedLogStreams "returns an empty list" since 2020 (API reference, FilterLogEventsResponse).
    response = {"events": [event.filtered() for event in page.events], "searchedLogStreams": []}
    return _with_token(response, page.next_token)


OPERATIONS: dict[str, Operation] = {
    "CreateLogGroup": create_log_group,
    "CreateLogStream": create_log_stream,
    "DescribeLogGroups": describe_log_groups,
    "DescribeLogStreams": describe_log_streams,
    "FilterLogEvents": filter_log_events,
    "GetLogEvents": get_log_events,
    "PutLogEvents": put_log_events,
}
