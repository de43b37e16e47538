"""Start-up time and GET latency of the Music API on serverlite (issue 2: measured, not asserted).

Run:  .venv/bin/python benchmarks/music_api_latency.py [--requests 200]
Prints the seconds from spawning `serverlite start` to its `Ready` line, and the latency distribution of
GET /Test/DemoResourceMusic/DemoResourceMusicItem on one keep-alive connection (after one warm-up request,
so the worker is warm, as it is for every request but the first on Lambda).
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
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ITEM = "/Test/DemoResourceMusic/DemoResourceMusicItem"
HEADERS = {
    "content-type": "application/json",
    "table": "Music",
    "artist": "No One You Know",
    "songtitle": "Call Me Today",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(data_dir: Path) -> tuple[subprocess.Popen[str], int, float]:
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "serverlite",
            "start",
            "--port",
            str(port),
            "--dynamodb-port",
            str(_free_port()),
            "--lambda-port",
            str(_free_port()),
            "--console-port",
            str(_free_port()),
            "--data-dir",
            str(data_dir),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "Ready":
            return process, port, time.perf_counter() - started
    raise SystemExit("serverlite exited before Ready")


def _call(conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str]) -> int:
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, port, ready_seconds = _start(Path(tmp) / "data")
        # Drain the server's output so it never blocks on a full pipe.
        import threading

        threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True).start()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port)
            assert (
                _call(conn, "PUT", "/Test/DemoResourceMusic/DemoResourceMusicTable", {"table": "Music"})
                == 200
            )
            assert _call(conn, "PUT", ITEM, {**HEADERS, "albumtitle": "Somewhat Famous"}) == 200
            assert _call(conn, "GET", ITEM, HEADERS) == 200  # warm-up
            latencies = []
            for _ in range(args.requests):
                begin = time.perf_counter()
                assert _call(conn, "GET", ITEM, HEADERS) == 200
                latencies.append((time.perf_counter() - begin) * 1000)
            conn.close()
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
    latencies.sort()
    print(f"start to Ready: {ready_seconds:.2f} s")
    print(
        f"GET item, {args.requests} requests on one keep-alive connection: "
        f"median {statistics.median(latencies):.2f} ms, p90 {latencies[int(len(latencies) * 0.9)]:.2f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)]:.2f} ms, min {latencies[0]:.2f} ms"
    )


if __name__ == "__main__":
    main()
