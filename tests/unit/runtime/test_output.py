"""The worker's output pipe: lines in order, and everything written before a result read before it."""

from __future__ import annotations

import asyncio
import os

from serverlite.runtime.output import OutputPipe


def _scenario(chunks: list[bytes]) -> tuple[list[str], list[str]]:
    """Write `chunks` as a worker would, then drain; the lines emitted by then, and by the end."""

    async def main() -> tuple[list[str], list[str]]:
        lines: list[str] = []
        pipe = OutputPipe(lines.append)
        writer = os.dup(pipe.write_fd)  # the worker's end
        await pipe.start()
        for chunk in chunks:
            os.write(writer, chunk)
            await pipe.drain()  # nothing else gave the loop a turn: only drain can have read it
        drained = list(lines)
        os.close(writer)
        await pipe.close()
        return drained, lines

    return asyncio.run(main())


def test_drain_reads_what_was_written_before_it_returns() -> None:
    text = b"".join(f"line {n}\n".encode() for n in range(2000))  # ~20 KB: fits in the pipe
    drained, lines = _scenario([text])
    assert drained == [f"line {n}" for n in range(2000)]
    assert lines == drained


def test_a_partial_line_waits_for_its_end_or_for_the_close() -> None:
    drained, lines = _scenario([b"one\ntw", b"o\nthree"])
    assert drained == ["one", "two"]
    assert lines == ["one", "two", "three"]


def test_carriage_returns_and_bad_utf8_are_kept_as_lambda_keeps_them() -> None:
    drained, _ = _scenario([b"a\rb\n\xff\n"])
    assert drained == ["a\rb", "\ufffd"]


def test_a_very_long_line_comes_in_64_kib_pieces() -> None:
    drained, lines = _scenario([b"x" * 60 * 1024, b"x" * (4 * 1024 + 10)])  # a pipe holds 64 KiB
    assert drained == ["x" * 64 * 1024]
    assert lines == ["x" * 64 * 1024, "x" * 10]
