"""One log stream on disk: an append-only JSON Lines file, read forward or backward by byte offset.

Layout: the first line is the header ``{"logStreamName":"...","creationTime":ms}``; every later line is one
event ``{"timestamp":ms,"message":"...","ingestionTime":ms}``. Messages are JSON-escaped as ASCII, so
newlines, ``\\r`` and any Unicode survive exactly and a byte offset names a line boundary. Readers only
take lines that end in ``\\n``: a line another process is still writing is invisible until complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

__all__ = [
    "RawLine",
    "StreamFile",
    "encode_event",
    "encode_header",
    "line_timestamp",
    "read_stream_file",
]

_CHUNK = 65536
_TIMESTAMP_PREFIX = b'{"timestamp":'
_encode_string = json.encoder.encode_basestring_ascii  # C accelerated


def encode_event(timestamp: int, message: str, ingestion_time: int) -> str:
    """One event record, newline included; the timestamp comes first so scans can skip by time."""
    return (
        f'{{"timestamp":{timestamp},"message":{_encode_string(message)},"ingestionTime":{ingestion_time}}}\n'
    )


def encode_header(stream: str, creation_time: int) -> bytes:
    """The header record that opens every stream file."""
    return f'{{"logStreamName":{_encode_string(stream)},"creationTime":{creation_time}}}\n'.encode("ascii")


def line_timestamp(line: bytes) -> int:
    """The timestamp of an event line without decoding the whole line."""
    return int(line[len(_TIMESTAMP_PREFIX) : line.index(b",", len(_TIMESTAMP_PREFIX))])


class RawLine(NamedTuple):
    """An event line, where it sits in the file, and its timestamp (a tuple: scans make millions)."""

    timestamp: int
    offset: int
    end: int
    line: bytes


def _raw(offset: int, line: bytes) -> RawLine:
    """A RawLine from an event line starting at offset."""
    return RawLine(line_timestamp(line), offset, offset + len(line), line)


@dataclass(frozen=True)
class StreamFile:
    """What a reader needs to know about a stream file at one moment."""

    path: Path
    name: str
    creation_time: int
    floor: int
    eof: int

    def forward(self, offset: int) -> Iterator[RawLine]:
        """Complete event lines from offset to the end known now."""
        with self.path.open("rb") as handle:
            handle.seek(offset)
            while offset < self.eof:
                line = handle.readline()
                if not line.endswith(b"\n"):
                    return
                yield _raw(offset, line)
                offset += len(line)

    def backward(self, end: int) -> Iterator[RawLine]:
        """Complete event lines that end at or before end, newest first."""
        with self.path.open("rb") as handle:
            yield from _backward(handle, end, self.floor)

    def is_boundary(self, offset: int) -> bool:
        """Whether offset starts an event line (or is the end)."""
        if offset == self.floor:
            return True
        if not self.floor < offset <= self.eof:
            return False
        with self.path.open("rb") as handle:
            handle.seek(offset - 1)
            return handle.read(1) == b"\n"

    @property
    def stored_bytes(self) -> int:
        """Bytes of event records (the header is not counted)."""
        return self.eof - self.floor


def read_stream_file(path: Path) -> StreamFile:
    """Read the header and find the end of the last complete line."""
    with path.open("rb") as handle:
        header_line = handle.readline()
        header = json.loads(header_line)
        size = os.fstat(handle.fileno()).st_size
        eof = _complete_end(handle, size, len(header_line))
    return StreamFile(path, header["logStreamName"], header["creationTime"], len(header_line), eof)


def _complete_end(handle: BinaryIO, size: int, floor: int) -> int:
    """The offset just after the last newline (a half-written last line is not there yet)."""
    handle.seek(size - 1)
    if size > floor and handle.read(1) == b"\n":
        return size
    position = size
    while position > floor:
        start = max(floor, position - _CHUNK)
        handle.seek(start)
        cut = handle.read(position - start).rfind(b"\n")
        if cut >= 0:
            return start + cut + 1
        position = start
    return floor


def _backward(handle: BinaryIO, end: int, floor: int) -> Iterator[RawLine]:
    """Lines ending at or before end (a line boundary), newest first, read in chunks from the end.

    The invariant is ``pending == file[position:line_end]`` and pending ends with a newline.
    """
    position, pending = end, b""
    while True:
        cut = pending.rfind(b"\n", 0, max(len(pending) - 1, 0))
        if cut >= 0:
            yield _raw(position + cut + 1, pending[cut + 1 :])
            pending = pending[: cut + 1]
            continue
        if position <= floor:
            if pending:
                yield _raw(position, pending)
            return
        new_position = max(floor, position - _CHUNK)
        handle.seek(new_position)
        pending = handle.read(position - new_position) + pending
        position = new_position
