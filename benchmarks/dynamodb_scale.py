"""DynamoDB at scale: latency at 1,000 and 1,000,000 items, and memory during a full paged Scan (issue 3).

Run:  .venv/bin/python benchmarks/dynamodb_scale.py [--items 1000000] [--calls 2000]

One table (hash key ``pk``, range key ``sk``), items of ~200 bytes in partitions of exactly 10.
Items are loaded through the server's own storage layer (``Database.items.put`` in large
transactions, the table created by the core's CreateTable), with no server running; then
``python -m serverlite dynamodb`` serves the data directory and one keep-alive raw-HTTP client
measures, sequentially, GetItem of random keys and Query of random 10-item partitions:

1. at 1,000 items;
2. after loading the table up to ``--items`` (a fresh server process on the same directory);
3. a full paged Scan (``ExclusiveStartKey`` until there is no ``LastEvaluatedKey``) while a thread
   samples the server's RSS every 20 ms; its peak (and the kernel's VmHWM) are printed.

Goals (issue 3): GetItem and Query p50 at --items within 1.5x of their p50 at 1,000 items, and the
server's RSS under 200 MB during the full Scan.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from serverlite.dynamodb.protocol import DynamoDBServer
from serverlite.dynamodb.storage.database import open_database
from serverlite.dynamodb.storage.keys import encode_key

REPO = Path(__file__).resolve().parents[1]

TABLE = "Scale"
PARTITION = 10
SMALL = 1000
ATTRIBUTES: dict[str, dict[str, Any]] = {
    "title": {"S": "Call Me Today"},
    "artist": {"S": "No One You Know"},
    "year": {"N": "2026"},
    "plays": {"N": "1234567"},
    "explicit": {"BOOL": False},
    "genres": {"SS": ["pop", "rock"]},
    "meta": {"M": {"label": {"S": "Indie Records"}, "seconds": {"N": "215"}}},
}
CREATE_TABLE = {
    "TableName": TABLE,
    "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
    ],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
}
RSS_GOAL_MB = 200
RATIO_GOAL = 1.5


def _key(number: int) -> tuple[str, str]:
    return f"p{number // PARTITION:07d}", f"{number % PARTITION:02d}"


def load(data: Path, start: int, stop: int) -> float:
    """Write items [start, stop) through the storage layer; create the table first; seconds taken."""
    began = time.perf_counter()
    database = open_database(data, "process")
    try:
        if database.tables.get(TABLE) is None:
            core = DynamoDBServer(database, region="us-east-1", account_id="123456789012")
            status, body = core.handle_sync(
                "DynamoDB_20120810.CreateTable", json.dumps(CREATE_TABLE).encode()
            )
            if status != 200:
                raise RuntimeError(body.decode())
        for batch in range(start, stop, 50_000):
            with database.transaction():
                for number in range(batch, min(stop, batch + 50_000)):
                    pk, sk = _key(number)
                    item = {"pk": {"S": pk}, "sk": {"S": sk}, **ATTRIBUTES}
                    database.items.put(TABLE, encode_key(item["pk"]), encode_key(item["sk"]), item)
    finally:
        database.close()
    return time.perf_counter() - began


@contextmanager
def serving(data: Path) -> Iterator[tuple[int, http.client.HTTPConnection]]:
    """A server process on the data directory: (its pid, a keep-alive connection to it)."""
    command = [sys.executable, "-m", "serverlite", "dynamodb", "--port", "0", "--data-dir", str(data)]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        endpoint = ""
        for line in process.stdout:
            if line.startswith("DynamoDB: http://"):
                endpoint = line.split("http://", 1)[1].strip()
            if line.strip() == "Ready":
                break
        host, port = endpoint.rsplit(":", 1)
        yield process.pid, http.client.HTTPConnection(host, int(port), timeout=60)
    finally:
        process.terminate()
        process.wait(10)


def call(connection: http.client.HTTPConnection, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """One request on the kept connection; raises on a non-200 answer."""
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    connection.request("POST", "/", json.dumps(request), headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{operation}: {response.status} {body[:200]!r}")
    answer: dict[str, Any] = json.loads(body)
    return answer


def latencies(connection: http.client.HTTPConnection, items: int, calls: int) -> dict[str, float]:
    """p50 (ms) of GetItem on random keys and of Query on random 10-item partitions."""
    chosen = random.Random(7)
    result = {}
    for operation in ("GetItem", "Query"):
        timings = []
        for _ in range(calls):
            pk, sk = _key(chosen.randrange(items))
            if operation == "GetItem":
                request: dict[str, Any] = {"TableName": TABLE, "Key": {"pk": {"S": pk}, "sk": {"S": sk}}}
            else:
                request = {
                    "TableName": TABLE,
                    "KeyConditionExpression": "pk = :pk",
                    "ExpressionAttributeValues": {":pk": {"S": pk}},
                }
            began = time.perf_counter()
            answer = call(connection, operation, request)
            timings.append(time.perf_counter() - began)
            if ("Item" not in answer) if operation == "GetItem" else answer["Count"] != PARTITION:
                raise RuntimeError(f"{operation} found nothing for {pk}/{sk}")
        result[operation] = statistics.median(timings) * 1000
    return result


def _rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def full_scan(pid: int, connection: http.client.HTTPConnection) -> tuple[int, int, float, float, float]:
    """(items, pages, seconds, peak sampled RSS MB, VmHWM MB) of a full paged Scan."""
    peak = [_rss_mb(pid)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _rss_mb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    request: dict[str, Any] = {"TableName": TABLE}
    count = pages = 0
    while True:
        page = call(connection, "Scan", request)
        count, pages = count + page["Count"], pages + 1
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    elapsed = time.perf_counter() - began
    done.set()
    sampler.join()
    return count, pages, elapsed, max(peak[0], _rss_mb(pid)), _rss_mb(pid, "VmHWM")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=2000, help="sequential calls per operation and size")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the printed numbers here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        small_seconds = seconds = load(data, 0, SMALL)
        print(f"loaded {SMALL:,} items in {seconds:.1f} s", flush=True)
        with serving(data) as (_, connection):
            small = latencies(connection, SMALL, args.calls)
        seconds = load(data, SMALL, args.items)
        size = (data / "dynamodb.sqlite3").stat().st_size / 2**20
        print(
            f"loaded {args.items - SMALL:,} more items in {seconds:.1f} s ({size:,.0f} MB file)", flush=True
        )
        with serving(data) as (pid, connection):
            large = latencies(connection, args.items, args.calls)
            rss_before = _rss_mb(pid)
            count, pages, elapsed, peak, hwm = full_scan(pid, connection)
    print(
        f"\nserverlite DynamoDB at scale, {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{args.calls} sequential calls each"
    )
    print(
        f"{'operation':<10} {f'p50 ms @ {SMALL:,}':>18} {f'p50 ms @ {args.items:,}':>22} {'ratio':>7}  goal"
    )
    for operation in ("GetItem", "Query"):
        ratio = large[operation] / small[operation]
        verdict = "ok" if ratio <= RATIO_GOAL else "miss"
        print(
            f"{operation:<10} {small[operation]:>18.3f} {large[operation]:>22.3f} {ratio:>7.2f}"
            f"  <= {RATIO_GOAL} {verdict}"
        )
    verdict = "ok" if max(peak, hwm) < RSS_GOAL_MB else "miss"
    print(
        f"full Scan: {count:,} items in {pages} pages, {elapsed:.1f} s ({count / elapsed:,.0f} items/s); "
        f"server RSS {rss_before:.0f} MB before, peak {peak:.0f} MB sampled, VmHWM {hwm:.0f} MB "
        f"(goal < {RSS_GOAL_MB} MB) {verdict}"
    )
    if count != args.items:
        print(f"WRONG: the Scan returned {count:,} items, not {args.items:,}")
    if args.json:
        document = {
            "benchmark": "dynamodb_scale",
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "items": args.items,
            "small": SMALL,
            "calls": args.calls,
            "load_seconds": {"small": small_seconds, "rest": seconds},
            "file_mb": size,
            "p50_ms": {
                operation: {"small": small[operation], "large": large[operation]} for operation in small
            },
            "ratio_goal": RATIO_GOAL,
            "scan": {
                "items": count,
                "pages": pages,
                "seconds": elapsed,
                "rss_before_mb": rss_before,
                "rss_peak_mb": peak,
                "vmhwm_mb": hwm,
            },
            "rss_goal_mb": RSS_GOAL_MB,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=1))


if __name__ == "__main__":
    main()
