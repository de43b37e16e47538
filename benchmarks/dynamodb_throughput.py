"""DynamoDB throughput: serverlite against dynalite, moto and a bare aiohttp ceiling (issue 3).

Run:  make bench-dynamodb     (installs wrk, dynalite and moto when missing, then runs this)
or:   .venv/bin/python benchmarks/dynamodb_throughput.py [--ops 500] [--duration 5] [--connections 16]

In one run, each engine is started on a free port, given the same table (hash key ``pk``, range key
``sk``) and data through boto3, then driven by:

(a) one boto3 client, sequential: ``--ops`` calls per operation; ops/s, p50 and p99 per call.
(b) wrk, ``--connections`` keep-alive connections for ``--duration`` seconds per operation, sending
    pre-serialised requests (a fixed dummy SigV4 ``Authorization``: dynalite answers
    MissingAuthenticationTokenException without one, and moto_server routes by its credential scope);
    latency percentiles come from wrk's Lua ``done`` hook; non-2xx answers are counted as errors.

Operations: PutItem (1,000 distinct keys, cycled), GetItem (one item of ~200 bytes), Query (one
partition of exactly 10 items) and UpdateItem (``SET #c = #c + :one`` on one item).

Engines: serverlite (``python -m serverlite dynamodb --data-dir``, durability ``process``), dynalite
(Node, LevelDB on disk with ``--path``), moto_server (in memory), and "ceiling": a bare aiohttp server
that answers every request with a canned GetItem response, the most a Python aiohttp server does here.
An engine or operation that fails prints ``n/a`` and the rest still runs. Goals (issue 3), on (b):
serverlite >= 1.2x dynalite and >= 10x moto on every operation, and >= 80% of the ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PEERS = REPO / "benchmarks" / ".peers"
DYNALITE = PEERS / "node_modules" / "dynalite" / "cli.js"
TABLE = "Bench"
PUT_KEYS = 1000
HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Date": "20260101T000000Z",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
    ),
}
ATTRIBUTES = {
    "title": {"S": "Call Me Today"},
    "artist": {"S": "No One You Know"},
    "year": {"N": "2026"},
    "plays": {"N": "1234567"},
    "explicit": {"BOOL": False},
    "genres": {"SS": ["pop", "rock"]},
    "meta": {"M": {"label": {"S": "Indie Records"}, "seconds": {"N": "215"}}},
}
GET_KEY = {"pk": {"S": "get"}, "sk": {"S": "0"}}
UPDATE_KEY = {"pk": {"S": "counter"}, "sk": {"S": "0"}}
CANNED_GET = json.dumps({"Item": {**GET_KEY, **ATTRIBUTES}}).encode()


@dataclass(frozen=True)
class Workload:
    """One operation: its wire name, boto3 method and the request bodies (cycled)."""

    operation: str
    method: str
    requests: list[dict[str, Any]]


@dataclass(frozen=True)
class Result:
    """ops/s and latency of one engine on one workload, or why there is none."""

    ops: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    note: str = ""
    count: int = 0


def workloads() -> list[Workload]:
    """The four operations, each with request parameters that are also its wire JSON."""
    puts = [
        {"TableName": TABLE, "Item": {"pk": {"S": f"put-{i}"}, "sk": {"S": "0"}, **ATTRIBUTES}}
        for i in range(PUT_KEYS)
    ]
    query = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": "query"}},
    }
    update = {
        "TableName": TABLE,
        "Key": UPDATE_KEY,
        "UpdateExpression": "SET #c = #c + :one",
        "ExpressionAttributeNames": {"#c": "c"},
        "ExpressionAttributeValues": {":one": {"N": "1"}},
    }
    return [
        Workload("PutItem", "put_item", puts),
        Workload("GetItem", "get_item", [{"TableName": TABLE, "Key": GET_KEY}]),
        Workload("Query", "query", [query]),
        Workload("UpdateItem", "update_item", [update]),
    ]


# --- engines -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _commands(port: int, data: Path) -> dict[str, list[str] | None]:
    """The command line of each engine, or None when it is not installed."""
    moto = Path(sys.executable).with_name("moto_server")
    return {
        "ceiling": [sys.executable, __file__, "--serve-canned", str(port)],
        "serverlite": [sys.executable, "-m", "serverlite", "dynamodb"]
        + ["--port", str(port), "--data-dir", str(data)],
        "dynalite": ["node", str(DYNALITE), "--host", "127.0.0.1", "--port", str(port)]
        + ["--path", str(data), "--createTableMs", "0"]
        if DYNALITE.exists() and shutil.which("node")
        else None,
        "moto": [str(moto), "-H", "127.0.0.1", "-p", str(port)] if moto.exists() else None,
    }


@contextlib.contextmanager
def running(engine: str, tmp: Path) -> Iterator[str]:
    """Start an engine on a free port, wait until it answers, yield its endpoint, then stop it."""
    port, data = _free_port(), tmp / engine
    data.mkdir()
    command = _commands(port, data)[engine]
    if command is None:
        raise RuntimeError("not installed (make bench-dynamodb installs it)")
    log = (tmp / f"{engine}.log").open("wb")
    process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(endpoint, process, tmp / f"{engine}.log")
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_ready(endpoint: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited {process.returncode}: {log.read_text()[-300:]}")
        with contextlib.suppress(OSError):
            _post(endpoint, "ListTables", b"{}")
            return
        time.sleep(0.1)
    raise RuntimeError("not ready after 30 s")


def _post(endpoint: str, operation: str, body: bytes) -> tuple[int, bytes]:
    headers = {**HEADERS, "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    request = urllib.request.Request(endpoint, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )


def load(client: Any) -> None:
    """Create the table and the items GetItem, Query and UpdateItem read."""
    client.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
    )
    deadline = time.monotonic() + 10
    while client.describe_table(TableName=TABLE)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise RuntimeError("table not ACTIVE after 10 s")
        time.sleep(0.05)
    client.put_item(TableName=TABLE, Item={**GET_KEY, **ATTRIBUTES})
    client.put_item(TableName=TABLE, Item={**UPDATE_KEY, "c": {"N": "0"}})
    for i in range(10):
        client.put_item(TableName=TABLE, Item={"pk": {"S": "query"}, "sk": {"S": f"{i:02}"}, **ATTRIBUTES})


# --- (a) one boto3 client --------------------------------------------------------------------------


def sequential(client: Any, workload: Workload, ops: int) -> Result:
    """``ops`` calls one after another on one client; stops at the first error."""
    call = getattr(client, workload.method)
    latencies = []
    started = time.perf_counter()
    for i in range(ops):
        begin = time.perf_counter()
        try:
            call(**workload.requests[i % len(workload.requests)])
        except Exception as error:  # noqa: BLE001 - any failure makes the cell n/a
            return Result(errors=1, note=_reason(error))
        latencies.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    return _summary(ops / elapsed, latencies, ops)


def _reason(error: Exception) -> str:
    code = getattr(error, "response", {}).get("Error", {}).get("Code")
    return str(code or type(error).__name__)


def _summary(ops: float, latencies: list[float], count: int) -> Result:
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Result(ops, statistics.median(latencies) * 1000, p99 * 1000, count=count)


# --- (b) wrk ---------------------------------------------------------------------------------------

_LUA = """
local bodies = {%(bodies)s}
local headers = {%(headers)s}
local requests, n, i = {}, 0, 0
function init(args)
  for k, body in ipairs(bodies) do requests[k] = wrk.format("POST", "/", headers, body) end
  n = #requests
end
function request()
  i = i %% n + 1
  return requests[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50)))
  io.write(string.format("P99 %%d\\n", latency:percentile(99)))
end
"""


def lua_script(workload: Workload) -> str:
    """A wrk script that cycles through the workload's pre-serialised requests."""
    headers = {**HEADERS, "X-Amz-Target": f"DynamoDB_20120810.{workload.operation}"}
    bodies = ",\n".join(f"[==[{json.dumps(r, separators=(',', ':'))}]==]" for r in workload.requests)
    header_fields = ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items())
    return _LUA % {"bodies": bodies, "headers": header_fields}


def hammer(endpoint: str, script: Path, args: argparse.Namespace) -> Result:
    """One wrk run; ops/s counts 2xx answers only."""
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s"]
    command += ["--timeout", "10s", "-s", str(script), endpoint + "/"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60).stdout
    fields = dict(line.split(" ", 1) for line in output.splitlines() if line.startswith(("RESULT", "P99")))
    if "RESULT" not in fields:
        return Result(note="wrk printed no result")
    requests, duration_us, status, socket_errors, p50 = (int(v) for v in fields["RESULT"].split())
    good = requests - status
    note = f"{socket_errors} socket errors" if socket_errors else ""
    if good <= 0:
        return Result(errors=status, note=note or "all non-2xx")
    p99 = int(fields["P99"]) / 1000
    return Result(good / (duration_us / 1e6), p50 / 1000, p99, status, note, good)


def probe(endpoint: str, workload: Workload) -> str:
    """Send the first request once; '' when it answers 200 as expected, else why not."""
    status, body = _post(endpoint, workload.operation, json.dumps(workload.requests[0]).encode())
    if status != 200:
        with contextlib.suppress(ValueError, AttributeError):
            return str(json.loads(body).get("__type", status)).rsplit("#", 1)[-1]
        return f"HTTP {status}"
    if workload.operation == "Query" and json.loads(body).get("Count") != 10:
        return "Query did not return 10 items"
    return ""


# --- (c) the ceiling -------------------------------------------------------------------------------


def serve_canned(port: int) -> None:
    """A bare aiohttp server answering every request with the same GetItem response."""
    from aiohttp import web

    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "x-amzn-RequestId": "00000000-0000-0000-0000-000000000000",
        "x-amz-crc32": str(zlib.crc32(CANNED_GET)),
    }

    async def handle(request: web.BaseRequest) -> web.Response:
        await request.read()
        return web.Response(status=200, body=CANNED_GET, headers=headers)

    async def main() -> None:
        runner = web.ServerRunner(web.Server(handle), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        print("Ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# --- the run ---------------------------------------------------------------------------------------

Results = dict[tuple[str, str, str], Result]


def bench_engine(engine: str, tmp: Path, args: argparse.Namespace, results: Results) -> list[str]:
    """Start one engine, run (a) and (b) on it, record results; return notes on correctness checks."""
    checks: list[str] = []
    with running(engine, tmp) as endpoint:
        client = _client(endpoint)
        if engine != "ceiling":
            load(client)
        for workload in workloads():
            results["a", workload.operation, engine] = sequential(client, workload, args.ops)
        for workload in workloads():
            reason = "" if engine == "ceiling" else probe(endpoint, workload)
            script = tmp / f"{engine}-{workload.operation}.lua"
            script.write_text(lua_script(workload))
            result = hammer(endpoint, script, args)
            if reason:
                result = Result(None, None, None, result.errors, reason, result.count)
            results["b", workload.operation, engine] = result
            if workload.operation == "UpdateItem" and engine != "ceiling" and result.ops:
                checks.append(_counter_check(engine, client, results, args.connections))
    return checks


def _counter_check(engine: str, client: Any, results: Results, connections: int) -> str:
    """Every acknowledged UpdateItem added one; at most one request per connection was cut off by wrk."""
    acked = results["a", "UpdateItem", engine].count + 1 + results["b", "UpdateItem", engine].count
    counter = int(client.get_item(TableName=TABLE, Key=UPDATE_KEY, ConsistentRead=True)["Item"]["c"]["N"])
    verdict = "ok" if acked <= counter <= acked + connections else "WRONG"
    return f"check {engine}: UpdateItem counter {counter}, acknowledged increments {acked}: {verdict}"


def _cell(result: Result | None) -> str:
    if result is None:
        return f"{'-':>9} {'':>7} {'':>7} {'':>7}"
    if result.ops is None:
        return f"{'n/a':>9} {'':>7} {'':>7} {result.errors:>7}"
    assert result.p50_ms is not None and result.p99_ms is not None
    return f"{result.ops:>9,.0f} {result.p50_ms:>7.2f} {result.p99_ms:>7.2f} {result.errors:>7}"


def print_table(results: Results, engines: list[str], args: argparse.Namespace) -> None:
    """Per mode: one row per operation and engine, then the ratios of ops/s."""
    titles = {
        "a": f"(a) one boto3 client, sequential, {args.ops} calls per operation",
        "b": f"(b) wrk, {args.connections} connections, {args.threads} thread(s), {args.duration} s per run",
    }
    operations = [w.operation for w in workloads()]
    for mode, title in titles.items():
        print(f"\n{title}")
        print(
            f"{'operation':<11} {'engine':<11} {'ops/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7}  note"
        )
        for operation in operations:
            for engine in engines:
                result = results.get((mode, operation, engine))
                note = result.note if result else ""
                print(f"{operation:<11} {engine:<11} {_cell(result)}  {note}".rstrip())
        print_ratios(results, mode, operations)


RATIOS: list[tuple[str, str, float | None]] = [
    ("dynalite", "serverlite/dynalite", 1.2),
    ("moto", "serverlite/moto", 10.0),
    ("ceiling", "serverlite/ceiling", 0.8),
]


def print_ratios(results: Results, mode: str, operations: list[str]) -> None:
    """serverlite's ops/s over each peer's, with the goal (on (b) only) and whether it is met."""
    header = "".join(f" {label:>26}" for _, label, _ in RATIOS)
    print(f"{'ratio of ops/s':<23}{header}")
    for operation in operations:
        ours = results.get((mode, operation, "serverlite"), Result()).ops
        cells = []
        for peer, _, goal in RATIOS:
            theirs = results.get((mode, operation, peer), Result()).ops
            if not ours or not theirs:
                cells.append(f"{'n/a':>26}")
                continue
            ratio = ours / theirs
            verdict = "" if mode != "b" or goal is None else (" ok" if ratio >= goal else " miss")
            goal_text = f" (goal >= {goal:g})" if mode == "b" and goal is not None else ""
            cells.append(f"{f'{ratio:.2f}{goal_text}{verdict}':>26}")
        print(f"{operation:<23}" + "".join(f" {c}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=500, help="boto3 calls per operation in (a)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run in (b)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (2 cores: keep 1 for the server)")
    parser.add_argument("--engines", default="serverlite,dynalite,moto,ceiling")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the printed numbers here")
    parser.add_argument("--serve-canned", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_canned is not None:
        serve_canned(args.serve_canned)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: `make bench-dynamodb` installs it (apt-get install wrk)")
    engines = args.engines.split(",")
    results: Results = {}
    checks: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for engine in engines:
            print(f"running {engine} ...", file=sys.stderr, flush=True)
            try:
                checks += bench_engine(engine, Path(tmp), args, results)
            except Exception as error:  # noqa: BLE001 - one engine failing must not stop the others
                print(f"{engine}: n/a ({error})")
    print(f"serverlite DynamoDB throughput, {time.strftime('%Y-%m-%d %H:%M')}, {_machine()}")
    print_table(results, engines, args)
    for check in checks:
        print(check)
    elapsed = time.perf_counter() - started
    print(f"\ntotal {elapsed:.0f} s")
    if args.json:
        write_json(args.json, results, engines, checks, args, elapsed)


def write_json(
    path: Path,
    results: Results,
    engines: list[str],
    checks: list[str],
    args: argparse.Namespace,
    elapsed: float,
) -> None:
    """The printed numbers, for benchmarks/report.py."""
    rows = [
        {"mode": mode, "operation": operation, "engine": engine, **dataclasses.asdict(result)}
        for (mode, operation, engine), result in results.items()
    ]
    document = {
        "benchmark": "dynamodb_throughput",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": _machine(),
        "args": {k: v for k, v in vars(args).items() if k not in ("json", "serve_canned")},
        "engines": engines,
        "results": rows,
        "goals": {label: goal for _, label, goal in RATIOS},
        "checks": checks,
        "seconds": elapsed,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1))


def _machine() -> str:
    import os

    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"


if __name__ == "__main__":
    main()
