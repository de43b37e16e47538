"""Start-up cost of function builds (issue 16: measured, not asserted).

Run:  .venv/bin/python benchmarks/sam_app_start.py [--runs 5]

1. The first start of examples/real_world with an empty data dir: seconds to `Ready`, and the build progress
   it printed (uv's own cache may already hold the wheels; `--cold-cache` points uv at an empty one).
2. The next starts with the same data dir (builds reused) against starts of the same application with its
   requirements.txt files removed (no dependencies): the median difference is what builds add to a start
   (goal: < 0.3 s).
3. The Music API: seconds from spawning `serverlite start` to the first answer of a PUT table
   (goal: < 1 s), the median over the runs.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "real_world"
BUILD_LINES = ("Building", "Built", "Installed", "Runtime", "Build failed", "Warning")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Started:
    """One `serverlite start`: its process, gateway port, seconds to Ready and the lines before it."""

    def __init__(self, template: Path, data_dir: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.started = time.perf_counter()
        ports = [
            option
            for name in ("--dynamodb-port", "--lambda-port", "--console-port")
            for option in (name, str(_free_port()))
        ]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "serverlite",
                "start",
                "--template",
                str(template),
                "--port",
                str(self.port),
            ]
            + ports
            + ["--data-dir", str(data_dir)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if line.strip() == "Ready":
                self.ready = time.perf_counter() - self.started
                return
        raise SystemExit("serverlite exited before Ready:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _without_dependencies(root: Path) -> Path:
    copy = Path(shutil.copytree(EXAMPLE, root / "no_deps"))
    for requirements in copy.rglob("requirements.txt"):
        requirements.unlink()
    # Nothing left to import: the handlers' third-party imports become stubs.
    (copy / "prices" / "pydantic.py").write_text(
        "class BaseModel:\n    pass\nPositiveInt = int\nclass ValidationError(Exception):\n    pass\n"
    )
    (copy / "layer" / "humanize.py").write_text("def intword(n):\n    return str(n)\n")
    (copy / "quotes" / "requests.py").write_text("__version__ = 'stub'\n")
    return copy / "template.yaml"


def _first_answer(data_dir: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawning to the first answer, and from Ready to it (the worker's cold start)."""
    server = Started(REPO / "template.yaml", data_dir, env)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("PUT", "/Test/DemoResourceMusic/DemoResourceMusicTable", headers={"table": "Bench"})
        conn.getresponse().read()
        answered = time.perf_counter() - server.started, time.perf_counter() - server.started - server.ready
        conn.request("DELETE", "/Test/DemoResourceMusic/DemoResourceMusicTable", headers={"table": "Bench"})
        conn.getresponse().read()
        conn.close()
        return answered
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-cache", action="store_true", help="uv starts from an empty cache")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        env = dict(os.environ)
        if args.cold_cache:
            env["UV_CACHE_DIR"] = str(root / "uv-cache")
        data = root / "data"
        first = Started(EXAMPLE / "template.yaml", data, env)
        first.stop()
        print(f"first start of examples/real_world: Ready after {first.ready:.2f} s")
        for line in first.lines:
            if line.startswith(BUILD_LINES):
                print(f"  {line}")
        bare = _without_dependencies(root)
        Started(bare, root / "bare-data", env).stop()  # its interpreters and runtime folders are ready too
        built, plain = [], []
        for _ in range(args.runs):
            for template, data_dir, times in (
                (EXAMPLE / "template.yaml", data, built),
                (bare, root / "bare-data", plain),
            ):
                server = Started(template, data_dir, env)
                server.stop()
                times.append(server.ready)
        with_deps, without = statistics.median(built), statistics.median(plain)
        print(
            f"next starts: with dependencies {with_deps:.2f} s, without {without:.2f} s "
            f"(medians of {args.runs}): builds add {with_deps - without:+.2f} s (goal < 0.3 s)"
        )
        answers = [_first_answer(root / f"music-{run}", env) for run in range(args.runs)]
        spawned = statistics.median(answer[0] for answer in answers)
        ready = statistics.median(answer[1] for answer in answers)
        print(
            f"Music API: first answer {spawned:.2f} s after spawning serverlite start, "
            f"{ready:.2f} s after Ready "
            f"(medians of {args.runs}; goal < 1 s)"
        )


if __name__ == "__main__":
    main()
