"""Shutdown of a service is bounded and says what it had to cut short (issue 14)."""

from __future__ import annotations

import asyncio

from serverlite.lifecycle import Shutdown, until_stopped


def test_a_close_that_hangs_is_cut_short_and_named() -> None:
    lines: list[str] = []
    cancelled: list[bool] = []

    async def stuck() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def fine() -> None:
        await asyncio.sleep(0)

    async def scenario() -> list[str]:
        shutdown = Shutdown(seconds=0.2, report=lines.append)
        await shutdown.close("the stuck service", stuck)
        await shutdown.close("the fine service", fine)
        return shutdown.abandoned

    assert asyncio.run(scenario()) == ["the stuck service"]
    assert lines == ["Stopping the stuck service took more than 0.2 s: cut short"]
    assert cancelled == [True]


def test_a_close_that_fails_is_reported_and_the_next_still_runs() -> None:
    lines: list[str] = []
    closed: list[str] = []

    async def broken() -> None:
        raise OSError("disk gone")

    async def fine() -> None:
        closed.append("fine")

    async def scenario() -> None:
        shutdown = Shutdown(seconds=5, report=lines.append)
        await shutdown.close("the log store", broken)
        await shutdown.close("the console", fine)

    asyncio.run(scenario())
    assert lines == ["Stopping the log store failed: OSError('disk gone')"]
    assert closed == ["fine"]


def test_until_stopped_cancels_the_work_when_stop_is_set() -> None:
    async def forever() -> str:
        await asyncio.sleep(3600)
        return "never"

    async def scenario() -> tuple[str | None, str | None]:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.01, stop.set)
        stopped = await until_stopped(stop, forever())
        finished = await until_stopped(asyncio.Event(), asyncio.sleep(0, "done"))
        return stopped, finished

    assert asyncio.run(scenario()) == (None, "done")
