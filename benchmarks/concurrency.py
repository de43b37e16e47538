"""Issue 5: 16 concurrent requests to a function that sleeps 0.5 s (goal: all succeed, under 1.5 s in total).

Run:  .venv/bin/python benchmarks/concurrency.py [--rounds 3]
Starts `serverlite start` on examples/nap, then sends 16 requests at once, cold (every environment starts)
and warm (the 16 environments are reused), and prints the wall time of each round.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/Prod/nap")
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def _round(port: int) -> tuple[float, list[int], int]:
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: _get(port), range(16)))
    return (
        time.perf_counter() - started,
        [status for status, _ in results],
        len({body for _, body in results}),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "serverlite",
                "start",
                "--template",
                str(REPO / "examples/nap/template.yaml"),
                "--port",
                str(port),
                "--dynamodb-port",
                str(_free_port()),
                "--lambda-port",
                str(_free_port()),
                "--console-port",
                str(_free_port()),
                "--data-dir",
                tmp,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip() == "Ready":
                break
        threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True).start()
        try:
            for number in range(args.rounds):
                elapsed, statuses, workers = _round(port)
                kind = "cold" if number == 0 else "warm"
                verdict = "ok" if statuses == [200] * 16 and elapsed < 1.5 else "MISS"
                print(
                    f"round {number + 1} ({kind}): 16 requests in {elapsed:.2f} s, statuses "
                    f"{sorted(set(statuses))}, {workers} environments (goal < 1.5 s: {verdict})"
                )
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)


if __name__ == "__main__":
    main()
