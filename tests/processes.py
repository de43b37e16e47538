"""Processes the tests start: each in a process group of its own, always ended by the test that started it.

`spawn` is the one way tests start a long-running process: a context manager that kills the process
group on the way out, whether the test passed, failed an assertion or hit pytest's timeout. The
session-level guard (tests/conftest.py) uses `descendants`/`end_leftovers` to fail the run when anything
survives anyway.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["become_subreaper", "descendants", "end_leftovers", "free_port", "kill_group", "spawn"]

_PR_SET_CHILD_SUBREAPER = 36


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port() -> int:
    """A port free now for a server a test starts, below the kernel's ephemeral range.

    Binding port 0 gives an ephemeral port, and once it is closed any outgoing connection of the machine
    (boto3 to DynamoDB, say) may take it as its local port before the test's server binds it ("address
    already in use"). Ports below that range are never handed out that way.
    """
    low, _ = _ephemeral_range()
    for _ in range(200):
        port = random.randrange(10_000, max(low, 10_001))
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:  # a machine whose whole low range is in use: take what the kernel gives
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def spawn(args: list[str], **popen: object) -> Iterator[subprocess.Popen]:
    """`subprocess.Popen(args, **popen)` in a new session (its own process group), killed with its whole
    group when the block ends. Streams the caller asked for are closed too."""
    process = subprocess.Popen(args, start_new_session=True, **popen)  # type: ignore[call-overload]
    try:
        yield process
    finally:
        kill_group(process)


def kill_group(process: subprocess.Popen, grace: float = 0.0, *, close_streams: bool = True) -> None:
    """SIGKILL the process's group (after `grace` seconds of waiting for it to exit) and reap it; its pipes
    are closed unless a reader thread of the caller's still owns them (`close_streams=False`)."""
    if grace and process.poll() is None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    process.wait()
    if not close_streams:
        return
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def become_subreaper() -> None:
    """Orphans among our descendants are re-parented to this process instead of init (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of `pid`, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0]


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:300]


def descendants(root: int | None = None) -> dict[int, str]:
    """Live (non-zombie) descendants of `root` (default: this process): pid -> state."""
    root = root or os.getpid()
    parents: dict[int, int] = {}
    states: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                parents[int(entry.name)], states[int(entry.name)] = stat
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = states[pid]
                frontier.append(pid)
    return found


def _reap_zombies() -> None:
    for pid, state in descendants().items():
        if state == "Z":
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)


def end_leftovers(grace: float = 10.0) -> list[str]:
    """Wait up to `grace` seconds for our descendants to end; SIGKILL the rest and describe them."""
    deadline = time.monotonic() + grace
    while True:
        _reap_zombies()
        alive = {pid: state for pid, state in descendants().items() if state != "Z"}
        if not alive or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    described = [f"pid {pid}: {_command(pid)}" for pid in sorted(alive)]
    for pid in alive:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)
    _reap_zombies()
    return described
