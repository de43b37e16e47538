"""How serverlite's long-running commands stop: signals taken over, shutdown bounded and reported."""

from __future__ import annotations

import asyncio
import signal
import sys
import typing as t

__all__ = ["Shutdown", "run_until_stopped", "take_over_signals", "until_stopped"]

T = t.TypeVar("T")

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def take_over_signals() -> None:
    """SIGINT and SIGTERM stop this process cleanly, whatever dispositions it inherited.

    A POSIX shell starts a background job (`cmd &` in a script) with SIGINT ignored, and Python then
    installs no KeyboardInterrupt handler; `nohup` and some supervisors leave other dispositions. Until an
    event loop takes the signals over (`run_until_stopped`), either one raises KeyboardInterrupt.
    """
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def run_until_stopped(main: t.Callable[[asyncio.Event], t.Coroutine[t.Any, t.Any, T]]) -> T | None:
    """Run `main(stop)` in a new event loop; SIGINT or SIGTERM sets `stop`.

    `main` ends on its own (its result is returned) or when it sees `stop` set; a second signal while it
    is stopping only sets `stop` again, so the shutdown is not cut short half-way. None when interrupted
    before the loop took the signals over.
    """

    async def runner() -> T:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in _STOP_SIGNALS:
            loop.add_signal_handler(signum, stop.set)
        try:
            return await main(stop)
        finally:
            for signum in _STOP_SIGNALS:
                loop.remove_signal_handler(signum)

    try:
        return asyncio.run(runner())
    except KeyboardInterrupt:
        return None
    finally:
        take_over_signals()


async def until_stopped(stop: asyncio.Event, work: t.Awaitable[T]) -> T | None:
    """`work`'s result, or None as soon as `stop` is set (then `work` is cancelled)."""
    task = asyncio.ensure_future(work)
    waiting = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    return task.result() if not task.cancelled() else None


class Shutdown:
    """Closes services one after another, each within a bound, and says what it had to abandon.

    A service whose close does not finish in time is cancelled (its `close` coroutine gets a
    CancelledError, the cue to kill what is left) and named on stderr, so that one stuck service
    neither hangs the whole stop nor goes unnoticed.
    """

    def __init__(self, seconds: float = 10.0, report: t.Callable[[str], None] | None = None) -> None:
        self.seconds = seconds
        self._report = report or (lambda line: print(line, file=sys.stderr, flush=True))
        #: Names of the services whose close had to be cut short.
        self.abandoned: list[str] = []

    async def close(self, name: str, close: t.Callable[[], t.Awaitable[t.Any]]) -> None:
        """Run `close()` for at most `self.seconds`; on timeout cancel it and report `name`."""
        task = asyncio.ensure_future(close())
        done, _ = await asyncio.wait({task}, timeout=self.seconds)
        if done:
            if not task.cancelled() and task.exception() is not None:
                self._report(f"Stopping {name} failed: {task.exception()!r}")
            return
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
        self.abandoned.append(name)
        self._report(f"Stopping {name} took more than {self.seconds:g} s: cut short")
