"""Install Python packages into a folder for one interpreter and platform, as `sam build` does.

uv first (`uv pip install --target`): it resolves and installs in well under a second from its cache, works
offline once the wheels are cached, and targets another Python version and a manylinux platform directly.
pip (`python -m pip install --target`) is the fallback when no uv binary is found. See the README's design
note on function builds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InstallFailed", "Target", "install", "installer_name"]

# Lambda's Python runtimes run manylinux2014-compatible wheels; `sam build` and AWS's packaging guide
# install with that platform tag
# (https://docs.aws.amazon.com/lambda/latest/dg/python-package.html#python-package-native-libraries).
_PLATFORMS = {"x86_64": "x86_64-manylinux2014", "arm64": "aarch64-manylinux2014"}
_PIP_PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}


class InstallFailed(Exception):
    """The installer failed; `detail` is its own explanation (its last lines)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """What the packages are installed for: an interpreter, its version and a Lambda architecture."""

    python: str
    version: tuple[int, int]
    architecture: str = "x86_64"  # x86_64 or arm64


def installer_name() -> str:
    """`uv` when a uv binary is available, else `pip`."""
    return "uv" if _uv() else "pip"


def install(
    folder: Path,
    target: Target,
    *,
    requirements: Path | None = None,
    packages: Sequence[str] = (),
) -> None:
    """Install `requirements` (a requirements.txt) and `packages` into `folder`, bytecode compiled.

    Raises:
        InstallFailed: the installer's explanation.
    """
    uv = _uv()
    command = _uv_command(uv, folder, target) if uv else _pip_command(folder, target)
    if requirements is not None:
        command += ["-r", str(requirements)]
    command += list(packages)
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    try:
        done = subprocess.run(
            command,
            cwd=str(requirements.parent) if requirements else None,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise InstallFailed(f"{command[0]} could not run: {error}") from None
    if done.returncode != 0:
        raise InstallFailed(_explanation(done.stderr or done.stdout))
    if not uv:
        _compile(folder, target)


def _uv() -> str | None:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


def _uv_command(uv: str, folder: Path, target: Target) -> list[str]:
    return [
        uv,
        "pip",
        "install",
        "--quiet",
        "--no-config",
        "--target",
        str(folder),
        "--python",
        target.python,
        "--python-version",
        f"{target.version[0]}.{target.version[1]}",
        "--python-platform",
        _PLATFORMS.get(target.architecture, _PLATFORMS["x86_64"]),
        "--compile-bytecode",
    ]


def _pip_command(folder: Path, target: Target) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "--target",
        str(folder),
        "--python-version",
        f"{target.version[0]}.{target.version[1]}",
        "--platform",
        _PIP_PLATFORMS.get(target.architecture, _PIP_PLATFORMS["x86_64"]),
        "--only-binary=:all:",
    ]


def _compile(folder: Path, target: Target) -> None:
    """Workers run with PYTHONDONTWRITEBYTECODE: without bytecode every cold start would compile."""
    subprocess.run(
        [target.python, "-m", "compileall", "-q", str(folder)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _explanation(output: str) -> str:
    """The installer's own words on one line, without colours, tree glyphs, `error:` and warnings."""
    lines = [_ANSI.sub("", line).strip(" ×╰─▶│|") for line in output.splitlines()]
    lines = [re.sub(r"^(error|ERROR|cause|Caused by): ", "", line.strip()) for line in lines]
    kept = [line for line in lines if line and not line.startswith(("WARNING", "warning:", "hint:"))][-6:]
    joined = [line if line.endswith((".", ":")) else line + ":" for line in kept[:-1]] + kept[-1:]
    return " ".join(joined) or "the installer failed without saying why"
