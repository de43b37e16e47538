"""The suite's guard (tests/conftest.py) fails a run that leaves a process behind, and ends that process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

LEAKY = textwrap.dedent("""\
    import subprocess, sys

    def test_leaks_a_grandchild(tmp_path):
        # A child that starts a grandchild and exits: the grandchild is orphaned, as a forgotten server is.
        subprocess.run(
            [sys.executable, "-c",
             "import subprocess, sys; "
             "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)', 'leaked-marker']); "
             "print(p.pid)"],
            check=True, stdout=open(tmp_path.parent / "leaked.pid", "w"),
        )
    """)


def test_a_leaked_process_fails_the_run_and_is_killed(tmp_path: Path) -> None:
    (tmp_path / "test_leaky.py").write_text(LEAKY)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.conftest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-p",
            "no:xdist",
        ]
        + ["--basetemp", str(tmp_path / "base"), "--rootdir", str(tmp_path), str(tmp_path / "test_leaky.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), "SERVERLITE_TESTS_EXIT_GRACE": "1"},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "1 passed" in output
    assert "1 process(es) started by the suite were still running at its end (killed):" in output
    pid = int((tmp_path / "base" / "leaked.pid").read_text())
    assert f"pid {pid}: " in output and "leaked-marker" in output
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the leaked process is still running"
