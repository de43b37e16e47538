"""Readers over stream files: GetLogEvents pages, FilterLogEvents pages and follow polls.

Files are read incrementally: a page stops at its limit (plus one look-ahead match for FilterLogEvents,
to know whether a next token is due), and streams are merged by timestamp with ``heapq.merge``.
Time ranges follow AWS: ``startTime`` is included, ``endTime`` is not (GetLogEvents/FilterLogEvents API
reference, "Events with a timestamp equal to or later than this time are not included").
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
from collections.abc import Generator, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass
from typing import Any

from serverlite.logs.errors import InvalidParameterException
from serverlite.logs.patterns import FilterPattern
from serverlite.logs.streamfile import RawLine, StreamFile
from serverlite.logs.tokens import (
    INVALID_TOKEN,
    decode_events_token,
    encode_events_token,
    encode_positions_token,
)

__all__ = [
    "DEFAULT_LIMIT",
    "EventsPage",
    "FilterPage",
    "LogEvent",
    "TimeRange",
    "filter_page",
    "poll",
    "read_events",
]

# GetLogEvents and FilterLogEvents return at most 10,000 events when no limit is given (API reference).
DEFAULT_LIMIT = 10_000
_decode = json.JSONDecoder().decode


@dataclass(frozen=True)
class LogEvent:
    """One stored event as the read APIs return it."""

    log_stream_name: str
    timestamp: int
    message: str
    ingestion_time: int
    event_id: str

    def filtered(self) -> dict[str, Any]:
        """The FilterLogEvents wire shape (FilteredLogEvent)."""
        return {
            "logStreamName": self.log_stream_name,
            "timestamp": self.timestamp,
            "message": self.message,
            "ingestionTime": self.ingestion_time,
            "eventId": self.event_id,
        }

    def output(self) -> dict[str, Any]:
        """The GetLogEvents wire shape (OutputLogEvent)."""
        return {"timestamp": self.timestamp, "message": self.message, "ingestionTime": self.ingestion_time}


@dataclass(frozen=True)
class EventsPage:
    """A GetLogEvents page."""

    events: list[LogEvent]
    next_forward_token: str
    next_backward_token: str


@dataclass(frozen=True)
class FilterPage:
    """A FilterLogEvents page; next_token is None when pagination is finished."""

    events: list[LogEvent]
    next_token: str | None


@dataclass(frozen=True)
class TimeRange:
    """``start <= timestamp < end``; None is unbounded."""

    start: int | None = None
    end: int | None = None

    def contains(self, timestamp: int) -> bool:
        """Whether timestamp falls in the range."""
        return (self.start is None or timestamp >= self.start) and (self.end is None or timestamp < self.end)


def read_events(
    file: StreamFile, window: TimeRange, start_from_head: bool, limit: int, token: str | None
) -> EventsPage:
    """A GetLogEvents page: the token's direction wins over start_from_head, as on AWS."""
    direction, offset = _start(file, start_from_head, token)
    if direction == "f":
        return _forward_page(file, window, offset, limit)
    return _backward_page(file, window, offset, limit)


def _start(file: StreamFile, start_from_head: bool, token: str | None) -> tuple[str, int]:
    """Where a page starts: a decoded token, else the head or the tail."""
    if token is None:
        return ("f", file.floor) if start_from_head else ("b", file.eof)
    direction, offset = decode_events_token(token)
    if not file.is_boundary(offset):
        raise InvalidParameterException(INVALID_TOKEN)
    return direction, offset


def _forward_page(file: StreamFile, window: TimeRange, offset: int, limit: int) -> EventsPage:
    """Events from offset on; at the end the forward token is the one passed in (API reference)."""
    events: list[LogEvent] = []
    first, end = None, offset
    for raw in file.forward(offset):
        end = raw.end
        if window.contains(raw.timestamp):
            events.append(_event(file.name, raw))
            first = raw.offset if first is None else first
            if len(events) == limit:
                break
    backward = first if first is not None else offset
    return EventsPage(events, encode_events_token("f", end), encode_events_token("b", backward))


def _backward_page(file: StreamFile, window: TimeRange, offset: int, limit: int) -> EventsPage:
    """The newest `limit` events before offset, returned oldest first."""
    events: list[LogEvent] = []
    last_end, begin = None, offset
    for raw in file.backward(offset):
        begin = raw.offset
        if window.contains(raw.timestamp):
            events.append(_event(file.name, raw))
            last_end = raw.end if last_end is None else last_end
            if len(events) == limit:
                break
    events.reverse()
    forward = last_end if last_end is not None else offset
    return EventsPage(events, encode_events_token("f", forward), encode_events_token("b", begin))


def filter_page(
    files: list[StreamFile],
    window: TimeRange,
    pattern: FilterPattern,
    limit: int,
    positions: dict[str, int],
) -> FilterPage:
    """Matching events of all files, interleaved by timestamp, from per-stream positions."""
    cursor = _cursor(files, positions)
    events: list[LogEvent] = []
    for name, raw in _scan(files, cursor):
        event = _match(name, raw, window, pattern)
        if event is None:
            continue
        if len(events) == limit:
            cursor[name] = raw.offset  # the look-ahead match belongs to the next page
            return FilterPage(events, encode_positions_token(cursor))
        events.append(event)
    return FilterPage(events, None)


def poll(
    files: list[StreamFile], window: TimeRange, pattern: FilterPattern, positions: dict[str, int]
) -> list[LogEvent]:
    """Every new matching event since positions; positions move past everything read."""
    for file in files:
        positions.setdefault(file.name, file.floor)
    return [
        event
        for name, raw in _scan(files, positions)
        if (event := _match(name, raw, window, pattern)) is not None
    ]


def _cursor(files: list[StreamFile], positions: dict[str, int]) -> dict[str, int]:
    """Start offsets per file: the token's where it has one (checked), else the first event."""
    cursor: dict[str, int] = {}
    for file in files:
        offset = positions.get(file.name, file.floor)
        if not file.is_boundary(offset):
            raise InvalidParameterException(INVALID_TOKEN)
        cursor[file.name] = offset
    return cursor


def _scan(files: list[StreamFile], cursor: dict[str, int]) -> Iterator[tuple[str, RawLine]]:
    """Lines of all files merged by (timestamp, stream, offset); cursor follows each line taken."""
    with ExitStack() as stack:
        sources = [stack.enter_context(closing(_keyed(file, cursor[file.name]))) for file in files]
        for _, name, _, raw in heapq.merge(*sources):
            cursor[name] = raw.end
            yield name, raw


def _keyed(file: StreamFile, offset: int) -> Generator[tuple[int, str, int, RawLine], None, None]:
    """One file's lines as merge keys."""
    for raw in file.forward(offset):
        yield raw.timestamp, file.name, raw.offset, raw


def _match(name: str, raw: RawLine, window: TimeRange, pattern: FilterPattern) -> LogEvent | None:
    """The event if it is in the time range and matches the pattern (cheap tests first)."""
    if not window.contains(raw.timestamp) or not pattern.may_match(raw.line):
        return None
    record = _decode(raw.line.decode("ascii"))
    return _event(name, raw, record) if pattern.matches(record["message"]) else None


def _event(stream: str, raw: RawLine, record: dict[str, Any] | None = None) -> LogEvent:
    """One event from its line (decoded here unless record is given)."""
    record = _decode(raw.line.decode("ascii")) if record is None else record
    event_id = f"{max(record['timestamp'], 0) % 10**20:020d}{_stream_hash(stream):016d}{raw.offset:020d}"
    return LogEvent(stream, record["timestamp"], record["message"], record["ingestionTime"], event_id)


@functools.lru_cache(maxsize=1024)
def _stream_hash(stream: str) -> int:
    """A stable per-stream number, so event ids are unique across a group's streams."""
    return int.from_bytes(hashlib.blake2b(stream.encode(), digest_size=6).digest(), "big")
