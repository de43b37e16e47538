"""Every command that runs until stopped stops cleanly on SIGINT and SIGTERM, whatever it inherited.

A POSIX shell starts a script's background job (`serverlite start &`) with SIGINT ignored, and Python then
installs no KeyboardInterrupt handler; `nohup` and supervisors pass on dispositions of their own. Each
command here is started with SIGINT ignored, then sent SIGINT or SIGTERM: it must exit 0 and leave no
process behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from serverlite.logs.store import LogStore
from tests.e2e.conftest import REPO, free_port, wait_gone
from tests.processes import spawn


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_until_signal(command: list[str], ready: str, signum: int, data_dir: Path) -> tuple[int, list[str]]:
    """Start `command` with SIGINT ignored, wait for a line starting with `ready`, send `signum`."""
    lines: list[str] = []
    with spawn(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=_ignore_sigint,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith(ready):
                break
        else:
            raise AssertionError("exited before it was ready:\n" + "\n".join(lines))
        process.send_signal(signum)
        rest, _ = process.communicate(timeout=60)
        lines += rest.splitlines()
        code = process.returncode
    assert wait_gone(data_dir) == [], "processes left behind"
    return code, lines


STOPS = [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGTERM, id="SIGTERM")]


@pytest.mark.parametrize("signum", STOPS)
def test_start_stops(signum: int, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ports = [str(free_port()) for _ in range(4)]
    command = [sys.executable, "-m", "serverlite", "start", "--no-reload", "--data-dir", str(data_dir)]
    command += ["--port", ports[0], "--dynamodb-port", ports[1], "--lambda-port", ports[2]]
    command += ["--console-port", ports[3]]
    code, lines = _run_until_signal(command, "Ready", signum, data_dir)
    assert code == 0, lines
    assert "Stopping ..." in lines


@pytest.mark.parametrize("signum", STOPS)
def test_dynamodb_stops(signum: int, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "serverlite", "dynamodb", "--port", "0", "--data-dir", str(tmp_path)]
    code, lines = _run_until_signal(command, "Ready", signum, tmp_path)
    assert code == 0, lines


@pytest.mark.parametrize("signum", STOPS)
def test_logs_follow_stops(signum: int, tmp_path: Path) -> None:
    store = LogStore(tmp_path / "logs", clock=lambda: 1_764_151_872_534)
    store.append("/aws/lambda/F", "s", [(1_764_151_872_534, "hello")])
    store.close()
    command = [
        sys.executable,
        "-m",
        "serverlite",
        "logs",
        "/aws/lambda/F",
        "--follow",
        "--since",
        "2025-01-01",
    ]
    code, lines = _run_until_signal([*command, "--data-dir", str(tmp_path)], "2025-11-26T", signum, tmp_path)
    assert (code, lines) == (0, ["2025-11-26T10:11:12.534000+00:00 s hello"])
