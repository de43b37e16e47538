"""The cost of IAM checks (issue 10): the Music API item cycle with `--iam off` and `--iam enforce`.

Run:  .venv/bin/python benchmarks/iam_overhead.py [--requests 2000] [--rounds 10]

Starts `serverlite start` on template.yaml twice (`--iam off`, `--iam enforce`), each on free ports with
an empty data dir, creates the `Music` table and warms each up, then drives the tutorial's item cycle (PUT,
POST, GET, DELETE of one song on /Test/DemoResourceMusic/DemoResourceMusicItem, with the tutorial's
headers) on one keep-alive connection per server. The rounds alternate between the two servers so drift of
the machine (frequency, other load) falls on both alike. Prints req/s and p50 per mode and the ratio;
the goal is enforce within 10% of off. With enforce, every DynamoDB call of the handler is SigV4-verified
and its action checked against DemoHandleItem's role (decision cached per role, action and resource).
"""

from __future__ import annotations

import argparse
import http.client
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ITEM = "/Test/DemoResourceMusic/DemoResourceMusicItem"
TABLE = "/Test/DemoResourceMusic/DemoResourceMusicTable"
SONG = {"content-type": "application/json", "table": "Music", "artist": "No One You Know"}
MODES = ("off", "enforce")


@dataclass
class _Server:
    mode: str
    process: subprocess.Popen[str]
    connection: http.client.HTTPConnection
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(mode: str, data_dir: Path) -> _Server:
    port = _free_port()
    ports = ["--dynamodb-port", str(_free_port()), "--lambda-port", str(_free_port())]
    process = subprocess.Popen(
        [sys.executable, "-m", "serverlite", "start", "--template", "template.yaml", "--iam", mode]
        + ["--port", str(port), *ports, "--console-port", str(_free_port()), "--data-dir", str(data_dir)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "Ready":
            # Drain the server's output so it never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True).start()
            return _Server(mode, process, http.client.HTTPConnection("127.0.0.1", port))
    raise SystemExit(f"serverlite --iam {mode} exited before Ready")


def _call(server: _Server, method: str, path: str, headers: dict[str, str]) -> None:
    server.connection.request(method, path, headers=headers)
    response = server.connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"--iam {server.mode}: {method} {path} answered {response.status}: {body[:300]!r}")


def _cycle(server: _Server, song: str) -> None:
    """PUT, POST, GET, DELETE of one song, each request timed."""
    headers = {**SONG, "songtitle": song}
    for method, extra in (
        ("PUT", {"albumtitle": "Somewhat Famous"}),
        ("POST", {"albumtitle": "Louder Than Ever"}),
        ("GET", {}),
        ("DELETE", {}),
    ):
        begin = time.perf_counter()
        _call(server, method, ITEM, {**headers, **extra})
        elapsed = time.perf_counter() - begin
        server.latencies.append(elapsed * 1000)
        server.seconds += elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per mode (a multiple of 4)")
    parser.add_argument("--rounds", type=int, default=10, help="alternations between the two servers")
    args = parser.parse_args()
    cycles = max(1, args.requests // 4 // args.rounds)
    with tempfile.TemporaryDirectory() as tmp:
        servers = [_start(mode, Path(tmp) / mode) for mode in MODES]
        try:
            for server in servers:
                _call(server, "PUT", TABLE, {"table": "Music"})
                for song in range(20):  # warm-up: the worker has run each operation
                    _cycle(server, f"warm {song}")
                server.latencies.clear()
                server.seconds = 0.0
            for round_ in range(args.rounds):
                for server in servers if round_ % 2 == 0 else reversed(servers):
                    for song in range(cycles):
                        _cycle(server, f"Call Me Today {round_}.{song}")
        finally:
            for server in servers:
                server.connection.close()
                server.process.send_signal(signal.SIGTERM)
                server.process.wait(30)
    rates = {}
    for server in servers:
        rates[server.mode] = len(server.latencies) / server.seconds
        print(
            f"--iam {server.mode:<8} {len(server.latencies)} requests: {rates[server.mode]:7.1f} req/s, "
            f"p50 {statistics.median(server.latencies):.2f} ms"
        )
    ratio = rates["enforce"] / rates["off"]
    verdict = "within" if ratio >= 0.9 else "NOT within"
    print(f"enforce / off: {ratio:.3f} of the throughput ({verdict} the 10% goal)")


if __name__ == "__main__":
    main()
