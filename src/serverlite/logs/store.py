"""CloudWatch-style log groups and streams on disk: ``<root>/<group>/<stream>``, one file per stream.

Names are percent-encoded outside ``[A-Za-z0-9._-]`` (a leading ``.`` too), so ``/aws/lambda/Fn`` and
``2026/11/26/[$LATEST]abc`` become single path segments and decode back exactly. A group folder holds a
``.group`` file (name and creation time; no encoded name starts with ``.``) and its stream files (format
in streamfile.py). Writers keep files open and flush at the end of every ``append``; readers in any
process open files on their own and see every completed batch.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from serverlite.logs.errors import (
    GROUP_ALREADY_EXISTS,
    GROUP_NOT_FOUND,
    STREAM_ALREADY_EXISTS,
    STREAM_NOT_FOUND,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)
from serverlite.logs.patterns import FilterPattern, compile_pattern
from serverlite.logs.reading import (
    DEFAULT_LIMIT,
    EventsPage,
    FilterPage,
    LogEvent,
    TimeRange,
    filter_page,
    poll,
    read_events,
)
from serverlite.logs.streamfile import StreamFile, encode_event, encode_header, read_stream_file
from serverlite.logs.tokens import decode_positions_token

__all__ = [
    "EventsPage",
    "FilterPage",
    "GroupInfo",
    "LogEvent",
    "LogStore",
    "StreamInfo",
    "decode_name",
    "encode_name",
]

GROUP_FILE = ".group"
OrderBy = Literal["LogStreamName", "LastEventTime"]


@dataclass(frozen=True)
class GroupInfo:
    """A log group as DescribeLogGroups reports it."""

    name: str
    creation_time: int
    stored_bytes: int


@dataclass(frozen=True)
class StreamInfo:
    """A log stream as DescribeLogStreams reports it (timestamps are None until the first event)."""

    name: str
    creation_time: int
    first_event_timestamp: int | None
    last_event_timestamp: int | None
    last_ingestion_time: int | None
    stored_bytes: int


@functools.lru_cache(maxsize=4096)
def encode_name(name: str) -> str:
    """A group or stream name as one safe, reversible path segment."""
    encoded = urllib.parse.quote(name, safe="").replace("~", "%7E")
    return "%2E" + encoded[1:] if encoded.startswith(".") else encoded


def decode_name(segment: str) -> str:
    """The name a path segment encodes."""
    return urllib.parse.unquote(segment)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class LogStore:
    """Append-only log groups and streams under one root folder; safe to share between threads."""

    def __init__(
        self,
        root: Path,
        *,
        clock: Callable[[], int] = _now_ms,
        max_open_files: int = 128,
        flush_interval: float = 0.05,
        on_flush_error: Callable[[OSError], None] | None = None,
    ) -> None:
        self.root = root
        self._clock = clock
        self._max_open_files = max_open_files
        self._flush_interval = flush_interval
        self._on_flush_error = on_flush_error
        self._lock = threading.Lock()
        self._handles: OrderedDict[tuple[str, str], BinaryIO] = OrderedDict()
        self._dirty: set[BinaryIO] = set()
        self._appended = threading.Event()
        self._closed = False
        self._flusher: threading.Thread | None = None

    # --- writing ---------------------------------------------------------------------------------

    def append(self, group: str, stream: str, events: Sequence[tuple[int, str]]) -> None:
        """Append (timestamp ms, message) events, creating the group and stream if needed."""
        if not events:
            return
        now = self._clock()
        data = "".join([encode_event(timestamp, message, now) for timestamp, message in events])
        with self._lock:
            handle = self._handle(group, stream, now)
            handle.write(data.encode("ascii"))
            self._dirty.add(handle)
            if self._flusher is None:
                self._flusher = threading.Thread(target=self._flush_forever, name="log-flusher", daemon=True)
                self._flusher.start()
        self._appended.set()

    def create_group(self, name: str) -> None:
        """Create an empty log group; raises ResourceAlreadyExistsException."""
        try:
            self._group_dir(name).mkdir(parents=True)
        except FileExistsError:
            raise ResourceAlreadyExistsException(GROUP_ALREADY_EXISTS) from None
        self._write_group_file(name, self._clock())

    def create_stream(self, group: str, stream: str) -> None:
        """Create an empty log stream; raises ResourceNotFoundException, ResourceAlreadyExistsException."""
        self._require_group(group)
        if not self._create_stream_file(group, stream, self._clock()):
            raise ResourceAlreadyExistsException(STREAM_ALREADY_EXISTS)

    def flush(self) -> None:
        """Push buffered bytes of every open stream to the OS."""
        if not self._dirty:
            return
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            for handle in dirty:
                if not handle.closed:
                    handle.flush()

    def close(self) -> None:
        """Flush and close every open stream file."""
        with self._lock:
            self._closed = True
            for handle in self._handles.values():
                handle.close()
            self._handles.clear()
            self._dirty.clear()
        self._appended.set()

    def _flush_forever(self) -> None:
        """The flusher thread: after an append, wait flush_interval (gathering more), then flush."""
        while not self._closed:
            self._appended.wait()
            time.sleep(self._flush_interval)
            self._appended.clear()
            try:
                self.flush()
            except OSError as error:  # a full disk: the buffer keeps the bytes, the next flush retries
                if self._on_flush_error is not None:
                    self._on_flush_error(error)

    def _handle(self, group: str, stream: str, now: int) -> BinaryIO:
        """The open file of a stream (LRU-cached), created with its group on first use."""
        key = (group, stream)
        handle = self._handles.get(key)
        if handle is not None:
            self._handles.move_to_end(key)
            return handle
        self._ensure_group(group, now)
        self._create_stream_file(group, stream, now)
        handle = self._stream_path(group, stream).open("ab")
        self._handles[key] = handle
        if len(self._handles) > self._max_open_files:
            evicted = self._handles.popitem(last=False)[1]
            self._dirty.discard(evicted)
            evicted.close()
        return handle

    def _ensure_group(self, name: str, now: int) -> None:
        """Create the group folder and its .group file unless they exist."""
        self._group_dir(name).mkdir(parents=True, exist_ok=True)
        if not (self._group_dir(name) / GROUP_FILE).exists():
            self._write_group_file(name, now)

    def _write_group_file(self, name: str, now: int) -> None:
        """Write .group atomically (temp file, then rename)."""
        path = self._group_dir(name) / GROUP_FILE
        temporary = path.with_name(f"{GROUP_FILE}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_text(json.dumps({"logGroupName": name, "creationTime": now}))
        os.replace(temporary, path)

    def _create_stream_file(self, group: str, stream: str, now: int) -> bool:
        """Create the stream file with its header; False if it already exists."""
        try:
            descriptor = os.open(
                self._stream_path(group, stream), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644
            )
        except FileExistsError:
            return False
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(encode_header(stream, now))
        return True

    # --- describing ------------------------------------------------------------------------------

    def has_group(self, name: str) -> bool:
        """Whether the log group exists."""
        return self._group_dir(name).is_dir()

    def has_stream(self, group: str, stream: str) -> bool:
        """Whether the log stream exists."""
        return self._stream_path(group, stream).is_file()

    def groups(self, prefix: str | None = None) -> list[GroupInfo]:
        """Log groups ordered by name, optionally only those whose name starts with prefix."""
        self.flush()
        if not self.root.is_dir():
            return []
        found = [self._group_info(entry) for entry in self.root.iterdir() if entry.is_dir()]
        return sorted((info for info in found if info.name.startswith(prefix or "")), key=lambda i: i.name)

    def streams(
        self,
        group: str,
        prefix: str | None = None,
        order_by: OrderBy = "LogStreamName",
        descending: bool = False,
    ) -> list[StreamInfo]:
        """Streams of a group ordered as DescribeLogStreams orders them; raises ResourceNotFoundException."""
        self.flush()
        infos = [
            _stream_info(file) for file in self._stream_files(group) if file.name.startswith(prefix or "")
        ]
        if order_by == "LastEventTime":
            return sorted(infos, key=lambda i: (i.last_event_timestamp or 0, i.name), reverse=descending)
        return sorted(infos, key=lambda info: info.name, reverse=descending)

    def _group_info(self, folder: Path) -> GroupInfo:
        """GroupInfo from a group folder."""
        try:
            header = json.loads((folder / GROUP_FILE).read_text())
            name, created = header["logGroupName"], header["creationTime"]
        except (OSError, ValueError, KeyError):  # a group another process is creating right now
            name, created = decode_name(folder.name), int(folder.stat().st_mtime * 1000)
        stored = sum(file.stored_bytes for file in _files_in(folder))
        return GroupInfo(name, created, stored)

    # --- reading ---------------------------------------------------------------------------------

    def events(
        self,
        group: str,
        stream: str,
        start: int | None = None,
        end: int | None = None,
        start_from_head: bool = True,
        limit: int | None = None,
        next_token: str | None = None,
    ) -> EventsPage:
        """One GetLogEvents page; raises ResourceNotFoundException, InvalidParameterException."""
        self.flush()
        file = self._stream_file(group, stream)
        return read_events(file, TimeRange(start, end), start_from_head, limit or DEFAULT_LIMIT, next_token)

    def filter_events(
        self,
        group: str,
        streams: Sequence[str] | None = None,
        start: int | None = None,
        end: int | None = None,
        pattern: str | None = None,
        limit: int | None = None,
        next_token: str | None = None,
        *,
        stream_prefix: str | None = None,
    ) -> FilterPage:
        """One FilterLogEvents page; raises ResourceNotFoundException, InvalidParameterException."""
        self.flush()
        compiled = compile_pattern(pattern)
        files = self._selected_files(group, streams, stream_prefix)
        positions = decode_positions_token(next_token) if next_token else {}
        return filter_page(files, TimeRange(start, end), compiled, limit or DEFAULT_LIMIT, positions)

    async def follow(
        self,
        group: str,
        stream: str | None = None,
        since_ms: int | None = None,
        pattern: str | None = None,
        *,
        interval: float = 0.2,
    ) -> AsyncIterator[LogEvent]:
        """Matching events from since_ms on, then new ones as they arrive (polled every interval s)."""
        compiled = compile_pattern(pattern)
        positions: dict[str, int] = {}
        while True:
            batch = await asyncio.to_thread(self._poll, group, stream, since_ms, compiled, positions)
            for event in batch:
                yield event
            await asyncio.sleep(interval)

    def _poll(
        self,
        group: str,
        stream: str | None,
        since_ms: int | None,
        pattern: FilterPattern,
        positions: dict[str, int],
    ) -> list[LogEvent]:
        """One follow step; a group or stream that does not exist yet has no events."""
        self.flush()
        try:
            files = self._stream_files(group) if stream is None else [self._stream_file(group, stream)]
        except ResourceNotFoundException:
            files = []
        return poll(files, TimeRange(since_ms, None), pattern, positions)

    def _selected_files(
        self, group: str, streams: Sequence[str] | None, prefix: str | None
    ) -> list[StreamFile]:
        """The files FilterLogEvents searches."""
        if streams is None:
            return [file for file in self._stream_files(group) if file.name.startswith(prefix or "")]
        self._require_group(group)
        return [self._stream_file(group, name) for name in dict.fromkeys(streams)]

    def _stream_files(self, group: str) -> list[StreamFile]:
        """Every stream file of a group; raises ResourceNotFoundException."""
        self._require_group(group)
        return _files_in(self._group_dir(group))

    def _stream_file(self, group: str, stream: str) -> StreamFile:
        """One stream file; raises ResourceNotFoundException for the group, then the stream."""
        self._require_group(group)
        try:
            return read_stream_file(self._stream_path(group, stream))
        except (FileNotFoundError, ValueError):  # ValueError: another process is writing its header
            raise ResourceNotFoundException(STREAM_NOT_FOUND) from None

    def _require_group(self, group: str) -> None:
        if not self.has_group(group):
            raise ResourceNotFoundException(GROUP_NOT_FOUND)

    def _group_dir(self, group: str) -> Path:
        return self.root / encode_name(group)

    def _stream_path(self, group: str, stream: str) -> Path:
        return self._group_dir(group) / encode_name(stream)


def _files_in(folder: Path) -> list[StreamFile]:
    """The stream files of a group folder (a file still being created is skipped)."""
    files = []
    for entry in folder.iterdir():
        if entry.name.startswith(".") or not entry.is_file():
            continue
        try:
            files.append(read_stream_file(entry))
        except (ValueError, KeyError):
            continue
    return files


def _stream_info(file: StreamFile) -> StreamInfo:
    """StreamInfo from the header, the first and the last event line."""
    first = next(iter(file.forward(file.floor)), None)
    last_line = next(iter(file.backward(file.eof)), None)
    last = json.loads(last_line.line) if last_line else None
    return StreamInfo(
        name=file.name,
        creation_time=file.creation_time,
        first_event_timestamp=first.timestamp if first else None,
        last_event_timestamp=last["timestamp"] if last else None,
        last_ingestion_time=last["ingestionTime"] if last else None,
        stored_bytes=file.stored_bytes,
    )
