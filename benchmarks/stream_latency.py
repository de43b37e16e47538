"""Latency from a PutItem acknowledgement to the stream-triggered function starting (goal: median < 50 ms).

Runs `serverlite start` on benchmarks/stream_latency/template.yaml, writes one item at a time with
boto3 (waiting for each to be delivered), and compares the time PutItem returned with the time the
handler printed on starting. Both clocks are this machine's wall clock.

    .venv/bin/python benchmarks/stream_latency.py [--writes 200]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "stream_latency" / "template.yaml"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=200)
    arguments = parser.parse_args()
    ports = [_free_port() for _ in range(4)]
    started: dict[str, float] = {}
    ready = threading.Event()
    seen = threading.Condition()
    with tempfile.TemporaryDirectory() as data_dir:
        process = subprocess.Popen(
            [sys.executable, "-m", "serverlite", "start", "--template", str(TEMPLATE), "--data-dir", data_dir]
            + ["--port", str(ports[0]), "--dynamodb-port", str(ports[1])]
            + ["--lambda-port", str(ports[2]), "--console-port", str(ports[3])],
            stdout=subprocess.PIPE,
            text=True,
        )

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if line.strip() == "Ready":
                    ready.set()
                if "STARTED " in line:
                    key, when = line.split("STARTED ", 1)[1].split()
                    with seen:
                        started[key] = float(when)
                        seen.notify_all()

        threading.Thread(target=read, daemon=True).start()
        try:
            if not ready.wait(60):
                raise SystemExit("serverlite did not start")
            client = boto3.client(
                "dynamodb",
                endpoint_url=f"http://127.0.0.1:{ports[1]}",
                region_name="us-east-1",
                aws_access_key_id="x",
                aws_secret_access_key="x",
            )
            latencies = []
            for number in range(arguments.writes + 5):
                key = f"k{number}"
                client.put_item(TableName="LatencyEvents", Item={"pk": {"S": key}})
                acknowledged = time.time()
                with seen:
                    if not seen.wait_for(lambda key=key: key in started, timeout=10):
                        raise SystemExit(f"record {key} was not delivered")
                if number >= 5:  # the first ones include the worker's cold start
                    latencies.append((started[key] - acknowledged) * 1000)
        finally:
            process.terminate()
            process.wait(30)
    latencies.sort()
    median = statistics.median(latencies)
    p90 = latencies[int(len(latencies) * 0.9)]
    print(f"PutItem acknowledged -> stream-triggered function started, {len(latencies)} writes:")
    print(f"  median {median:.1f} ms, p90 {p90:.1f} ms, max {latencies[-1]:.1f} ms (goal: median < 50 ms)")


if __name__ == "__main__":
    main()
