"""The code stays ruff-clean and ruff-formatted (settings in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PATHS = ["src", "music_api", "benchmarks", "tests", "examples"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff(command):
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), *command, *PATHS], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
