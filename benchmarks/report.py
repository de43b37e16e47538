"""The benchmark report: runs the benchmarks of issues 3, 5 and 8 and writes benchmarks/REPORT.md with plots.

Run:  make report     (installs wrk, dynalite, serverless, serverless-offline, moto and matplotlib first)
or:   .venv/bin/python benchmarks/report.py [--quick] [--reuse] [--only NAMES] [--soak-minutes N]

Each benchmark runs as its own process with ``--json benchmarks/report/<name>.json`` (its printed output is
kept beside it as ``<name>.txt``); the JSON files, git-ignored, are what the report is built from. Then the
figures (matplotlib, Agg backend) go to ``benchmarks/report/*.png`` and the text to ``benchmarks/REPORT.md``;
both are tracked.

- dynamodb_throughput: DynamoDB ops/s and p50/p99, serverlite against dynalite, moto and an aiohttp ceiling;
- dynamodb_scale: GetItem and Query latency at 1,000 items and at ``--items`` (1,000,000), Scan memory;
- e2e_throughput: the gateway + Lambda + DynamoDB stack against serverless-offline, and an aiohttp limit;
- soak: 16 clients on the Music API for 10 minutes; p99 and the RSS of every process per minute.

``--quick`` runs everything short (2 s runs, 100,000 items, a 1-minute soak sampled every 10 s) to try it.
``--reuse`` runs nothing and rebuilds the figures and REPORT.md from the JSON files already written.
``--only`` runs the named benchmarks and reuses the JSON files of the others. The soak is reused when
``soak.json`` holds a soak at least ``--soak-minutes`` (10) long, else it runs; ``--soak-minutes N``
given explicitly always runs it for N minutes.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"
OUT = BENCH / "report"
REPORT_MD = BENCH / "REPORT.md"
NODE_MODULES = BENCH / ".peers" / "node_modules"
NAMES = ["dynamodb_throughput", "dynamodb_scale", "e2e_throughput", "soak"]

# Arguments of each benchmark: the full report, and --quick.
FULL_ARGS: dict[str, list[str]] = {
    "dynamodb_throughput": [],
    "dynamodb_scale": [],
    "e2e_throughput": [],
    "soak": [],
}
QUICK_ARGS: dict[str, list[str]] = {
    "dynamodb_throughput": ["--ops", "200", "--duration", "2"],
    "dynamodb_scale": ["--items", "100000", "--calls", "500"],
    "e2e_throughput": ["--duration", "2", "--warmup", "1"],
    "soak": ["--minutes", "6", "--interval", "10"],
}
SOAK_MINUTES = 10
QUICK_NOTE = " --quick (short runs: not the real check)"

COLOURS = {
    "serverlite": "#1f77b4",
    "dynalite": "#ff7f0e",
    "moto": "#2ca02c",
    "ceiling": "#7f7f7f",
    "serverless-offline": "#d62728",
    "aiohttp limit": "#7f7f7f",
}


# --- running -----------------------------------------------------------------------------------------


def run_benchmark(name: str, extra: list[str]) -> bool:
    """Run one benchmark with --json; its output goes to the terminal and to report/<name>.txt."""
    json_path = OUT / f"{name}.json"
    command = [sys.executable, str(BENCH / f"{name}.py"), *extra, "--json", str(json_path)]
    shown = " ".join(["benchmarks/" + name + ".py", *extra, "--json", f"benchmarks/report/{name}.json"])
    print(f"\n=== {shown}", flush=True)
    json_path.unlink(missing_ok=True)
    began = time.perf_counter()
    with (OUT / f"{name}.txt").open("w") as log:
        log.write(f"$ {shown}\n")
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            log.write(line)
        code = process.wait()
    print(f"=== {name}: exit {code} after {time.perf_counter() - began:.0f} s", flush=True)
    if not json_path.exists():
        print(f"=== {name}: wrote no JSON, its section of the report is left out", flush=True)
        return False
    data = json.loads(json_path.read_text())
    data["command"] = shown
    data["exit_code"] = code
    json_path.write_text(json.dumps(data, indent=1))
    return True


def soak_is_long_enough(minutes: float) -> bool:
    path = OUT / "soak.json"
    if not path.exists():
        return False
    data = json.loads(path.read_text())
    return data.get("minutes", 0) * data.get("interval_s", 60) >= minutes * 60


# --- the machine and the peers -----------------------------------------------------------------------


def _output(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        return ""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else ""


def _package(name: str) -> str:
    try:
        return str(json.loads((NODE_MODULES / name / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "not installed"


def _distribution(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def discover_meta() -> dict[str, Any]:
    """CPU model, cores, date and the versions of serverlite and its peers."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wrk = _output(["wrk", "-v"]).split(" [")[0]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "versions": {
            "serverlite": _distribution("serverlite"),
            "python": platform.python_version(),
            "dynalite": _package("dynalite"),
            "moto": _distribution("moto"),
            "serverless-offline": _package("serverless-offline"),
            "serverless": _package("serverless"),
            "node": _output(["node", "--version"]) or "not installed",
            "aiohttp": _distribution("aiohttp"),
            "wrk": wrk.replace("wrk ", "") or "not installed",
        },
    }


def machine_line(meta: dict[str, Any]) -> str:
    return f"{meta['cpu']}, {meta['cores']} cores"


def peers_line(meta: dict[str, Any]) -> str:
    v = meta["versions"]
    return (
        f"dynalite {v['dynalite']}, moto {v['moto']}, serverless-offline {v['serverless-offline']}, "
        f"serverless {v['serverless']}, node {v['node']}; serverlite {v['serverlite']}, Python {v['python']}"
    )


# --- figures -----------------------------------------------------------------------------------------


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _label(fig: Any, meta: dict[str, Any], date: str, title: str) -> None:
    """Title on top, machine, date and peers' versions in the footer."""
    fig.suptitle(title, fontsize=12, fontweight="bold")
    footer = f"{machine_line(meta)} | measured {date} | {peers_line(meta)}"
    fig.text(0.5, 0.01, footer, ha="center", va="bottom", fontsize=7, color="#444444", wrap=True)


def _save(fig: Any, name: str) -> str:
    path = OUT / f"{name}.png"
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)
    return f"report/{name}.png"


def _bars(ax: Any, groups: list[str], series: dict[str, list[float | None]], *, fmt: str = "{:,.0f}") -> None:
    """Grouped bars: one group per x label, one bar per series, values written on the bars."""
    count = max(1, len(series))
    width = 0.8 / count
    for index, (name, values) in enumerate(series.items()):
        xs = [g + (index - (count - 1) / 2) * width for g in range(len(groups))]
        heights = [v if v is not None else 0 for v in values]
        bars = ax.bar(xs, heights, width, label=name, color=COLOURS.get(name))
        for bar, value in zip(bars, values, strict=True):
            text = fmt.format(value) if value is not None else "n/a"
            ax.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
                rotation=90 if count > 2 else 0,
                xytext=(0, 2),
                textcoords="offset points",
            )
    ax.set_xticks(range(len(groups)), groups)
    ax.margins(y=0.25)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def _latency_bars(
    ax: Any, groups: list[str], series: dict[str, list[tuple[float | None, float | None]]]
) -> None:
    """p99 as a light bar, p50 as a dark bar in front of it; log scale."""
    count = max(1, len(series))
    width = 0.8 / count
    for index, (name, values) in enumerate(series.items()):
        xs = [g + (index - (count - 1) / 2) * width for g in range(len(groups))]
        p50 = [v[0] or 0 for v in values]
        p99 = [v[1] or 0 for v in values]
        colour = COLOURS.get(name)
        ax.bar(xs, p99, width, color=colour, alpha=0.35)
        ax.bar(xs, p50, width * 0.6, color=colour, label=name)
        for x, (low, high) in zip(xs, values, strict=True):
            if high:
                ax.annotate(
                    f"{high:.2g}",
                    (x, high),
                    ha="center",
                    va="bottom",
                    fontsize=6,
                    xytext=(0, 1),
                    textcoords="offset points",
                )
            if low:
                ax.annotate(
                    f"{low:.2g}",
                    (x, low),
                    ha="center",
                    va="top",
                    fontsize=6,
                    color="white",
                    xytext=(0, -1),
                    textcoords="offset points",
                )
    ax.set_yscale("log")
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylabel("ms (dark: p50, light: p99; log scale)")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3, which="both")


# --- sections ----------------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str = ",.0f") -> str:
    return "n/a" if value is None else format(value, spec)


def _pair(p50: float | None, p99: float | None) -> str:
    return f"{_fmt(p50, '.2f')} / {_fmt(p99, '.2f')}"


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def _command(data: dict[str, Any], make: str) -> str:
    command = data.get("command", "")
    return f"`{make}` (or `.venv/bin/python {command}`)" if command else f"`{make}`"


def section_dynamodb(data: dict[str, Any], meta: dict[str, Any]) -> tuple[list[str], dict[str, bool | None]]:
    plt = _pyplot()
    args = data["args"]
    engines = [e for e in ("serverlite", "dynalite", "moto", "ceiling") if e in data["engines"]]
    operations = ["PutItem", "GetItem", "Query", "UpdateItem"]
    rows = {(r["mode"], r["operation"], r["engine"]): r for r in data["results"]}

    def value(mode: str, operation: str, engine: str, key: str) -> float | None:
        return rows.get((mode, operation, engine), {}).get(key)

    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), gridspec_kw={"width_ratios": [1, 1.2]})
    for ax, mode, title in (
        (axes[0], "a", f"(a) one boto3 client, sequential ({args['ops']} calls)"),
        (axes[1], "b", f"(b) wrk, {args['connections']} keep-alive connections, {args['duration']} s"),
    ):
        series = {e: [value(mode, op, e, "ops") for op in operations] for e in engines}
        _bars(ax, operations, series)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel("ops/s (2xx only)")
    _label(fig, meta, data["date"], "DynamoDB throughput: serverlite vs dynalite vs moto vs aiohttp ceiling")
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    throughput_png = _save(fig, "dynamodb_throughput")

    fig, ax = plt.subplots(figsize=(12, 5.2))
    series_l = {
        e: [(value("b", op, e, "p50_ms"), value("b", op, e, "p99_ms")) for op in operations] for e in engines
    }
    _latency_bars(ax, operations, series_l)
    ax.set_title(f"wrk, {args['connections']} connections: latency per call", fontsize=10)
    _label(fig, meta, data["date"], "DynamoDB latency percentiles (p50 and p99)")
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    latency_png = _save(fig, "dynamodb_latency")

    goals = {"dynalite": 1.2, "moto": 10.0, "ceiling": 0.8}
    table = ["| operation | " + " | ".join(f"{e} ops/s" for e in engines) + " | ratios (goal) |", ""]
    table[1] = "|---|" + "---:|" * len(engines) + "---|"
    met: dict[str, list[bool]] = {peer: [] for peer in goals if peer in engines}
    for operation in operations:
        ours = value("b", operation, "serverlite", "ops")
        ratios = []
        for peer, goal in goals.items():
            theirs = value("b", operation, peer, "ops")
            if ours and theirs:
                ok = ours / theirs >= goal
                met[peer].append(ok)
                ratios.append(f"{peer} {ours / theirs:.2f} (>= {goal:g}) {'ok' if ok else 'MISS'}")
            elif peer in engines:
                met[peer].append(False)
                ratios.append(f"{peer} n/a")
        cells = " | ".join(_fmt(value("b", operation, e, "ops")) for e in engines)
        table.append(f"| {operation} | {cells} | {'; '.join(ratios)} |")
    seq = ["| operation | " + " | ".join(f"{e} ops/s" for e in engines) + " |"]
    seq.append("|---|" + "---:|" * len(engines))
    for operation in operations:
        seq.append(
            f"| {operation} | " + " | ".join(_fmt(value("a", operation, e, "ops")) for e in engines) + " |"
        )
    lat = ["| operation | " + " | ".join(f"{e} p50 / p99 ms" for e in engines) + " |"]
    lat.append("|---|" + "---:|" * len(engines))
    for operation in operations:
        cells = " | ".join(
            _pair(value("b", operation, e, "p50_ms"), value("b", operation, e, "p99_ms")) for e in engines
        )
        lat.append(f"| {operation} | {cells} |")
    verdicts: dict[str, bool | None] = {
        f"DynamoDB ops/s >= {goal:g}x {peer}, every operation (issue 3)": all(met[peer])
        if met[peer]
        else None
        for peer, goal in goals.items()
        if peer in met
    }
    errors = sum(r.get("errors", 0) for r in data["results"] if r["engine"] == "serverlite")
    lines = [
        "## DynamoDB throughput per engine and workload",
        "",
        f"![DynamoDB throughput]({throughput_png})",
        "",
        "serverlite's DynamoDB server (`serverlite dynamodb`, on disk), dynalite (Node, LevelDB on disk), "
        "moto_server (in memory) and a bare aiohttp server answering a canned GetItem (the ceiling of a "
        "Python server here), each driven (a) by one sequential boto3 client and (b) by wrk with "
        "pre-serialised requests. PutItem cycles 1,000 keys, GetItem reads one ~200-byte item, Query "
        "returns a 10-item partition, UpdateItem increments a counter. Numbers are ops/s of 2xx answers "
        f"(serverlite non-2xx: {errors}).",
        "",
        f"(b) wrk, {args['connections']} connections:",
        "",
        *table,
        "",
        "(a) one boto3 client, sequential:",
        "",
        *seq,
        "",
        "**Goal** (issue 3), on (b): serverlite at least 1.2x dynalite and 10x moto on every operation, and "
        "at least 80% of the ceiling: "
        + "; ".join(
            f"{label.split(',')[0].replace('DynamoDB ops/s ', '')} {_verdict(ok)}"
            for label, ok in verdicts.items()
        )
        + ".",
        "",
        *(f"- {check}" for check in data.get("checks", [])),
        "",
        f"Reproduce: {_command(data, 'make bench-dynamodb')}.",
        "",
        "## DynamoDB latency percentiles",
        "",
        f"![DynamoDB latency]({latency_png})",
        "",
        f"p50 and p99 per call under (b) (wrk, {args['connections']} connections), from wrk's latency "
        "histogram. No goal of their own: the throughput goals above are measured on the same runs.",
        "",
        *lat,
        "",
        f"Reproduce: {_command(data, 'make bench-dynamodb')}.",
        "",
    ]
    return lines, verdicts


def section_scale(data: dict[str, Any], meta: dict[str, Any]) -> tuple[list[str], dict[str, bool | None]]:
    plt = _pyplot()
    small, items = data["small"], data["items"]
    operations = ["GetItem", "Query"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5), gridspec_kw={"width_ratios": [1.4, 1]})
    series = {
        f"{small:,} items": [data["p50_ms"][op]["small"] for op in operations],
        f"{items:,} items": [data["p50_ms"][op]["large"] for op in operations],
    }
    COLOURS.setdefault(f"{small:,} items", "#9ecae1")
    COLOURS.setdefault(f"{items:,} items", "#1f77b4")
    _bars(left, operations, series, fmt="{:.3f}")
    left.set_ylabel("p50 ms, one sequential client")
    left.set_title(f"GetItem and 10-item Query, {data['calls']} calls each", fontsize=10)
    scan = data["scan"]
    labels = ["before Scan", "peak (sampled)", "VmHWM"]
    values = [scan["rss_before_mb"], scan["rss_peak_mb"], scan["vmhwm_mb"]]
    bars = right.bar(labels, values, color=["#9ecae1", "#1f77b4", "#08519c"])
    for bar, v in zip(bars, values, strict=True):
        right.annotate(
            f"{v:.0f}", (bar.get_x() + bar.get_width() / 2, v), ha="center", va="bottom", fontsize=8
        )
    right.axhline(
        data["rss_goal_mb"], color="#d62728", linestyle="--", label=f"goal < {data['rss_goal_mb']} MB"
    )
    right.set_ylabel("server RSS MB")
    right.set_title(f"full paged Scan of {scan['items']:,} items ({scan['pages']} pages)", fontsize=10)
    right.legend(fontsize=8)
    right.grid(axis="y", alpha=0.3)
    _label(fig, meta, data["date"], f"DynamoDB at scale: {small:,} vs {items:,} items in one table")
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    png = _save(fig, "dynamodb_scale")

    goal = data["ratio_goal"]
    table = [
        f"| operation | p50 ms @ {small:,} | p50 ms @ {items:,} | ratio (goal <= {goal:g}) |",
        "|---|---:|---:|---|",
    ]
    ratio_ok = []
    for op in operations:
        ratio = data["p50_ms"][op]["large"] / data["p50_ms"][op]["small"]
        ratio_ok.append(ratio <= goal)
        table.append(
            f"| {op} | {data['p50_ms'][op]['small']:.3f} | {data['p50_ms'][op]['large']:.3f} | "
            f"{ratio:.2f} {'ok' if ratio <= goal else 'MISS'} |"
        )
    peak = max(scan["rss_peak_mb"], scan["vmhwm_mb"])
    rss_ok = peak < data["rss_goal_mb"] and scan["items"] == items
    full = items >= 1_000_000
    ok = all(ratio_ok) and rss_ok
    scope = (
        ""
        if full
        else f" (measured at {items:,} items, not the goal's 1,000,000: run without `--quick` to check it)"
    )
    lines = [
        "## Scaling with item count",
        "",
        f"![DynamoDB at scale]({png})",
        "",
        f"One table, items of ~200 bytes in partitions of 10, loaded through the storage layer "
        f"({data['file_mb']:,.0f} MB SQLite file at {items:,} items); a fresh `serverlite dynamodb` per size "
        "and one keep-alive client measuring GetItem of random keys and Query of random partitions "
        f"sequentially. Then a full paged Scan while the server's RSS is sampled every 20 ms: "
        f"{scan['items']:,} items in {scan['seconds']:.1f} s "
        f"({scan['items'] / scan['seconds']:,.0f} items/s), "
        f"RSS {scan['rss_before_mb']:.0f} MB before, peak {scan['rss_peak_mb']:.0f} MB, "
        f"VmHWM {scan['vmhwm_mb']:.0f} MB.",
        "",
        *table,
        "",
        f"**Goal** (issue 3): with 1,000,000 items, GetItem and Query within {goal:g}x of their latency at "
        f"1,000 items, and the server under {data['rss_goal_mb']} MB during the full Scan: "
        f"{_verdict(ok)}{scope}.",
        "",
        f"Reproduce: `.venv/bin/python {data.get('command', 'benchmarks/dynamodb_scale.py')}`.",
        "",
    ]
    return lines, {"DynamoDB at scale (issue 3)" + ("" if full else f", {items:,} items"): ok}


E2E_GROUPS = [("trivial", 1), ("trivial", 16), ("item cycle", 1), ("item cycle", 16)]


def section_e2e(data: dict[str, Any], meta: dict[str, Any]) -> tuple[list[str], dict[str, bool | None]]:
    plt = _pyplot()
    rows = {(r["workload"], r["engine"], r["connections"]): r for r in data["results"]}
    connections = data["args"]["connections"]
    groups = [(w, c) for w, c in E2E_GROUPS if c in connections]
    labels = [f"{w}\n{c} conn" for w, c in groups]
    engines = ["serverlite", "serverless-offline", "aiohttp limit"]

    def value(workload: str, engine: str, conns: int, key: str) -> float | None:
        return rows.get((workload, engine, conns), {}).get(key)

    fig, axes = plt.subplots(1, 2, figsize=(13, 5.4), gridspec_kw={"width_ratios": [1.3, 1]})
    for ax, workload, workload_engines, title in (
        (axes[0], "trivial", engines, "(1) trivial handler, and (3) a bare aiohttp server"),
        (axes[1], "item cycle", engines[:2], "(2) Music API item cycle (PUT, POST, GET, DELETE)"),
    ):
        conns = [c for w, c in groups if w == workload]
        series = {e: [value(workload, e, c, "rps") for c in conns] for e in workload_engines}
        _bars(ax, [f"{c} connection{'s' if c > 1 else ''}" for c in conns], series)
        ax.set_ylabel("req/s (2xx only)")
        ax.set_title(f"{title}; wrk, {data['args']['duration']:g} s after warm-up", fontsize=10)
    _label(
        fig, meta, data["date"], "End to end: serverlite vs serverless-offline (+ dynalite) vs aiohttp limit"
    )
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    throughput_png = _save(fig, "e2e_throughput")

    fig, ax = plt.subplots(figsize=(12, 5.4))
    series_l = {e: [(value(w, e, c, "p50_ms"), value(w, e, c, "p99_ms")) for w, c in groups] for e in engines}
    _latency_bars(ax, labels, series_l)
    ax.set_title("latency per request under the same wrk runs", fontsize=10)
    _label(fig, meta, data["date"], "End-to-end latency percentiles (p50 and p99)")
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    latency_png = _save(fig, "e2e_latency")

    goals = {(g["workload"], g["connections"]): g["ratio"] for g in data["goals"]}
    table = [
        "| workload | conns | serverlite req/s | serverless-offline req/s | aiohttp limit req/s "
        "| serverlite / offline (goal) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    lat = [
        "| workload | conns | serverlite p50 / p99 ms | serverless-offline p50 / p99 ms "
        "| aiohttp limit p50 / p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    met: list[bool] = []
    for workload, conns in groups:
        ours, theirs = (
            value(workload, "serverlite", conns, "rps"),
            value(workload, "serverless-offline", conns, "rps"),
        )
        goal = goals.get((workload, conns))
        if ours and theirs and goal is not None:
            ok = ours / theirs >= goal
            met.append(ok)
            ratio = f"{ours / theirs:.2f} (>= {goal:g}) {'ok' if ok else 'MISS'}"
        else:
            met.append(False)
            ratio = "n/a"
        cells = " | ".join(_fmt(value(workload, e, conns, "rps")) for e in engines)
        table.append(f"| {workload} | {conns} | {cells} | {ratio} |")
        cells = " | ".join(
            _pair(value(workload, e, conns, "p50_ms"), value(workload, e, conns, "p99_ms")) for e in engines
        )
        lat.append(f"| {workload} | {conns} | {cells} |")
    startup = data.get("startup") or {}
    first = startup.get("first")
    startup_ok = None if first is None else first < data["startup_goal_s"]
    throughput_ok = bool(met) and all(met)
    notes = [f"- {note}" for note in data.get("notes", [])]
    busy = max(data.get("busy", 0), data.get("busy_after", 0))
    noisy = (
        [f"- CPU busy with other work before/after the run: {data['busy']:.0%} / {data['busy_after']:.0%}."]
        if busy > 0.15
        else []
    )
    lines = [
        "## End-to-end throughput: gateway + Lambda + DynamoDB",
        "",
        f"![End-to-end throughput]({throughput_png})",
        "",
        "(1) trivial: a Python handler answering `ok` behind serverlite and behind serverless-offline; "
        "(2) item cycle: PUT, POST, GET and DELETE of one item with the Music API's own handlers, serverlite "
        "serving `template.yaml`, serverless-offline the same handlers with dynalite as DynamoDB; "
        "(3) limit: a bare aiohttp server answering the same `ok`. Driven by wrk on 1 and 16 connections.",
        "",
        *table,
        "",
        "**Goal** (issue 5): trivial handler at least 1.3x serverless-offline on 1 and 16 connections, item "
        f"cycle at least 2x on 1 connection and 1.5x on 16: {_verdict(throughput_ok)}. "
        + (
            f"The Music API answered its first request {first:.2f} s after `serverlite start` began "
            f"(goal < {data['startup_goal_s']:g} s): {_verdict(startup_ok)}."
            if first is not None
            else "Start-up time not measured."
        ),
        "",
        *notes,
        *noisy,
        "",
        f"Reproduce: {_command(data, 'make bench-e2e')}.",
        "",
        "## End-to-end latency percentiles",
        "",
        f"![End-to-end latency]({latency_png})",
        "",
        "p50 and p99 per request in the same wrk runs. No goal of their own (issue 5 quotes "
        "serverless-offline's p50 for context: 0.5 ms trivial, 2.2-2.6 ms item cycle on one connection).",
        "",
        *lat,
        "",
        f"Reproduce: {_command(data, 'make bench-e2e')}.",
        "",
    ]
    return lines, {"end to end (issue 5)": throughput_ok, "first answer < 1 s (issue 5)": startup_ok}


def section_soak(data: dict[str, Any], meta: dict[str, Any]) -> tuple[list[str], dict[str, bool | None]]:
    plt = _pyplot()
    samples = data["samples"]
    interval = data.get("interval_s", 60)
    unit = "minute" if interval == 60 else f"{interval:g} s interval"
    xs = [s["minute"] for s in samples]
    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(12, 11), sharex=True)
    top.plot(xs, [s["p50_ms"] for s in samples], "o-", label="p50", color="#9ecae1")
    top.plot(xs, [s["p99_ms"] for s in samples], "o-", label="p99", color="#1f77b4")
    judged = [s["p99_ms"] for s in samples if s["minute"] > 1 and s["p99_ms"] is not None]
    if len(judged) >= 2:
        median = statistics.median(judged)
        top.axhspan(
            median / 2, median * 2, color="#2ca02c", alpha=0.08, label="p99 allowed: median/2 .. 2x median"
        )
        top.axhline(median, color="#2ca02c", linestyle=":", linewidth=1)
    top.set_ylabel("latency ms")
    top.set_title(f"per {unit}: p50 and p99 of all requests; requests/s on the right", fontsize=10)
    twin = top.twinx()
    twin.plot(xs, [s["rps"] for s in samples], "s--", color="#7f7f7f", alpha=0.6, label="req/s")
    twin.set_ylabel("req/s", color="#7f7f7f")
    top.legend(fontsize=8, loc="upper left")
    top.grid(alpha=0.3)
    middle.plot(xs, [s["rss_total_kb"] / 1024 for s in samples], "o-", color="#1f77b4", label="total RSS")
    middle.set_ylabel("total RSS MB")
    middle.set_title("RSS of all processes of `serverlite start` (sum)", fontsize=10)
    middle.grid(alpha=0.3)
    middle.set_ylim(0, max(s["rss_total_kb"] for s in samples) / 1024 * 1.2)
    processes = data["processes"]
    names = sorted({p["name"] for p in processes})
    palette = plt.get_cmap("tab10")
    for index, name in enumerate(names):
        first = True
        for process in (p for p in processes if p["name"] == name):
            points = sorted((int(m), kb / 1024) for m, kb in process["rss_kb"].items() if int(m) > 0)
            if not points:
                continue
            bottom.plot(
                [m for m, _ in points],
                [mb for _, mb in points],
                "-",
                color=palette(index % 10),
                alpha=0.8,
                linewidth=1,
                label=name if first else None,
            )
            first = False
    bottom.set_ylabel("RSS MB per process")
    bottom.set_xlabel(unit)
    bottom.set_title("RSS of each process (one line per pid)", fontsize=10)
    bottom.legend(fontsize=8, loc="lower right")
    bottom.grid(alpha=0.3)
    bottom.set_ylim(bottom=0)
    bottom.set_xticks(xs)
    minutes = len(samples) * interval / 60
    _label(
        fig,
        meta,
        data["date"],
        f"Soak: {data['clients']} clients on the Music API item cycle for {minutes:g} "
        f"minute{'' if minutes == 1 else 's'}",
    )
    fig.tight_layout(rect=(0, 0.03, 1, 0.96))
    png = _save(fig, "soak")

    table = [
        f"| {unit} | requests | errors | p50 ms | p99 ms | total RSS MB | processes | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in samples:
        table.append(
            f"| {s['minute']} | {s['requests']:,} | {s['errors']} | {_fmt(s['p50_ms'], '.1f')} | "
            f"{_fmt(s['p99_ms'], '.1f')} | {s['rss_total_kb'] / 1024:.1f} | {s['processes']} | "
            f"{s['load']:.1f} |"
        )
    base, last = min(2, xs[-1]) if xs else 0, xs[-1] if xs else 0
    growth = [
        f"| process | RSS MB at {base} | RSS MB at {last} | growth |",
        "|---|---:|---:|---:|",
    ]
    both = [p for p in processes if str(base) in p["rss_kb"] and str(last) in p["rss_kb"]]
    groups: dict[str, list[float]] = {}
    for p in both:
        before, after = p["rss_kb"][str(base)], p["rss_kb"][str(last)]
        groups.setdefault(p["name"], []).append(after / before - 1 if before else 0.0)
    for name in sorted(groups):
        members = [p for p in both if p["name"] == name]
        before = sum(p["rss_kb"][str(base)] for p in members) / 1024
        after = sum(p["rss_kb"][str(last)] for p in members) / 1024
        label = (
            name
            if len(members) == 1
            else f"{name} ({len(members)} processes, sum; worst {max(groups[name]):+.1%})"
        )
        growth.append(
            f"| {label} | {before:.1f} | {after:.1f} | {after / before - 1 if before else 0:+.1%} |"
        )
    verdict = data.get("verdict", {})
    shutdown = data.get("shutdown", {})
    full = len(samples) * interval >= SOAK_MINUTES * 60
    scope = (
        "" if full else f" (a {minutes:g}-minute soak, not the goal's {SOAK_MINUTES}: `make soak` checks it)"
    )
    ok = all(verdict.values()) if verdict else None
    rules = data.get("rules", {})
    lines = [
        "## Soak: 16 clients for 10 minutes",
        "",
        f"![Soak]({png})",
        "",
        f"`serverlite start` on `template.yaml`; {data['clients']} threads, each on one keep-alive "
        "connection, cycle PUT, POST, GET and DELETE of an item of their own (a new song every cycle). An "
        "error is any non-2xx answer or a body other than the Music API's exact one. RSS is VmRSS of "
        "`serverlite start` and every descendant (DynamoDB server, Lambda workers), sampled at the end of "
        f"each {unit}.",
        "",
        *table,
        "",
        *growth,
        "",
        f"After SIGINT `serverlite start` exited {shutdown.get('exit_code')} in "
        f"{shutdown.get('seconds', 0):.1f} s; "
        f"processes left: {', '.join(shutdown.get('left', [])) or 'none'}.",
        "",
        "**Goal** (issue 8): zero errors; p99 stable ("
        + rules.get("p99", "")
        + "); resident memory flat ("
        + rules.get("rss", "")
        + "): "
        + ", ".join(f"{name} {'ok' if passed else 'FAIL'}" for name, passed in verdict.items())
        + f" — {_verdict(ok)}{scope}.",
        "",
        f"Reproduce: `make soak` (or `.venv/bin/python {data.get('command', 'benchmarks/soak.py')}`).",
        "",
    ]
    return lines, {"soak (issue 8)" + ("" if full else f", {minutes:g} min"): ok}


SECTIONS = {
    "dynamodb_throughput": section_dynamodb,
    "e2e_throughput": section_e2e,
    "dynamodb_scale": section_scale,
    "soak": section_soak,
}


def write_report(meta: dict[str, Any], quick: bool) -> None:
    body: list[str] = []
    summary: dict[str, bool | None] = {}
    missing = []
    for name, section in SECTIONS.items():
        path = OUT / f"{name}.json"
        if not path.exists():
            missing.append(name)
            continue
        lines, verdicts = section(json.loads(path.read_text()), meta)
        body += lines
        summary.update(verdicts)
    head = [
        "# serverlite benchmark report",
        "",
        f"Generated {meta['date']} by `benchmarks/report.py`{QUICK_NOTE if quick else ''} "
        f"on {machine_line(meta)} (Linux {meta['kernel']}). Peers: {peers_line(meta)}; "
        f"load generator wrk {meta['versions']['wrk']}, aiohttp {meta['versions']['aiohttp']}. "
        "Everything runs on loopback on this one machine, server and load generator sharing its cores, so "
        "compare the engines of one run with each other rather than with other machines.",
        "",
        "Rebuild it all with `make report` (about 30 minutes with the 10-minute soak), try it with "
        "`.venv/bin/python benchmarks/report.py --quick`, and redraw from the JSON files of the last run "
        "(`benchmarks/report/*.json`) with `--reuse`.",
        "",
        "| goal | result |",
        "|---|---|",
        *(f"| {name} | {_verdict(ok)} |" for name, ok in summary.items()),
        *(f"| {name} | not run |" for name in missing),
        "",
    ]
    REPORT_MD.write_text("\n".join(head + body).rstrip() + "\n")
    figures = len(list(OUT.glob("*.png")))
    print(f"\nwrote {REPORT_MD.relative_to(REPO)} and {figures} figures in benchmarks/report/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, to try the report")
    parser.add_argument(
        "--reuse", action="store_true", help="run nothing: rebuild from benchmarks/report/*.json"
    )
    parser.add_argument(
        "--only", help=f"comma-separated benchmarks to run ({','.join(NAMES)}); reuse the others"
    )
    parser.add_argument(
        "--soak-minutes",
        type=int,
        help=f"run the soak for N minutes (default: reuse a {SOAK_MINUTES}-minute one, else run it)",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    meta_path = OUT / "meta.json"
    if args.reuse:
        if not meta_path.exists():
            meta_path.write_text(json.dumps(discover_meta(), indent=1))
        meta = json.loads(meta_path.read_text())
        write_report(meta, bool(meta.get("quick")))
        return
    chosen = args.only.split(",") if args.only else NAMES
    unknown = set(chosen) - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    meta = {**discover_meta(), "quick": args.quick}
    meta_path.write_text(json.dumps(meta, indent=1))
    for name in chosen:
        extra = list(QUICK_ARGS[name] if args.quick else FULL_ARGS[name])
        if name == "soak":
            if args.soak_minutes is not None:
                extra = ["--minutes", str(args.soak_minutes)]
            elif not args.quick and soak_is_long_enough(SOAK_MINUTES):
                print(f"\n=== soak: reusing benchmarks/report/soak.json (at least {SOAK_MINUTES} minutes)")
                continue
        run_benchmark(name, extra)
    write_report(meta, args.quick)


if __name__ == "__main__":
    main()
