"""End-to-end harness: `serverlite start` as a real subprocess on free ports."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.processes import free_port, kill_group

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"


class Serverlite:
    """One `serverlite start` process and the lines it printed."""

    def __init__(self, args: list[str], data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.dynamodb_port = free_port()
        self.lambda_port = free_port()
        self.console_port = free_port()
        self.lines: list[str] = []
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "serverlite",
                "start",
                "--port",
                str(self.port),
                "--dynamodb-port",
                str(self.dynamodb_port),
                "--lambda-port",
                str(self.lambda_port),
                "--console-port",
                str(self.console_port),
                "--data-dir",
                str(data_dir),
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=REPO,
            start_new_session=True,  # a group of its own: the fixture kills it whole, pass or fail
        )
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.strip() == "Ready":
                self.ready_after = time.monotonic() - self.started
                self._ready.set()

    def wait_for_line(self, fragment: str, timeout: float = 30) -> str:
        """The first output line containing `fragment`; function output reaches the terminal through a pipe
        of its own, so it may come a moment after the response it belongs to."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if fragment in line:
                    return line
            time.sleep(0.05)
        raise AssertionError(f"no line with {fragment!r}:\n" + "\n".join(self.lines[-40:]))

    def wait_ready(self, timeout: float = 60) -> Serverlite:
        if not self._ready.wait(timeout):
            self.stop(signal.SIGKILL)
            raise AssertionError("serverlite did not print Ready:\n" + "\n".join(self.lines))
        return self

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        body: bytes | str | None = None,
    ) -> tuple[int, object]:
        """One request on a new connection; the body is decoded as JSON."""
        target = path + ("?" + urlencode(query) if query else "")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, json.loads(data)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Send `signum`, wait for the exit code; whatever is left of the process group is killed."""
        try:
            if self.process.poll() is None:
                self.process.send_signal(signum)
            code = self.process.wait(timeout)
        finally:
            kill_group(self.process, close_streams=False)
            self._reader.join(5)
        return code


def processes_using(path: Path) -> list[int]:
    """Pids whose command line or environment mention `path` (our DynamoDB child and workers)."""
    needle = str(path).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "cmdline").read_bytes() or needle in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_gone(path: Path, timeout: float = 10) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = processes_using(path)
        if not left:
            return []
        time.sleep(0.1)
    return processes_using(path)


@pytest.fixture
def start_serverlite(tmp_path: Path) -> Iterator:
    started: list[Serverlite] = []

    def start(*args: str, data_dir: Path | None = None) -> Serverlite:
        process = Serverlite(list(args), data_dir or tmp_path / "data")
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop(signal.SIGKILL)
