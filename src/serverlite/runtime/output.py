"""A worker's output (stdout and stderr, one pipe), cut into log lines in the order it was written.

The handler's output and its result reach serverlite by different routes (this pipe, the Runtime API), so
a result can be read before the lines printed ahead of it. On Lambda the function's lines come before
the invocation's REPORT; here `drain` waits until the pipe holds nothing more, which is exact: by the time
the runtime sends the result, everything the handler wrote is in the pipe (awslambdaric's stdout is
unbuffered). Lines are cut in the loop's read callback, not by a task, so reading and emitting are one step.
"""

from __future__ import annotations

import array
import asyncio
import fcntl
import os
import termios
import typing as t

__all__ = ["OutputPipe"]

# A line longer than this is emitted in pieces, as the stream reader before it did at its 64 KiB limit.
_LONGEST_LINE = 64 * 1024
# How many loop turns `drain` gives the reader; a process that never stops printing must not hold it up.
_DRAIN_TURNS = 200


class _Lines(asyncio.Protocol):
    def __init__(self, emit: t.Callable[[str], None], closed: asyncio.Future[None]) -> None:
        self._emit = emit
        self._partial = b""
        self._closed = closed

    def data_received(self, data: bytes) -> None:
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        for line in lines:
            self._emit(line.decode("utf-8", errors="replace"))
        while len(self._partial) >= _LONGEST_LINE:
            piece, self._partial = self._partial[:_LONGEST_LINE], self._partial[_LONGEST_LINE:]
            self._emit(piece.decode("utf-8", errors="replace"))

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._partial:
            self._emit(self._partial.decode("utf-8", errors="replace"))
            self._partial = b""
        if not self._closed.done():
            self._closed.set_result(None)


class OutputPipe:
    """The read end in serverlite's loop; `write_fd` is given to the worker as its stdout and stderr."""

    def __init__(self, emit: t.Callable[[str], None]) -> None:
        self._emit = emit
        self._read_fd, self.write_fd = os.pipe()
        self._transport: asyncio.ReadTransport | None = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def start(self) -> None:
        """Start reading; call after the worker holds `write_fd` (this closes serverlite's copy)."""
        os.close(self.write_fd)
        self.write_fd = -1
        loop = asyncio.get_running_loop()
        pipe = os.fdopen(self._read_fd, "rb", buffering=0)
        self._transport, _ = await loop.connect_read_pipe(lambda: _Lines(self._emit, self.closed), pipe)

    def pending(self) -> int:
        """Bytes written by the worker that have not been read yet."""
        if self._transport is None or self._transport.is_closing():
            return 0
        count = array.array("i", [0])
        try:
            fcntl.ioctl(self._read_fd, termios.FIONREAD, count)
        except OSError:
            return 0
        return count[0]

    async def drain(self) -> None:
        """Return once every byte written so far has been read and its complete lines emitted."""
        for _ in range(_DRAIN_TURNS):
            if not self.pending():
                return
            await asyncio.sleep(0)

    async def close(self) -> None:
        """After the worker has exited: emit what is left, then stop reading (even if a process the
        worker started still holds the pipe open)."""
        await self.drain()
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1
        if self._transport is not None:
            self._transport.close()
            await self.closed
        elif self._read_fd >= 0:
            os.close(self._read_fd)
            self._read_fd = -1
