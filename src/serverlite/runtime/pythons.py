"""Find the Python interpreter a function's `Runtime` names (`python3.12` -> a python3.12 of this machine).

Looked for, in order: serverlite's own interpreter when it is that version, `python3.X` on PATH (pyenv's
shims are skipped: they run only the versions pyenv has activated), pyenv's installed versions
(`$PYENV_ROOT/versions/3.X.*`), then the Pythons uv installs (`$UV_PYTHON_INSTALL_DIR`, else
`~/.local/share/uv/python/cpython-3.X.*`). The newest patch release wins within a source.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Interpreter", "find_python", "python_version"]

_RUNTIME = re.compile(r"^python(\d+)\.(\d+)$")


@dataclass(frozen=True)
class Interpreter:
    """An interpreter for one runtime; `exact` is False for the fallback to serverlite's own Python."""

    runtime: str
    path: str
    version: tuple[int, int]
    source: str  # "serverlite", "PATH", "pyenv", "uv" or "fallback"

    @property
    def exact(self) -> bool:
        """Whether it is the Python version the runtime names."""
        return self.source != "fallback"


def python_version(runtime: str) -> tuple[int, int] | None:
    """`python3.12` -> (3, 12); None for other runtimes."""
    match = _RUNTIME.match(runtime)
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_python(runtime: str) -> Interpreter:
    """The interpreter for `runtime` (a `python3.X` identifier), else serverlite's own as a fallback."""
    wanted = python_version(runtime)
    if wanted is None:
        raise ValueError(f"{runtime} is not a Python runtime")
    if sys.version_info[:2] == wanted:
        return Interpreter(runtime, sys.executable, wanted, "serverlite")
    name = f"python{wanted[0]}.{wanted[1]}"
    for source, path in _candidates(name, wanted):
        if path is not None and os.access(path, os.X_OK):
            return Interpreter(runtime, str(path), wanted, source)
    return Interpreter(runtime, sys.executable, (sys.version_info[0], sys.version_info[1]), "fallback")


def _candidates(name: str, wanted: tuple[int, int]) -> list[tuple[str, Path | None]]:
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    uv_root = Path(os.environ.get("UV_PYTHON_INSTALL_DIR") or Path.home() / ".local/share/uv/python")
    version = f"{wanted[0]}.{wanted[1]}"
    return [
        ("PATH", _on_path(name, pyenv_root / "shims")),
        ("pyenv", _newest(pyenv_root / "versions", rf"{re.escape(version)}\.\d+", f"bin/{name}")),
        ("uv", _newest(uv_root, rf"cpython-{re.escape(version)}\.\d+[^/]*", f"bin/{name}")),
    ]


def _on_path(name: str, shims: Path) -> Path | None:
    """`name` on PATH, skipping pyenv's shims folder."""
    folders = [
        folder
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if folder and Path(folder).resolve() != shims.resolve()
    ]
    found = shutil.which(name, path=os.pathsep.join(folders))
    return Path(found) if found else None


def _newest(root: Path, pattern: str, executable: str) -> Path | None:
    """`root/<folder matching pattern>/<executable>` of the highest patch release."""
    try:
        folders = [entry for entry in root.iterdir() if re.fullmatch(pattern, entry.name)]
    except OSError:
        return None
    ranked = sorted(folders, key=lambda entry: [int(n) for n in re.findall(r"\d+", entry.name)[:3]])
    for folder in reversed(ranked):
        if (folder / executable).is_file():
            return folder / executable
    return None
