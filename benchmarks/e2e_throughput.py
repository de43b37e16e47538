"""End-to-end throughput: serverlite against serverless-offline 13 and a bare aiohttp limit (issue 5).

Run:  make bench-e2e     (installs wrk, dynalite, serverless 3 and serverless-offline 13 when missing)
or:   .venv/bin/python benchmarks/e2e_throughput.py [--duration 5] [--warmup 2] [--connections 1,16]
          [--servers serverlite,serverless-offline,limit]

In one run, each server is started on free ports, checked with one request of each kind, then driven
by wrk for ``--duration`` seconds per connection count, after warm-up rounds of ``--warmup`` seconds of
the same load until req/s changes by less than 10% (at most 6): both servers start execution
environments on demand, and a fresh one is slow until each operation ran in it once (boto3 loads its
models lazily). Between runs the benchmark waits until the server's processes are idle. With more than
one connection, the table notes how many processes the server ran and the warm-up rounds' req/s.

(1) trivial: a Python handler answering ``{"statusCode": 200, "body": "ok"}`` to GET /Test/trivial,
    behind serverlite (a generated SAM template) and behind serverless-offline 13 with serverless 3
    (a generated ``serverless.yml`` with an ``http`` event). serverless-offline runs Python handlers
    in one way only: a long-lived ``python3 invoke.py`` child per concurrent request, fed over stdin
    (``--useInProcess`` and worker threads apply to Node handlers only; ``--useDocker`` is slower).
    Its Python is the one of this venv (``VIRTUAL_ENV``), so both run the same interpreter and boto3.
(2) item cycle: PUT, POST, GET and DELETE of one item on /Test/DemoResourceMusic/DemoResourceMusicItem
    with the Music API's own handlers (``music_api/``): serverlite serves ``template.yaml`` itself;
    serverless-offline serves the same handler files with dynalite (Node, on disk) as DynamoDB, found
    through ``AWS_ENDPOINT_URL_DYNAMODB``. The ``Music`` table is created first. wrk runs one thread
    per connection, each connection cycling through the four requests on a key of its own, so every
    request is answered 200 (non-2xx answers are counted and reported).
(3) limit: a bare aiohttp server (low-level ``web.Server``) answering the same "ok".
(4) trivial HTTP API: the same handler and function behind an HTTP API (payload format 2.0) of the same
    template, GET /Http/trivial (stage ``Http``), in the same serverlite process as (1): its peer is
    serverlite's own REST API path (1); the goal is an HTTP API at least as fast (issue 17).

It also times serverlite's start: from spawning ``serverlite start`` (template.yaml, empty data dir)
to its ``Ready`` line and to the first successful Music API response (PUT DemoResourceMusicTable, the
first request of the tutorial; it pays the worker's cold start).

Second section: where the time of one request goes in serverlite, from p50 latencies on one connection:
the bare HTTP server, the Lambda Invoke API with the trivial handler (HTTP + runtime hop), the gateway
with the trivial handler, the gateway with the Music API handler whose boto3 client is answered
in-process (a ``before-send`` hook returns a canned GetItem response: parameters, serialisation,
signing and parsing all run, no socket), the embedded DynamoDB answering the same GetItem over raw
HTTP, and the real GET item. Differences of these give each layer's share.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PEERS = REPO / "benchmarks" / ".peers"
NODE_MODULES = PEERS / "node_modules"
DYNALITE = NODE_MODULES / "dynalite" / "cli.js"
SERVERLESS = NODE_MODULES / "serverless" / "bin" / "serverless.js"
OFFLINE = NODE_MODULES / "serverless-offline" / "package.json"
STAGE = "Test"
TRIVIAL_PATH = f"/{STAGE}/trivial"
HTTP_STAGE = "Http"
TRIVIAL_HTTP_PATH = f"/{HTTP_STAGE}/trivial"
ITEM_PATH = f"/{STAGE}/DemoResourceMusic/DemoResourceMusicItem"
TABLE_PATH = f"/{STAGE}/DemoResourceMusic/DemoResourceMusicTable"
STUBBED_PATH = f"/{STAGE}/stubbed"
TABLE = "Music"
PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
# Dummy credentials: every DynamoDB here accepts any; SigV4 needs some.
AWS_ENV = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1"}
DYNAMODB_HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "DynamoDB_20120810.GetItem",
    "X-Amz-Date": "20260101T000000Z",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
    ),
}
# The item GET-only runs and the raw GetItem read (the item cycle uses keys of its own).
GET_HEADERS = {"table": TABLE, "artist": "Bench Artist", "songtitle": "Bench Song"}
GET_ITEM = {
    "TableName": TABLE,
    "Key": {"Artist": {"S": "Bench Artist"}, "SongTitle": {"S": "Bench Song"}},
}

TRIVIAL_HANDLER = """\
def handler(event, context):
    return {"statusCode": 200, "body": "ok"}
"""

# handle_item.lambda_handler with its boto3 client answered in-process: everything but the socket.
STUBBED_HANDLER = """\
import json

from botocore.awsrequest import AWSResponse

import handle_item

_ITEM = {
    "Artist": {"S": "Bench Artist"},
    "SongTitle": {"S": "Bench Song"},
    "AlbumTitle": {"S": "Bench Album"},
}
_BODY = json.dumps({"Item": _ITEM}).encode()
_HEADERS = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "0" * 52}


class _Raw:
    def stream(self, **kwargs):
        yield _BODY


def _canned(request, **kwargs):
    return AWSResponse(request.url, 200, _HEADERS, _Raw())


handle_item.client.meta.events.register("before-send.dynamodb.GetItem", _canned)
lambda_handler = handle_item.lambda_handler
"""

BENCH_TEMPLATE = f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: {PYTHON_RUNTIME}
    CodeUri: code/
    MemorySize: 128
    Timeout: 10
Resources:
  BenchApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: {STAGE}
  BenchHttpApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: {HTTP_STAGE}
  BenchTrivial:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: BenchTrivial
      Handler: trivial.handler
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref BenchApi
            Path: /trivial
            Method: get
        HttpGet:
          Type: HttpApi
          Properties:
            ApiId: !Ref BenchHttpApi
            Path: /trivial
            Method: get
  BenchStubbed:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: BenchStubbed
      Handler: stubbed.lambda_handler
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref BenchApi
            Path: /stubbed
            Method: get
"""

SERVERLESS_YML = f"""\
service: e2e-bench
frameworkVersion: "3"
provider:
  name: aws
  runtime: {PYTHON_RUNTIME}
  stage: {STAGE}
  region: us-east-1
functions:
  trivial:
    handler: trivial.handler
    events:
      - http: {{path: trivial, method: get}}
  item:
    handler: handle_item.lambda_handler
    environment:
      AWS_ENDPOINT_URL_DYNAMODB: "%(dynamodb)s"
      AWS_ACCESS_KEY_ID: {AWS_ENV["AWS_ACCESS_KEY_ID"]}
      AWS_SECRET_ACCESS_KEY: {AWS_ENV["AWS_SECRET_ACCESS_KEY"]}
      AWS_DEFAULT_REGION: us-east-1
    events:
      - http: {{path: DemoResourceMusic/DemoResourceMusicItem, method: put}}
      - http: {{path: DemoResourceMusic/DemoResourceMusicItem, method: post}}
      - http: {{path: DemoResourceMusic/DemoResourceMusicItem, method: get}}
      - http: {{path: DemoResourceMusic/DemoResourceMusicItem, method: delete}}
plugins:
  - serverless-offline
"""


@dataclass
class Result:
    """req/s (2xx only) and latency of one wrk run, or why there is none."""

    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    note: str = ""
    rss_mb: float | None = None  # resident memory of all the server's processes right after the run
    processes: int = 0


@dataclass
class Report:
    """Everything measured, printed at the end."""

    results: dict[tuple[str, str, int], Result] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    startup: dict[str, float] = field(default_factory=dict)
    breakdown: dict[str, Result] = field(default_factory=dict)
    busy: float = 0.0  # share of CPU time used by other processes in the second before the run
    busy_after: float = 0.0  # the same after it, all servers stopped
    cpu: dict[tuple[str, int], CpuCost] = field(default_factory=dict)  # gateway CPU per request (issue 18)


# --- processes -------------------------------------------------------------------------------------


LEFT_BEHIND: list[str] = []  # processes a server left running after SIGTERM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _session_members(sid: int) -> list[int]:
    """Live processes of session ``sid`` (each server is started in a session of its own)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


@contextlib.contextmanager
def spawned(
    name: str, command: list[str], tmp: Path, *, cwd: Path = REPO, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """Run ``command`` in a session of its own, output to ``tmp/name.log``; stop it afterwards.

    SIGTERM goes to the process only (it should stop its children); whatever of its session is still
    alive 15 s later is reported and killed by pid.
    """
    log_path = tmp / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process, log_path
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            deadline = time.monotonic() + 5
            while (left := _session_members(process.pid)) and time.monotonic() < deadline:
                time.sleep(0.1)
            if left:
                LEFT_BEHIND.append(f"{name}: {len(left)} process(es) still alive 5 s after it exited, killed")
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait_http(
    process: subprocess.Popen[bytes], log: Path, ready: Callable[[], bool], timeout: float = 60
) -> None:
    """Poll ``ready`` until it is true; fail if the process exits or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited {process.returncode}: {log.read_text(errors='replace')[-600:]}")
        with contextlib.suppress(OSError):
            if ready():
                return
        time.sleep(0.05)
    raise RuntimeError(f"not ready after {timeout:.0f} s: {log.read_text(errors='replace')[-600:]}")


def _serverlite_command(template: Path, data: Path, gateway: int, dynamodb: int, lambda_: int) -> list[str]:
    return [sys.executable, "-m", "serverlite", "start", "--template", str(template)] + [
        "--port", str(gateway), "--dynamodb-port", str(dynamodb), "--lambda-port", str(lambda_),
        "--console-port", str(_free_port()), "--data-dir", str(data),
    ]  # fmt: skip


def _venv_env() -> dict[str, str]:
    """serverless-offline runs `python3` from PATH, after $VIRTUAL_ENV/bin: the venv's Python and boto3."""
    venv = Path(sys.prefix)
    return {"VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}


def _code_dir(tmp: Path) -> Path:
    """The trivial and stubbed handlers next to copies of the Music API's handler files."""
    code = tmp / "code"
    code.mkdir()
    for source in (REPO / "music_api").glob("*.py"):
        shutil.copy(source, code / source.name)
    (code / "trivial.py").write_text(TRIVIAL_HANDLER)
    (code / "stubbed.py").write_text(STUBBED_HANDLER)
    return code


# --- wrk -------------------------------------------------------------------------------------------

_LUA = """
-- Each thread (one connection each) cycles through the requests; "{id}" in a header is its number.
local specs = {%(specs)s}
local requests, n, i = {}, 0, 0
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  for k, spec in ipairs(specs) do
    local headers = {}
    for name, value in pairs(spec[3]) do headers[name] = string.gsub(value, "{id}", tostring(id)) end
    requests[k] = wrk.format(spec[1], spec[2], headers, spec[4])
  end
  n = #requests
end
function request()
  return requests[i %% n + 1]
end
%(advance)sfunction done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""

Spec = tuple[str, str, dict[str, str], str | None]
_RUNS = itertools.count(1)
WARMUP_ROUNDS = 6


def lua_script(specs: list[Spec]) -> str:
    """A wrk script that cycles through (method, path, headers, body) requests."""

    def lua_string(text: str) -> str:
        return f"[==[{text}]==]"

    rows = []
    for method, path, headers, body in specs:
        fields = ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items())
        lua_body = lua_string(body) if body else "nil"
        rows.append(f"{{{lua_string(method)}, {lua_string(path)}, {{{fields}}}, {lua_body}}}")
    # A cycle moves on when an answer arrives: wrk calls request() once more than it sends on thread 1
    # (to check the script), and with one connection per thread every answer is to the last request.
    advance = "function response(status, headers, body)\n  i = i + 1\nend\n" if len(specs) > 1 else ""
    return _LUA % {"specs": ",\n  ".join(rows), "advance": advance}


def item_cycle() -> list[Spec]:
    """PUT, POST, GET, DELETE of one item whose key is the wrk thread's own."""
    key = {"table": TABLE, "artist": "Artist {run}-{id}", "songtitle": "Song {run}-{id}"}
    return [
        ("PUT", ITEM_PATH, {**key, "albumtitle": "Somewhat Famous"}, None),
        ("POST", ITEM_PATH, {**key, "albumtitle": "Updated Title"}, None),
        ("GET", ITEM_PATH, key, None),
        ("DELETE", ITEM_PATH, key, None),
    ]


def wrk(
    port: int, specs: list[Spec], connections: int, seconds: float, tmp: Path, *, threads: int = 1
) -> Result:
    """One wrk run; req/s counts 2xx answers only."""
    run = str(next(_RUNS))  # keys of its own: a request cut off by the previous run may still be running
    specs = [(m, p, {k: v.replace("{run}", run) for k, v in h.items()}, b) for m, p, h, b in specs]
    script = tmp / "wrk.lua"
    script.write_text(lua_script(specs))
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}/"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(nothing)"]
        return Result(note=f"wrk printed no result: {last[0][-200:]}")
    total, duration_us, status, socket_errors, p50, p99 = (int(v) for v in line.split()[1:])
    good = total - status
    note = f"{socket_errors} socket errors" if socket_errors else ""
    if good <= 0:
        return Result(errors=status, note=note or "all non-2xx")
    return Result(good / (duration_us / 1e6), p50 / 1000, p99 / 1000, status, note)


def measure(
    port: int,
    specs: list[Spec],
    connections: int,
    args: argparse.Namespace,
    tmp: Path,
    *,
    per_thread: bool = False,
    session: int | None = None,
) -> Result:
    """Warm up with the same load until req/s settles, then measure."""
    threads = connections if per_thread else 1
    # Both servers start execution environments on demand, and a new one is slow until each operation ran
    # once in it (boto3 loads its models lazily): warm up until req/s changes by less than 10%. Between
    # runs, wait until the server is idle: requests cut off at the end of a run may still be running, and
    # would make the next run start more environments (serverless-offline starts one per busy request).
    history: list[float] = []
    for _ in range(WARMUP_ROUNDS if args.warmup > 0 else 0):
        history.append(wrk(port, specs, connections, args.warmup, tmp, threads=threads).rps or 0.0)
        wait_idle(session)
        if len(history) > 1 and abs(history[-1] - history[-2]) <= 0.1 * history[-2]:
            break
    result = wrk(port, specs, connections, args.duration, tmp, threads=threads)
    wait_idle(session)
    if connections > 1 and history:
        warmup = "warm-up req/s " + ",".join(f"{rps:.0f}" for rps in history)
        result.note = f"{result.note}; {warmup}" if result.note else warmup
    return result


def _session_cpu_ticks(sid: int) -> int:
    """utime + stime of the live processes of session ``sid``, in clock ticks."""
    ticks = 0
    for pid in _session_members(sid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks


def _session_rss_mb(sid: int) -> tuple[float, int]:
    """Resident memory (VmRSS) of the live processes of session ``sid``, in MB, and how many there are."""
    total_kb, members = 0, _session_members(sid)
    for pid in members:
        with contextlib.suppress(OSError, ValueError, StopIteration):
            status = Path(f"/proc/{pid}/status").read_text()
            total_kb += int(
                next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]
            )
    return total_kb / 1024, len(members)


def wait_idle(session: int | None, timeout: float = 20) -> None:
    """Wait until the server's processes use under ~5% of a core (or ``timeout`` passes)."""
    if session is None:
        return
    step, deadline = 0.25, time.monotonic() + timeout
    limit = os.sysconf("SC_CLK_TCK") * step * 0.05
    previous = _session_cpu_ticks(session)
    while time.monotonic() < deadline:
        time.sleep(step)
        current = _session_cpu_ticks(session)
        if current - previous <= limit:
            return
        previous = current


def check(port: int, specs: list[Spec]) -> str:
    """Send each request once (as thread 0); '' when all answer 2xx, else the first failure."""
    for method, path, headers, body in specs:
        headers = {k: v.replace("{id}", "0").replace("{run}", "check") for k, v in headers.items()}
        status, answer = _request(port, method, path, headers, body.encode() if body else None)
        if not 200 <= status < 300:
            return f"{method} {path}: HTTP {status} {answer[:150]!r}"
    return ""


# --- CPU per request and gateway processes (issue 18) ---------------------------------------------


@dataclass
class CpuCost:
    """CPU time per request over one wrk run: the `serverlite start` process, its gateway processes
    (`--gateway-processes`) and everything else of its session (workers, the DynamoDB server)."""

    requests: int
    gateway_us: float  # the `serverlite start` process
    processes_us: float  # its gateway processes
    others_us: float
    processes: int
    rps: float = 0.0
    p50_ms: float = 0.0


def _process_ticks(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return int(fields[11]) + int(fields[12])
    return 0


def _gateway_children(pid: int) -> list[int]:
    """The gateway processes `serverlite start` runs (`--gateway-processes`)."""
    found = []
    for member in _session_members(pid):
        with contextlib.suppress(OSError):
            if (
                member != pid
                and b"serverlite.gateway.processes" in Path(f"/proc/{member}/cmdline").read_bytes()
            ):
                found.append(member)
    return found


def _wrk_totals(
    port: int, specs: list[Spec], connections: int, seconds: float, tmp: Path
) -> tuple[int, float, float]:
    """Requests answered (any status), req/s and p50 ms of one wrk run of ``seconds``."""
    script = tmp / "wrk-cpu.lua"
    script.write_text(lua_script(specs))
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}/"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        return 0, 0.0, 0.0
    total, duration_us, _, _, p50, _ = (int(v) for v in line.split()[1:])
    return total, total / (duration_us / 1e6), p50 / 1000


def cpu_per_request(
    pid: int, port: int, specs: list[Spec], connections: int, seconds: float, tmp: Path
) -> CpuCost | None:
    """CPU per request from /proc/<pid>/stat utime + stime sampled before and after one wrk run."""
    wait_idle(pid)
    children = _gateway_children(pid)
    before = _process_ticks(pid), sum(map(_process_ticks, children)), _session_cpu_ticks(pid)
    requests, rps, p50 = _wrk_totals(port, specs, connections, seconds, tmp)
    after = _process_ticks(pid), sum(map(_process_ticks, children)), _session_cpu_ticks(pid)
    if requests <= 0:
        return None
    tick = 1e6 / os.sysconf("SC_CLK_TCK") / requests
    main, processes = after[0] - before[0], after[1] - before[1]
    others = after[2] - before[2] - main - processes
    return CpuCost(requests, main * tick, processes * tick, others * tick, len(children), rps, p50)


def measure_cpu(
    report: Report,
    pid: int,
    port: int,
    workloads: dict[str, list[Spec]],
    args: argparse.Namespace,
    tmp: Path,
) -> None:
    """CPU per request of each workload on each connection count (run after the workloads' own runs: the
    environments are warm)."""
    for workload, specs in workloads.items():
        for connections in args.connections:
            cost = cpu_per_request(pid, port, specs, connections, args.duration, tmp)
            if cost is not None:
                report.cpu[workload, connections] = cost


def bench_gateway_processes(report: Report, args: argparse.Namespace, tmp: Path) -> None:
    """The trivial handler with `--gateway-processes N`, for each N of ``--gateway-processes``, on the
    largest connection count: req/s and CPU per request beside the one-process rows."""
    for count in args.gateway_processes:
        cost = _with_processes(count, max(args.connections), args, tmp)
        if cost is not None:
            report.cpu[f"trivial, {count} gateway processes", max(args.connections)] = cost


def _with_processes(count: int, connections: int, args: argparse.Namespace, tmp: Path) -> CpuCost | None:
    root = tmp / f"processes-{count}"
    root.mkdir()
    shutil.move(str(_code_dir(root)), root / "code")
    (root / "template.yaml").write_text(BENCH_TEMPLATE)
    gateway = _free_port()
    command = _serverlite_command(root / "template.yaml", root / "data", gateway, _free_port(), _free_port())
    command += ["--gateway-processes", str(count)]
    with spawned(f"serverlite-processes-{count}", command, tmp, env=AWS_ENV) as (process, log):
        _wait_http(process, log, lambda: _request(gateway, "GET", TRIVIAL_PATH)[0] == 200)
        print(f"  serverlite trivial --gateway-processes {count} c={connections} ...", file=sys.stderr)
        _wrk_totals(gateway, TRIVIAL, connections, max(args.warmup, 1), tmp)  # warm the environments
        return cpu_per_request(process.pid, gateway, TRIVIAL, connections, args.duration, tmp)


def print_cpu(report: Report) -> None:
    """CPU per request (issue 18's goal: gateway under 100 µs at 16 connections) and processes' scaling."""
    if not report.cpu:
        return
    print("\nserverlite CPU per request (µs, /proc/<pid>/stat utime+stime over one wrk run of any status)")
    print(
        f"  {'workload':<30} {'conns':>5} {'req/s':>7} {'p50 ms':>7} {'gateway CPU per request (µs)':>29} "
        f"{'gateway processes':>17} {'others':>7}"
    )
    for (workload, connections), cost in report.cpu.items():
        processes = f"{cost.processes_us:>10.0f} ({cost.processes})" if cost.processes else f"{'-':>17}"
        print(
            f"  {workload:<30} {connections:>5} {cost.rps:>7,.0f} {cost.p50_ms:>7.2f} "
            f"{cost.gateway_us:>29.0f} {processes:>17} {cost.others_us:>7.0f}"
        )


# --- the servers -----------------------------------------------------------------------------------

TRIVIAL: list[Spec] = [("GET", TRIVIAL_PATH, {}, None)]
TRIVIAL_HTTP: list[Spec] = [("GET", TRIVIAL_HTTP_PATH, {}, None)]


def _load(
    report: Report,
    engine: str,
    workload: str,
    port: int,
    specs: list[Spec],
    args: argparse.Namespace,
    tmp: Path,
    *,
    per_thread: bool = False,
    session: int | None = None,
) -> None:
    """Measure one workload on each connection count; note how many processes the server ran."""
    problem = check(port, specs)
    for connections in args.connections:
        print(f"  {engine} {workload} c={connections} ...", file=sys.stderr, flush=True)
        if problem:
            report.results[workload, engine, connections] = Result(note=problem)
            continue
        result = measure(port, specs, connections, args, tmp, per_thread=per_thread, session=session)
        if session is not None:
            result.rss_mb, result.processes = _session_rss_mb(session)
        if session is not None and connections > 1:
            result.note = f"{len(_session_members(session))} processes; {result.note}".rstrip("; ")
        report.results[workload, engine, connections] = result


def bench_serverlite_trivial(report: Report, args: argparse.Namespace, tmp: Path) -> None:
    """Trivial handler behind the gateway; breakdown: Invoke API with it, stubbed boto3 handler."""
    root = tmp / "serverlite-bench"
    root.mkdir()
    shutil.move(str(_code_dir(tmp)), root / "code")
    (root / "template.yaml").write_text(BENCH_TEMPLATE)
    gateway, lambda_ = _free_port(), _free_port()
    command = _serverlite_command(root / "template.yaml", root / "data", gateway, _free_port(), lambda_)
    with spawned("serverlite-bench", command, tmp, env=AWS_ENV) as (process, log):
        _wait_http(process, log, lambda: _request(gateway, "GET", TRIVIAL_PATH)[0] == 200)
        _load(report, "serverlite", "trivial", gateway, TRIVIAL, args, tmp, session=process.pid)
        _load(report, "serverlite", "trivial HTTP API", gateway, TRIVIAL_HTTP, args, tmp, session=process.pid)
        measure_cpu(
            report, process.pid, gateway, {"trivial": TRIVIAL, "trivial HTTP API": TRIVIAL_HTTP}, args, tmp
        )
        invoke = [
            (
                "POST",
                "/2015-03-31/functions/BenchTrivial/invocations",
                {"Content-Type": "application/json"},
                "{}",
            )
        ]
        report.breakdown["invoke"] = _one(lambda_, invoke, args, tmp)
        report.breakdown["stubbed"] = _one(gateway, [("GET", STUBBED_PATH, GET_HEADERS, None)], args, tmp)


def _one(port: int, specs: list[Spec], args: argparse.Namespace, tmp: Path) -> Result:
    problem = check(port, specs)
    return Result(note=problem) if problem else measure(port, specs, 1, args, tmp)


def bench_serverlite_music(report: Report, args: argparse.Namespace, tmp: Path) -> None:
    """Start-up time, the item cycle and, for the breakdown, GET item and the raw DynamoDB GetItem."""
    gateway, dynamodb = _free_port(), _free_port()
    command = _serverlite_command(
        REPO / "template.yaml", tmp / "serverlite-music", gateway, dynamodb, _free_port()
    )
    # First start: empty data dir (the SAM translation is not cached yet); then a restart on the same data
    # dir, as a developer restarts it; the item cycle runs on the restarted server.
    with spawned("serverlite-music-first", command, tmp, env=AWS_ENV) as (process, log):
        report.startup = _first_answer(process, log, gateway, TABLE, time.perf_counter())
    started = time.perf_counter()
    with spawned("serverlite-music", command, tmp, env=AWS_ENV) as (process, log):
        restart = _first_answer(process, log, gateway, "Restart", started)
        report.startup.update({f"restart {key}": value for key, value in restart.items()})
        _load(
            report,
            "serverlite",
            "item cycle",
            gateway,
            item_cycle(),
            args,
            tmp,
            per_thread=True,
            session=process.pid,
        )
        put = {**GET_HEADERS, "albumtitle": "Bench Album"}
        status, body = _request(gateway, "PUT", ITEM_PATH, put)
        report.breakdown["get item"] = _one(gateway, [("GET", ITEM_PATH, GET_HEADERS, None)], args, tmp)
        raw = [("POST", "/", DYNAMODB_HEADERS, json.dumps(GET_ITEM, separators=(",", ":")))]
        report.breakdown["dynamodb"] = _one(dynamodb, raw, args, tmp)


def _first_answer(
    process: subprocess.Popen[bytes], log: Path, gateway: int, table: str, started: float
) -> dict[str, float]:
    """Seconds from `started` to the Ready line and to the first 200 of PUT DemoResourceMusicTable."""
    ready_at = None
    while True:
        if ready_at is None and b"\nReady" in log.read_bytes():
            ready_at = time.perf_counter()
        if process.poll() is not None:
            raise RuntimeError(f"exited {process.returncode}: {log.read_text(errors='replace')[-600:]}")
        if time.perf_counter() - started > 60:
            raise RuntimeError("no answer 60 s after start")
        try:
            status, body = _request(gateway, "PUT", TABLE_PATH, {"table": table})
        except OSError:
            time.sleep(0.005)
            continue
        if status == 200:
            break
        raise RuntimeError(f"PUT table: HTTP {status} {body[:200]!r}")
    first = time.perf_counter()
    if ready_at is None and b"\nReady" in log.read_bytes():
        ready_at = first
    return {"first": first - started, **({"ready": ready_at - started} if ready_at else {})}


def bench_offline(report: Report, args: argparse.Namespace, tmp: Path) -> None:
    """dynalite with the Music table, then serverless-offline with the trivial and item functions."""
    for needed in (DYNALITE, SERVERLESS, OFFLINE):
        if not needed.exists():
            raise RuntimeError(f"{needed.relative_to(REPO)} missing: `make bench-e2e` installs it")
    versions = {
        p: json.loads((NODE_MODULES / p / "package.json").read_text())["version"]
        for p in ("serverless", "serverless-offline", "dynalite")
    }
    report.notes.append(
        f"serverless-offline {versions['serverless-offline']} with serverless {versions['serverless']}, "
        f"dynalite {versions['dynalite']} (on disk), node {_node_version()}; Python handlers run in "
        "serverless-offline's only mode for Python: a warm `python3 invoke.py` child per concurrent request "
        "(--useInProcess is for Node handlers only)"
    )
    dynalite_port, http_port = _free_port(), _free_port()
    (tmp / "dynalite").mkdir()
    dynalite = ["node", str(DYNALITE), "--host", "127.0.0.1", "--port", str(dynalite_port)]
    dynalite += ["--path", str(tmp / "dynalite"), "--createTableMs", "0", "--deleteTableMs", "0"]
    with spawned("dynalite", dynalite, tmp) as (process, log):
        _wait_http(process, log, lambda: _dynalite_table(dynalite_port))
        service = tmp / "service"
        shutil.move(str(_code_dir(tmp)), service)
        (service / "node_modules").symlink_to(NODE_MODULES)
        (service / "serverless.yml").write_text(
            SERVERLESS_YML % {"dynamodb": f"http://127.0.0.1:{dynalite_port}"}
        )
        command = ["node", str(SERVERLESS), "offline", "start", "--httpPort", str(http_port)]
        command += ["--lambdaPort", str(_free_port()), "--host", "127.0.0.1"]
        env = {**_venv_env(), "SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off", **AWS_ENV}
        with spawned("serverless-offline", command, tmp, cwd=service, env=env) as (process, log):
            _wait_http(process, log, lambda: _request(http_port, "GET", TRIVIAL_PATH)[0] == 200)
            _load(report, "serverless-offline", "trivial", http_port, TRIVIAL, args, tmp, session=process.pid)
            _load(
                report,
                "serverless-offline",
                "item cycle",
                http_port,
                item_cycle(),
                args,
                tmp,
                per_thread=True,
                session=process.pid,
            )


def _cpu_busy(seconds: float = 1.0) -> float:
    """Share of all cores' time not idle over ``seconds``, from /proc/stat (0 where unavailable)."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except OSError:
        return 0.0
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def _node_version() -> str:
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


def _dynalite_table(port: int) -> bool:
    """Create the Music table as DemoCreateTable does (True once done)."""
    definition = {
        "TableName": TABLE,
        "AttributeDefinitions": [
            {"AttributeName": "Artist", "AttributeType": "S"},
            {"AttributeName": "SongTitle", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "Artist", "KeyType": "HASH"},
            {"AttributeName": "SongTitle", "KeyType": "RANGE"},
        ],
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    }
    headers = {**DYNAMODB_HEADERS, "X-Amz-Target": "DynamoDB_20120810.CreateTable"}
    status, body = _request(port, "POST", "/", headers, json.dumps(definition).encode())
    if status != 200:
        raise RuntimeError(f"CreateTable on dynalite: HTTP {status} {body[:200]!r}")
    return True


def bench_limit(report: Report, args: argparse.Namespace, tmp: Path) -> None:
    port = _free_port()
    with spawned("aiohttp", [sys.executable, __file__, "--serve-limit", str(port)], tmp) as (process, log):
        _wait_http(process, log, lambda: _request(port, "GET", TRIVIAL_PATH)[0] == 200)
        _load(report, "aiohttp limit", "trivial", port, TRIVIAL, args, tmp, session=process.pid)
        report.breakdown["http"] = report.results["trivial", "aiohttp limit", 1]


def serve_limit(port: int) -> None:
    """A bare aiohttp server answering every request 200 "ok", as the trivial handler does."""
    import asyncio

    from aiohttp import web

    async def handle(request: web.BaseRequest) -> web.Response:
        await request.read()
        return web.Response(status=200, body=b"ok", content_type="application/json")

    async def main() -> None:
        runner = web.ServerRunner(web.Server(handle), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


# --- output ----------------------------------------------------------------------------------------

ENGINES = {
    "trivial": ["serverlite", "serverless-offline", "aiohttp limit"],
    "trivial HTTP API": ["serverlite"],
    "item cycle": ["serverlite", "serverless-offline"],
}
HTTP_API_GOAL = 1.0  # HTTP API req/s / REST API req/s, same handler, same run
# Issue 18's goals (serverlite req/s over serverless-offline's, same run).
GOALS = {("trivial", 1): 1.3, ("trivial", 16): 1.3, ("item cycle", 1): 1.2, ("item cycle", 16): 1.2}
STARTUP_GOAL = 1.0


def _cell(result: Result | None) -> str:
    if result is None or result.rps is None:
        return f"{'n/a':>9} {'':>7} {'':>7} {result.errors if result else '':>7}"
    assert result.p50_ms is not None and result.p99_ms is not None
    return f"{result.rps:>9,.0f} {result.p50_ms:>7.2f} {result.p99_ms:>7.2f} {result.errors:>7}"


def print_report(report: Report, args: argparse.Namespace, elapsed: float) -> None:
    print(
        f"serverlite end to end, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )
    noisy = max(report.busy, report.busy_after) > 0.15
    warning = "  (other work was running: numbers are noisy)" if noisy else ""
    print(
        f"CPU busy in the second before the run: {report.busy:.0%}, after it: {report.busy_after:.0%}"
        + warning
    )
    print(
        f"wrk: {args.duration:g} s per run after warm-up ({args.warmup:g} s runs of the same load until "
        "req/s changes < 10%); trivial: 1 thread; item cycle: one thread per connection"
    )
    for note in report.notes:
        print(note)
    print(
        f"\n{'workload':<16} {'conns':>5} {'server':<19} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'non-2xx':>7}  note"
    )
    for workload, engines in ENGINES.items():
        for connections in args.connections:
            for engine in engines:
                result = report.results.get((workload, engine, connections))
                note = result.note if result else "not run"
                print(f"{workload:<16} {connections:>5} {engine:<19} {_cell(result)}  {note}".rstrip())
    print(f"\n{'ratio of req/s':<20} {'serverlite/serverless-offline':>40} {'serverlite/limit':>17}")
    for workload in ("trivial", "item cycle"):
        for connections in args.connections:
            ours = _rps(report, workload, "serverlite", connections)
            theirs = _rps(report, workload, "serverless-offline", connections)
            limit = _rps(report, workload, "aiohttp limit", connections) if workload == "trivial" else None
            goal = GOALS.get((workload, connections))
            if ours and theirs:
                ratio = ours / theirs
                verdict = "" if goal is None else f" (goal >= {goal:g}) {'ok' if ratio >= goal else 'MISS'}"
                offline = f"{ratio:.2f}{verdict}"
            else:
                offline = "n/a"
            ceiling = f"{ours / limit:.2f}" if ours and limit else "-"
            print(f"{workload + ', ' + str(connections) + ' conn':<20} {offline:>40} {ceiling:>17}")
    print_memory(report, args)
    print_http_api_ratio(report, args)
    if report.startup:
        print()
        for prefix, label in (("", "empty data dir"), ("restart ", "restarted on the same data dir")):
            first = report.startup.get(prefix + "first")
            if first is None:
                continue
            ready = report.startup.get(prefix + "ready")
            ready_text = f"Ready line after {ready:.2f} s, " if ready is not None else ""
            verdict = "ok" if first < STARTUP_GOAL else "MISS"
            print(
                f"serverlite start (template.yaml, {label}): {ready_text}first successful Music API "
                f"answer (PUT DemoResourceMusicTable) after {first:.2f} s "
                f"(goal < {STARTUP_GOAL:g} s) {verdict}"
            )
    for line in LEFT_BEHIND:
        print(f"after SIGTERM: {line}")
    print_breakdown(report)
    print_cpu(report)
    print(f"\ntotal {elapsed:.0f} s")


MEMORY_GOAL = 1 / 3  # serverlite's resident memory over serverless-offline's at the most connections


def print_memory(report: Report, args: argparse.Namespace) -> None:
    """Resident memory of every process of each server after its run at the most connections (issue 18)."""
    connections = max(args.connections)
    print(f"\nresident memory after the {connections}-connection run (all of the server's processes)")
    for workload in ("trivial", "item cycle"):
        cells = {}
        for engine in ("serverlite", "serverless-offline"):
            result = report.results.get((workload, engine, connections))
            if result is not None and result.rss_mb is not None:
                cells[engine] = result
                print(
                    f"  {workload:<11} {engine:<19} {result.rss_mb:8.1f} MB in {result.processes} processes"
                )
        if len(cells) == 2:
            ratio = cells["serverlite"].rss_mb / cells["serverless-offline"].rss_mb  # type: ignore[operator]
            verdict = "ok" if ratio < MEMORY_GOAL else "MISS"
            print(f"  {workload:<11} serverlite/serverless-offline {ratio:.2f} (goal < 0.33) {verdict}")


def print_http_api_ratio(report: Report, args: argparse.Namespace) -> None:
    """The trivial handler behind serverlite's HTTP API against behind its REST API (issue 17)."""
    print(f"\n{'trivial, same run':<20} {'HTTP API / REST API req/s':>40} {'p50 ms HTTP / REST':>22}")
    for connections in args.connections:
        http = report.results.get(("trivial HTTP API", "serverlite", connections))
        rest = report.results.get(("trivial", "serverlite", connections))
        if http is None or rest is None or not http.rps or not rest.rps:
            print(f"{str(connections) + ' conn':<20} {'n/a':>40}")
            continue
        ratio = http.rps / rest.rps
        verdict = f"{ratio:.2f} (goal >= {HTTP_API_GOAL:g}) {'ok' if ratio >= HTTP_API_GOAL else 'MISS'}"
        latency = f"{http.p50_ms:.2f} / {rest.p50_ms:.2f}"
        print(f"{str(connections) + ' conn':<20} {verdict:>40} {latency:>22}")


def _rps(report: Report, workload: str, engine: str, connections: int) -> float | None:
    result = report.results.get((workload, engine, connections))
    return result.rps if result else None


def print_breakdown(report: Report) -> None:
    """Where one request's time goes: p50 on one connection of nested measurements, and their differences."""
    b = report.breakdown
    print("\nWhere the time of one request goes in serverlite (p50 on one connection, ms)")
    rows = [
        ("http", "A bare aiohttp server, GET -> 200 ok (HTTP floor incl. wrk)"),
        ("invoke", "B Lambda Invoke API -> trivial handler (HTTP + runtime hop)"),
        ("trivial", "C gateway -> trivial handler"),
        ("stubbed", "D gateway -> Music GET handler, boto3 answered in-process"),
        ("dynamodb", "E embedded DynamoDB alone, same GetItem over raw HTTP"),
        ("get item", "F gateway -> Music GET handler -> DynamoDB (real)"),
    ]
    p50: dict[str, float | None] = {}
    for key, label in rows:
        result = report.results.get(("trivial", "serverlite", 1)) if key == "trivial" else b.get(key)
        p50[key] = result.p50_ms if result else None
        value = f"{p50[key]:7.3f}" if p50[key] is not None else "    n/a"
        rps = f"{result.rps:8,.0f} req/s" if result and result.rps else (result.note if result else "")
        print(f"  {label:<64} {value}   {rps}")

    def diff(a: str, *minus: str) -> float | None:
        if p50.get(a) is None or any(p50.get(m) is None for m in minus):
            return None
        return p50[a] - sum(p50[m] for m in minus)  # type: ignore[misc,operator]

    shares = [
        ("HTTP request and response over loopback (A)", p50.get("http")),
        ("runtime hop: invoke -> worker -> awslambdaric -> back (B - A)", diff("invoke", "http")),
        ("gateway: route, policy, event, response mapping, logs (C - B)", diff("trivial", "invoke")),
        ("handler + boto3 client side: params, serialise, sign, parse (D - C)", diff("stubbed", "trivial")),
        ("DynamoDB server: HTTP + GetItem (E)", p50.get("dynamodb")),
        (
            "boto3 send: urllib3 socket round trip to DynamoDB, rest (F - D - E)",
            diff("get item", "stubbed", "dynamodb"),
        ),
    ]
    print(f"  {'share of F':<64} {'ms':>7}   of F")
    total = p50.get("get item")
    for label, value in shares:
        text = f"{value:7.3f}" if value is not None else "    n/a"
        share = f"{value / total:5.0%}" if value is not None and total else ""
        print(f"  {label:<64} {text}   {share}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per measured wrk run")
    parser.add_argument(
        "--warmup",
        type=float,
        default=2,
        help="seconds per warm-up round (same load, up to 6 rounds, 0: none)",
    )
    parser.add_argument("--connections", default="1,16", help="comma-separated connection counts")
    parser.add_argument(
        "--servers",
        default="serverlite,serverless-offline,limit",
        help="which of them to run (comma-separated)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the printed numbers here")
    parser.add_argument(
        "--gateway-processes",
        default="2",
        help="comma-separated `serverlite start --gateway-processes` counts to run the trivial handler with "
        "('' for none)",
    )
    parser.add_argument("--serve-limit", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_limit is not None:
        serve_limit(args.serve_limit)
        return
    args.connections = [int(c) for c in args.connections.split(",")]
    args.gateway_processes = [int(c) for c in args.gateway_processes.split(",") if c]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: `make bench-e2e` installs it (apt-get install wrk)")
    report = Report(busy=_cpu_busy())
    started = time.perf_counter()
    steps = [
        ("serverlite", "serverlite, generated template", bench_serverlite_trivial),
        ("serverlite", "serverlite, template.yaml", bench_serverlite_music),
        ("serverlite", "serverlite, --gateway-processes", bench_gateway_processes),
        ("serverless-offline", "serverless-offline + dynalite", bench_offline),
        ("limit", "aiohttp limit", bench_limit),
    ]
    servers = args.servers.split(",")
    for server, title, step in steps:
        if server not in servers:
            continue
        print(f"running {title} ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            try:
                step(report, args, Path(tmp))
            except Exception as error:  # noqa: BLE001 - one server failing must not stop the others
                report.notes.append(f"{title}: failed: {error}")
    elapsed = time.perf_counter() - started
    report.busy_after = _cpu_busy()
    print_report(report, args, elapsed)
    if args.json:
        write_json(args.json, report, args, elapsed)


def write_json(path: Path, report: Report, args: argparse.Namespace, elapsed: float) -> None:
    """The printed numbers, for benchmarks/report.py."""
    document = {
        "benchmark": "e2e_throughput",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "args": {k: v for k, v in vars(args).items() if k not in ("json", "serve_limit")},
        "busy": report.busy,
        "busy_after": report.busy_after,
        "notes": report.notes,
        "results": [
            {"workload": workload, "engine": engine, "connections": connections, **dataclasses.asdict(result)}
            for (workload, engine, connections), result in report.results.items()
        ],
        "goals": [
            {"workload": workload, "connections": connections, "ratio": goal}
            for (workload, connections), goal in GOALS.items()
        ],
        "startup": report.startup,
        "startup_goal_s": STARTUP_GOAL,
        "breakdown": {key: dataclasses.asdict(result) for key, result in report.breakdown.items()},
        "left_behind": LEFT_BEHIND,
        "cpu_per_request_us": [
            {"workload": workload, "connections": connections, **dataclasses.asdict(cost)}
            for (workload, connections), cost in report.cpu.items()
        ],
        "seconds": elapsed,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1))


if __name__ == "__main__":
    main()
