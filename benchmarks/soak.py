"""Soak: 16 clients on the Music API for 10 minutes; errors, p99 and the memory of every process (issue 8).

Run:  make soak     (or: .venv/bin/python benchmarks/soak.py [--minutes 10] [--clients 16] [--json FILE])

Starts ``serverlite start`` on the repository's ``template.yaml`` (free ports, an empty data dir), creates
the ``Music`` table (PUT DemoResourceMusicTable) and runs ``--clients`` threads, each on one keep-alive
HTTP connection, cycling PUT item, POST item (update), GET item and DELETE item on keys of its own (a new
song title every cycle). An answer is an error when its status is not 2xx or its body is not exactly the
Music API's: "Item added", "Item updated", the item as JSON (with the updated album title), "Item deleted".

Every ``--interval`` seconds (a minute by default) it prints that minute's requests, errors, p50 and p99,
and the RSS (VmRSS) of every process serverlite started: ``serverlite start`` and all its descendants (the
DynamoDB server, each Lambda worker), found by walking /proc.

Verdict (the acceptance of issue 8), printed at the end; the exit status is 1 if a point fails:
- zero errors;
- p99 stable: the p99 of each minute after the first (warm-up) is within 2x of the median of those p99s;
- memory flat: the RSS of each process present at minute 2 and at the last minute, and their total, grows
  by less than 10% between the two (processes that started or ended in between are listed apart);
- after SIGINT, ``serverlite start`` exits and no process it started is left.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ITEM_PATH = "/Test/DemoResourceMusic/DemoResourceMusicItem"
TABLE_PATH = "/Test/DemoResourceMusic/DemoResourceMusicTable"
TABLE = "Music"
WARMUP = 1  # minutes before p99 is judged
BASELINE = 2  # the minute RSS growth is measured from
P99_FACTOR = 2.0
RSS_GROWTH = 0.10
P99_RULE = (
    f"p99 of each minute after minute {WARMUP} (warm-up) within {P99_FACTOR:g}x of the median of those "
    f"p99s (median / {P99_FACTOR:g} <= p99 <= median x {P99_FACTOR:g})"
)
RSS_RULE = (
    f"RSS of each process alive at minute {BASELINE} and at the last minute, and their total, grows < "
    f"{RSS_GROWTH:.0%} between the two"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- processes -------------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, int, str] | None:
    """(parent pid, start time in ticks, state) of a live process, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[19]), fields[0]


def descendants(root: int) -> list[int]:
    """``root`` and every live process below it (from the parent pid of each process in /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[2] != "Z":
                children.setdefault(stat[0], []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if _stat(pid) is None:
            continue
        found.append(pid)
        todo.extend(children.get(pid, []))
    return sorted(found)


def rss_kb(pid: int) -> int | None:
    """VmRSS of a live process in kB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return 0


def describe(pid: int, root: int) -> str:
    """A short name for one of serverlite's processes."""
    if pid == root:
        return "serverlite start"
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [a.decode(errors="replace") for a in argv if a]
    function = next(
        (e.split(b"=", 1)[1].decode() for e in environ if e.startswith(b"AWS_LAMBDA_FUNCTION_NAME=")), None
    )
    if function:
        return f"worker {function}"
    if "dynamodb" in words:
        return "dynamodb"
    return " ".join(Path(w).name if i == 0 else w for i, w in enumerate(words))[:40]


@dataclass
class Tracked:
    """One process seen during the run: its identity (pid + start time) and RSS at each minute."""

    pid: int
    start: int
    name: str
    rss: dict[int, int] = field(default_factory=dict)  # minute -> kB


class Processes:
    """Every process of the tree under ``serverlite start`` ever sampled."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[tuple[int, int], Tracked] = {}

    def sample(self, minute: int) -> list[Tracked]:
        alive = []
        for pid in descendants(self.root):
            stat, kb = _stat(pid), rss_kb(pid)
            if stat is None or kb is None:
                continue
            key = (pid, stat[1])
            if key not in self.seen:
                self.seen[key] = Tracked(pid, stat[1], describe(pid, self.root))
            tracked = self.seen[key]
            tracked.rss[minute] = kb
            alive.append(tracked)
        return alive

    def left_alive(self) -> list[Tracked]:
        """Processes seen during the run that are still alive (same pid and start time)."""
        left = []
        for (pid, start), tracked in self.seen.items():
            stat = _stat(pid)
            if stat is not None and stat[1] == start and stat[2] != "Z":
                left.append(tracked)
        return left


# --- serverlite ------------------------------------------------------------------------------------


class Server:
    """``serverlite start`` on template.yaml; its output is drained, its last lines kept."""

    def __init__(self, template: Path, data: Path) -> None:
        self.port = _free_port()
        command = [sys.executable, "-m", "serverlite", "start", "--template", str(template)]
        command += ["--port", str(self.port), "--dynamodb-port", str(_free_port())]
        command += ["--lambda-port", str(_free_port()), "--console-port", str(_free_port())]
        command += ["--data-dir", str(data)]
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.tail: deque[str] = deque(maxlen=50)
        self.output_bytes = 0
        self.ready = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        pending = b""
        while chunk := os.read(self.process.stdout.fileno(), 1 << 16):
            self.output_bytes += len(chunk)
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines[-50:]:
                text = line.decode(errors="replace")
                self.tail.append(text)
                if text.strip() == "Ready":
                    self.ready.set()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready.wait(0.1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("serverlite did not start:\n" + "\n".join(self.tail))


def request(
    connection: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str]
) -> tuple[int, bytes]:
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


# --- clients ---------------------------------------------------------------------------------------


@dataclass
class Minute:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0


class Client(threading.Thread):
    """One keep-alive connection cycling PUT, POST, GET, DELETE on keys of its own."""

    def __init__(self, number: int, port: int, began: float, interval: float, stop: threading.Event) -> None:
        super().__init__(daemon=True, name=f"client-{number}")
        self.number, self.port, self.began, self.interval, self.stop = number, port, began, interval, stop
        self.lock = threading.Lock()
        self.minutes: dict[int, Minute] = {}
        self.samples: list[str] = []  # the first few errors, described

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        artist = f"Soak Artist {self.number}"
        cycle = 0
        while not self.stop.is_set():
            song = f"Soak Song {cycle}"
            key = {"content-type": "application/json", "table": TABLE, "artist": artist, "songtitle": song}
            item = {
                "Artist": {"S": artist},
                "SongTitle": {"S": song},
                "AlbumTitle": {"S": f"Album {cycle} updated"},
            }
            steps: list[tuple[str, dict[str, str], Any]] = [
                ("PUT", {**key, "albumtitle": f"Album {cycle}"}, "Item added"),
                ("POST", {**key, "albumtitle": f"Album {cycle} updated"}, "Item updated"),
                ("GET", key, item),
                ("DELETE", key, "Item deleted"),
            ]
            for method, headers, expected in steps:
                if self.stop.is_set():
                    break
                problem = ""
                begin = time.perf_counter()
                try:
                    status, body = request(connection, method, ITEM_PATH, headers)
                except (OSError, http.client.HTTPException) as error:
                    status, body = 0, b""
                    problem = f"{type(error).__name__}: {error}"
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                end = time.perf_counter()
                if not problem:
                    problem = _check(status, body, expected)
                with self.lock:
                    minute = self.minutes.setdefault(int((end - self.began) // self.interval) + 1, Minute())
                    minute.latencies.append(end - begin)
                    if problem:
                        minute.errors += 1
                        if len(self.samples) < 5:
                            self.samples.append(f"{method} {song!r}: {problem}")
            cycle += 1
        connection.close()

    def take(self, minute: int) -> Minute:
        with self.lock:
            return self.minutes.pop(minute, Minute())


def _check(status: int, body: bytes, expected: Any) -> str:
    """'' when the answer is 2xx with exactly the expected JSON body, else what is wrong."""
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not 200 <= status < 300 or answer != expected:
        return f"HTTP {status} {body[:200]!r}"
    return ""


# --- the run ---------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _mb(kb: int) -> str:
    return f"{kb / 1024:.1f}"


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version()}


def run(args: argparse.Namespace) -> dict[str, Any]:
    samples: list[dict[str, Any]] = []
    date = time.strftime("%Y-%m-%d %H:%M")
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(args.template, Path(tmp) / "data")
        processes = Processes(server.process.pid)
        try:
            server.wait_ready()
            setup = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            status, body = request(setup, "PUT", TABLE_PATH, {"table": TABLE})
            setup.close()
            if status != 200 or json.loads(body) != "Table created":
                raise SystemExit(f"PUT table: HTTP {status} {body[:200]!r}")
            print(
                f"serverlite soak, {date}, {machine()['cpu']}, "
                f"{os.cpu_count()} cores: {args.clients} keep-alive clients, item cycle PUT/POST/GET/DELETE, "
                f"{args.minutes} x {args.interval:g} s",
                flush=True,
            )
            stop = threading.Event()
            began = time.perf_counter()
            clients = [Client(n, server.port, began, args.interval, stop) for n in range(args.clients)]
            for client in clients:
                client.start()
            for minute in range(1, args.minutes + 1):
                time.sleep(max(0.0, began + minute * args.interval - time.perf_counter()))
                if minute == args.minutes:
                    stop.set()
                alive = processes.sample(minute)
                taken = [client.take(minute) for client in clients]
                latencies = [value for m in taken for value in m.latencies]
                errors = sum(m.errors for m in taken)
                sample = {
                    "minute": minute,
                    "requests": len(latencies),
                    "errors": errors,
                    "rps": len(latencies) / args.interval,
                    "p50_ms": percentile(latencies, 0.50) * 1000 if latencies else None,
                    "p99_ms": percentile(latencies, 0.99) * 1000 if latencies else None,
                    "load": os.getloadavg()[0],
                    "rss_kb": {f"{p.pid}": {"name": p.name, "kb": p.rss[minute]} for p in alive},
                    "rss_total_kb": sum(p.rss[minute] for p in alive),
                    "processes": len(alive),
                }
                samples.append(sample)
                print_minute(sample)
            for client in clients:
                client.join(35)
        finally:
            shutdown = stop_server(server, processes)
        error_samples = [s for client in clients for s in client.samples][:10]
        output_mb = server.output_bytes / 2**20
    return {
        "date": date,
        "machine": machine(),
        "clients": args.clients,
        "minutes": args.minutes,
        "interval_s": args.interval,
        "samples": samples,
        "processes": [
            {"pid": p.pid, "name": p.name, "rss_kb": {str(m): kb for m, kb in p.rss.items()}}
            for p in processes.seen.values()
        ],
        "error_samples": error_samples,
        "shutdown": shutdown,
        "server_output_mb": output_mb,
    }


def print_minute(sample: dict[str, Any]) -> None:
    p50 = f"{sample['p50_ms']:.1f}" if sample["p50_ms"] is not None else "n/a"
    p99 = f"{sample['p99_ms']:.1f}" if sample["p99_ms"] is not None else "n/a"
    print(
        f"minute {sample['minute']:>3}: {sample['requests']:>7,} requests ({sample['rps']:,.0f}/s), "
        f"{sample['errors']} errors, p50 {p50} ms, p99 {p99} ms, load {sample['load']:.1f}, "
        f"RSS total {_mb(sample['rss_total_kb'])} MB in {sample['processes']} processes",
        flush=True,
    )
    groups: dict[str, list[str]] = {}
    for _pid, value in sorted(sample["rss_kb"].items(), key=lambda kv: int(kv[0])):
        groups.setdefault(value["name"], []).append(_mb(value["kb"]))
    cells = [f"{name}{f' x{len(v)}' if len(v) > 1 else ''} {' '.join(v)}" for name, v in groups.items()]
    print("    RSS MB (by pid): " + " | ".join(cells), flush=True)


def stop_server(server: Server, processes: Processes) -> dict[str, Any]:
    """SIGINT to `serverlite start`; then nothing it started may be alive. Leftovers are killed by pid."""
    processes.sample(0)  # anything started since the last minute
    began = time.perf_counter()
    server.process.send_signal(signal.SIGINT)
    try:
        code = server.process.wait(30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        code = server.process.wait()
    seconds = time.perf_counter() - began
    deadline = time.monotonic() + 5
    while (left := processes.left_alive()) and time.monotonic() < deadline:
        time.sleep(0.1)
    for tracked in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(tracked.pid, signal.SIGKILL)
    return {
        "exit_code": code,
        "seconds": seconds,
        "left": [f"{t.name} [{t.pid}]" for t in left],
        "tail": list(server.tail)[-10:],
    }


def verdict(result: dict[str, Any]) -> list[tuple[str, bool]]:
    """Print the acceptance; return (point, passed) for each."""
    samples = result["samples"]
    points: list[tuple[str, bool]] = []
    total = sum(s["requests"] for s in samples)
    errors = sum(s["errors"] for s in samples)
    print(f"\nverdict ({total:,} requests in {len(samples)} minutes)")
    points.append(("zero errors", errors == 0))
    print(f"  errors: {errors} (goal: 0) {'ok' if errors == 0 else 'FAIL'}")
    for line in result["error_samples"]:
        print(f"    e.g. {line}")

    print(f"  p99 rule: {P99_RULE}")
    judged = [s for s in samples if s["minute"] > WARMUP and s["p99_ms"] is not None]
    if len(judged) < 2:
        print("    not judged: fewer than 2 minutes after warm-up")
    else:
        median = statistics.median(s["p99_ms"] for s in judged)
        outside = [s for s in judged if not median / P99_FACTOR <= s["p99_ms"] <= median * P99_FACTOR]
        ok = not outside
        points.append(("p99 stable", ok))
        values = ", ".join(f"{s['p99_ms']:.1f}" for s in judged)
        print(
            f"    p99 ms of minutes {judged[0]['minute']}-{judged[-1]['minute']}: {values}; median "
            f"{median:.1f}, allowed {median / P99_FACTOR:.1f}-{median * P99_FACTOR:.1f}: "
            + ("ok" if ok else "FAIL (minutes " + ", ".join(str(s["minute"]) for s in outside) + ")")
        )

    print(f"  memory rule: {RSS_RULE}")
    last = samples[-1]["minute"] if samples else 0
    base = min(BASELINE, last)
    if last <= base:
        print(f"    not judged: the run ends at minute {last}")
    else:
        ok = _memory(result, base, last)
        points.append(("RSS flat", ok))

    shutdown = result["shutdown"]
    clean = not shutdown["left"] and shutdown["exit_code"] is not None
    points.append(("clean SIGINT stop", clean))
    print(
        f"  SIGINT: serverlite start exited {shutdown['exit_code']} after {shutdown['seconds']:.1f} s, "
        f"processes left: {', '.join(shutdown['left']) or 'none'} {'ok' if clean else 'FAIL'}"
    )
    failed = [name for name, ok in points if not ok]
    print(f"  => {'PASS' if not failed else 'FAIL: ' + ', '.join(failed)}")
    return points


def _memory(result: dict[str, Any], base: int, last: int) -> bool:
    both = [p for p in result["processes"] if str(base) in p["rss_kb"] and str(last) in p["rss_kb"]]
    ok = True
    print(f"    {'process':<28} {f'min {base} MB':>9} {f'min {last} MB':>9} {'growth':>8}")
    for process in sorted(both, key=lambda p: (p["name"], p["pid"])):
        before, after = process["rss_kb"][str(base)], process["rss_kb"][str(last)]
        growth = after / before - 1 if before else 0.0
        good = growth < RSS_GROWTH
        ok &= good
        label = f"{process['name']} [{process['pid']}]"
        print(f"    {label:<28} {_mb(before):>9} {_mb(after):>9} {growth:>+8.1%}  {'ok' if good else 'FAIL'}")
    before = sum(p["rss_kb"][str(base)] for p in both)
    after = sum(p["rss_kb"][str(last)] for p in both)
    growth = after / before - 1 if before else 0.0
    ok &= growth < RSS_GROWTH
    print(
        f"    {'total of these':<28} {_mb(before):>9} {_mb(after):>9} {growth:>+8.1%}  "
        f"{'ok' if growth < RSS_GROWTH else 'FAIL'}"
    )
    started = [p for p in result["processes"] if str(base) not in p["rss_kb"] and str(last) in p["rss_kb"]]
    ended = [p for p in result["processes"] if str(base) in p["rss_kb"] and str(last) not in p["rss_kb"]]
    for title, group in (
        (f"started after minute {base}", started),
        (f"gone by minute {last}", ended),
    ):
        names = ", ".join(f"{p['name']} [{p['pid']}]" for p in group)
        print(f"    {title} (not judged): {names or 'none'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--interval", type=float, default=60, help="seconds per 'minute' (shorter only for trying it)"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every per-minute sample here")
    parser.add_argument("--template", type=Path, default=REPO / "template.yaml", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # Ctrl-C, or SIGTERM, stops the run through the same clean-up (SIGINT to serverlite, leftovers killed);
    # SIGINT is ignored in a job started in the background by a non-interactive shell unless set here.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        result = run(args)
    except KeyboardInterrupt:
        print("interrupted: serverlite stopped, no verdict", file=sys.stderr)
        sys.exit(130)
    points = verdict(result)
    result["verdict"] = {name: ok for name, ok in points}
    result["rules"] = {"p99": P99_RULE, "rss": RSS_RULE}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1))
    sys.exit(0 if all(ok for _, ok in points) else 1)


if __name__ == "__main__":
    main()
