"""``serverlite logs`` through click's CliRunner, and ``--follow`` in a real process stopped by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from serverlite.logs.cli import logs_command
from serverlite.logs.store import LogStore
from tests.processes import spawn

GROUP = "/aws/lambda/DemoHandleItem"
STREAM_A = "2026/11/26/[$LATEST]aaaa"
STREAM_B = "2026/11/26/[$LATEST]bbbb"
T0 = 1_764_151_872_534  # 2025-11-26T10:11:12.534Z, well before any test run
SINCE = "2025-11-26T10:00:00Z"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    store = LogStore(tmp_path / "logs", clock=lambda: T0)
    store.append(GROUP, STREAM_A, [(T0, "START RequestId: r1 Version: $LATEST\n"), (T0 + 2, "ERROR boom\r")])
    store.append(GROUP, STREAM_B, [(T0 + 1, "hello\nworld")])
    store.create_group("/aws/lambda/Empty")
    store.close()
    return tmp_path


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(logs_command, [*args, "--data-dir", str(data_dir)])
    return result.exit_code, result.output


def test_lists_groups(data_dir: Path) -> None:
    size_a = len(
        b'{"timestamp":1764151872534,"message":"START RequestId: r1 Version: $LATEST\\n","ingestionTime":1764151872534}\n'
    )
    size_a += len(b'{"timestamp":1764151872536,"message":"ERROR boom\\r","ingestionTime":1764151872534}\n')
    size_b = len(b'{"timestamp":1764151872535,"message":"hello\\nworld","ingestionTime":1764151872534}\n')
    assert run(data_dir) == (
        0,
        "LOG GROUP                   STREAMS  STORED BYTES\n"
        f"/aws/lambda/DemoHandleItem        2  {size_a + size_b:>12}\n"
        "/aws/lambda/Empty                 0             0\n",
    )


def test_prints_events_like_aws_logs_tail(data_dir: Path) -> None:
    assert run(data_dir, GROUP, "--since", SINCE) == (
        0,
        "2025-11-26T10:11:12.534000+00:00 2026/11/26/[$LATEST]aaaa START RequestId: r1 Version: $LATEST\n"
        "2025-11-26T10:11:12.535000+00:00 2026/11/26/[$LATEST]bbbb hello\nworld\n"
        "2025-11-26T10:11:12.536000+00:00 2026/11/26/[$LATEST]aaaa ERROR boom\n",
    )


def test_stream_filter_and_since(data_dir: Path) -> None:
    assert run(data_dir, GROUP, "--since", SINCE, "--stream", STREAM_B) == (
        0,
        "2025-11-26T10:11:12.535000+00:00 2026/11/26/[$LATEST]bbbb hello\nworld\n",
    )
    assert run(data_dir, GROUP, "--since", SINCE, "--filter", "?boom ?world") == (
        0,
        "2025-11-26T10:11:12.535000+00:00 2026/11/26/[$LATEST]bbbb hello\nworld\n"
        "2025-11-26T10:11:12.536000+00:00 2026/11/26/[$LATEST]aaaa ERROR boom\n",
    )
    assert run(data_dir, GROUP, "--since", "2025-11-26T10:11:12.536Z") == (
        0,
        "2025-11-26T10:11:12.536000+00:00 2026/11/26/[$LATEST]aaaa ERROR boom\n",
    )
    assert run(data_dir, GROUP) == (0, "")  # default --since 10m: these events are in the past


def test_errors(data_dir: Path, tmp_path: Path) -> None:
    assert run(data_dir, "/aws/lambda/Nope") == (
        1,
        "Error: The specified log group does not exist: /aws/lambda/Nope\n",
    )
    code, output = run(data_dir, GROUP, "--filter", "{ $.a = 1")
    assert (code, output) == (
        1,
        "Error: If a filter pattern starts with '{' it must end with '}': " + GROUP + "\n",
    )
    code, output = run(data_dir, GROUP, "--since", "yesterday")
    assert code == 2 and "'yesterday' is neither like 10m/2h/1d/30s nor an ISO 8601 time" in output
    assert run(tmp_path / "empty") == (0, f"No log groups in {tmp_path / 'empty' / 'logs'}\n")


def test_follow_prints_new_events_until_ctrl_c(data_dir: Path) -> None:
    command = [sys.executable, "-m", "serverlite", "logs", GROUP, "--follow", "--since", SINCE]
    with spawn(
        [*command, "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]  # "hello\nworld" is two lines
        LogStore(data_dir / "logs", clock=lambda: T0).append(GROUP, STREAM_B, [(T0 + 5, "later")])
        lines.append(process.stdout.readline())
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)
    assert lines == [
        "2025-11-26T10:11:12.534000+00:00 2026/11/26/[$LATEST]aaaa START RequestId: r1 Version: $LATEST\n",
        "2025-11-26T10:11:12.535000+00:00 2026/11/26/[$LATEST]bbbb hello\n",
        "world\n",
        "2025-11-26T10:11:12.536000+00:00 2026/11/26/[$LATEST]aaaa ERROR boom\n",
        "2025-11-26T10:11:12.539000+00:00 2026/11/26/[$LATEST]bbbb later\n",
    ]
    assert (process.returncode, errors) == (0, "")
