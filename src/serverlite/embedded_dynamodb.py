"""The embedded DynamoDB server of `serverlite start`: a supervised `serverlite dynamodb` child process.

Kept apart from app.py and light to import: `serverlite start` spawns the child before it imports the rest
of serverlite, so the child boots while this process loads (both take a fraction of a second, in parallel).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
import typing as t
from pathlib import Path

from serverlite.children import die_with_parent
from serverlite.config import Config
from serverlite.endpoint_policy import console_origins

__all__ = [
    "DynamoDBProcess",
    "Spawning",
    "StartupError",
    "allowed_origins",
    "dynamodb_options",
    "say",
    "spawn_dynamodb",
]


class StartupError(Exception):
    """A service could not start; the message says which and why."""


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


_say = say


class DynamoDBProcess:
    """The embedded DynamoDB server, run as `serverlite dynamodb` in a child process.

    The child is supervised: when it fails without `stop` having been called (killed, crashed), it is
    started again on the same port and data dir, so the functions' endpoint stays valid; requests in the
    gap fail as connection errors, and SQLite's journal recovery keeps every acknowledged write.
    """

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        url: str,
        host: str,
        data_dir: Path,
        options: t.Sequence[str] = (),
    ) -> None:
        self._process = process
        self.url = url
        self._host = host
        self._port = int(url.rsplit(":", 1)[1].rstrip("/"))  # the port actually bound (useful with port 0)
        self._data_dir = data_dir
        self._options = tuple(options)
        self._stopping = False
        #: How many times the child was started again after an unexpected exit.
        self.restarts = 0
        self._pump = asyncio.ensure_future(self._forward_output(process))
        self._supervisor = asyncio.ensure_future(self._supervise())

    @classmethod
    async def start(
        cls, host: str, port: int, data_dir: Path, timeout: float = 30.0, options: t.Sequence[str] = ()
    ) -> DynamoDBProcess:
        """Spawn the server and wait for its `Ready` line; `options`: more `serverlite dynamodb` options."""
        return await cls.spawn(host, port, data_dir, options).ready(timeout)

    @classmethod
    def spawn(cls, host: str, port: int, data_dir: Path, options: t.Sequence[str] = ()) -> Spawning:
        """Start the child now; `ready()` of the answer waits for it (meanwhile this process goes on)."""
        return Spawning(cls, host, port, data_dir, tuple(options))

    @classmethod
    async def _launch(
        cls, host: str, port: int, data_dir: Path, timeout: float, options: t.Sequence[str]
    ) -> tuple[asyncio.subprocess.Process, str]:
        return await cls._until_ready(await cls._spawn(host, port, data_dir, options), timeout)

    @staticmethod
    async def _spawn(
        host: str, port: int, data_dir: Path, options: t.Sequence[str]
    ) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "serverlite",
            "dynamodb",
            "--host",
            host,
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *options,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )

    @classmethod
    async def _until_ready(
        cls, process: asyncio.subprocess.Process, timeout: float
    ) -> tuple[asyncio.subprocess.Process, str]:
        try:
            url, seen = await cls._wait_ready(process, timeout)
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise
        if url is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise StartupError("DynamoDB server did not start:\n" + "\n".join(seen[-20:]))
        return process, url

    @staticmethod
    async def _wait_ready(
        process: asyncio.subprocess.Process, timeout: float
    ) -> tuple[str | None, list[str]]:
        assert process.stdout is not None
        url: str | None = None
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                async with asyncio.timeout(max(remaining, 0.01)):
                    raw = await process.stdout.readline()
            except TimeoutError:
                return None, seen + ["(timed out waiting for Ready)"]
            if not raw:
                return None, seen
            line = raw.decode("utf-8", errors="replace").rstrip()
            seen.append(line)
            if line.startswith("DynamoDB: "):
                url = line.split(" ", 1)[1]
            elif line == "Ready" and url is not None:
                return url, seen

    @staticmethod
    async def _forward_output(process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            _say("[dynamodb] " + raw.decode("utf-8", errors="replace").rstrip())

    async def _supervise(self) -> None:
        """Start the child again, on the same port and data dir, whenever it exits unexpectedly."""
        while True:
            code = await self._process.wait()
            await asyncio.gather(self._pump, return_exceptions=True)
            if self._stopping:
                return
            if code == 0:  # it was told to stop (a signal to the whole process group, as Ctrl-C sends)
                _say("DynamoDB server stopped; not restarting it")
                return
            _say(
                f"DynamoDB server exited unexpectedly (code {code}); "
                f"restarting it on port {self._port} with {self._data_dir}"
            )
            self._process = await self._relaunch()
            self._pump = asyncio.ensure_future(self._forward_output(self._process))
            self.restarts += 1
            _say(f"DynamoDB server restarted: {self.url}")

    async def _relaunch(self) -> asyncio.subprocess.Process:
        """Retry with backoff (the port may still be held for a moment, the disk may be full)."""
        delay = 0.1
        while True:
            try:
                process, _ = await self._launch(self._host, self._port, self._data_dir, 30.0, self._options)
            except (StartupError, OSError) as error:
                _say(f"DynamoDB server did not restart, retrying in {delay:.1f} s: {error}")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            else:
                return process

    async def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM, then SIGKILL if it does not exit in time; no restart after this."""
        self._stopping = True
        if not self._supervisor.done():
            self._supervisor.cancel()
        await asyncio.gather(self._supervisor, return_exceptions=True)
        if self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(timeout):
                    await self._process.wait()
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self._process.kill()
                await self._process.wait()
        await asyncio.gather(self._pump, return_exceptions=True)


class Spawning:
    """A DynamoDB child that was started and has not said `Ready` yet."""

    def __init__(
        self, kind: type[DynamoDBProcess], host: str, port: int, data_dir: Path, options: tuple[str, ...]
    ) -> None:
        self._kind, self._host, self._port, self._data_dir, self._options = (
            kind,
            host,
            port,
            data_dir,
            options,
        )
        self._process = asyncio.ensure_future(kind._spawn(host, port, data_dir, options))

    async def started(self) -> None:
        """Return once the child process exists."""
        await asyncio.shield(self._process)

    async def ready(self, timeout: float = 30.0) -> DynamoDBProcess:
        process, url = await self._kind._until_ready(await self._process, timeout)
        return self._kind(process, url, self._host, self._data_dir, self._options)

    async def abandon(self) -> None:
        """Kill the child (start-up failed before the server was taken into service)."""
        with contextlib.suppress(Exception):
            process = await self._process
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()


def allowed_origins(config: Config) -> list[str]:
    """`--allow-origin` values and the console's own origins (unknown yet with port 0)."""
    origins = [*config.allow_origins]
    if config.console_port:
        origins += console_origins(config.host, config.console_port)
    return origins


def dynamodb_options(config: Config) -> list[str]:
    """The `serverlite dynamodb` options that give the embedded server the same policy."""
    options = ["--embedded"]
    for name in config.allowed_hosts:
        options += ["--allowed-host", name]
    for origin in allowed_origins(config):
        options += ["--allow-origin", origin]
    return options


def spawn_dynamodb(config: Config) -> Spawning:
    """Start the embedded server of `config` (its port, data dir and endpoint policy)."""
    return DynamoDBProcess.spawn(config.host, config.dynamodb_port, config.data_dir, dynamodb_options(config))
