"""Folders of installed packages, each built once and then reused: runtime folders and dependency builds.

- A runtime folder holds what Lambda's Python runtime itself provides (awslambdaric, boto3/botocore), one per
  Python version and architecture, under the user cache (`$SERVERLITE_CACHE_DIR`, else
  `$XDG_CACHE_HOME/serverlite`, else `~/.cache/serverlite`): every project on the machine shares it.
- A dependency build holds what a function's (or a layer's) `requirements.txt` installs, as `sam build`
  does, under the data dir, keyed by the content of `requirements.txt`, the Python version and the
  architecture: the same requirements are never installed twice, and a changed file makes a new build.

A folder is complete when its marker file exists; it is built beside under another name and renamed into
place under a file lock, so concurrent starts build it once and never see half of it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

from serverlite.cache import cache_root
from serverlite.runtime.installer import Target, install

__all__ = ["BUILD_FORMAT", "dependencies_folder", "runtime_folder", "runtime_packages"]

MARKER = ".serverlite-complete"
# Part of every key: a change to how folders are built makes new ones.
BUILD_FORMAT = "1"


def runtime_packages() -> tuple[str, ...]:
    """The runtime's own packages, at the versions serverlite itself runs (known to work together)."""
    return tuple(f"{name}=={_version(name)}" for name in ("awslambdaric", "boto3"))


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies of serverlite
        return "0"


def runtime_folder(target: Target, cache: Path | None = None) -> tuple[Path, bool]:
    """The runtime folder for `target`, built if missing; returns (folder, whether it was built now).

    Raises:
        InstallFailed: the installer's explanation.
    """
    packages = runtime_packages()
    key = _key(BUILD_FORMAT, *packages, _minor(target), target.architecture)
    name = f"python{_minor(target)}-{target.architecture}-{key[:12]}"
    folder = (cache or cache_root()) / "runtimes" / name
    return _ensure(folder, lambda partial: install(partial, target, packages=packages))


def dependencies_folder(
    requirements: Path, target: Target, builds: Path, *, without: Path | None = None
) -> tuple[Path, bool]:
    """The build of `requirements` for `target` under `builds`; older builds there are removed.

    `without`: a folder (the runtime folder) whose distributions are removed from the build, as public
    layers leave out what the Lambda runtime already provides.

    Raises:
        InstallFailed: the installer's explanation.
    """
    key = _key(BUILD_FORMAT, requirements.read_bytes().decode("utf-8", "replace"), _minor(target))
    key = _key(key, str(without)) if without is not None else key
    folder = builds / f"python{_minor(target)}-{target.architecture}-{key[:16]}"

    def fill(partial: Path) -> None:
        install(partial, target, requirements=requirements)
        if without is not None:
            _remove_distributions(partial, _distributions(without))

    built = _ensure(folder, fill)
    for other in builds.iterdir():
        if other != folder and not other.name.startswith(".") and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
    return built


def _distributions(folder: Path) -> set[str]:
    """Normalized names of the distributions installed in `folder`."""
    return {_normalized(entry.name.split("-", 1)[0]) for entry in folder.glob("*.dist-info")}


def _remove_distributions(folder: Path, names: set[str]) -> None:
    """Remove the files (from each RECORD) of the distributions of `folder` named in `names`."""
    for info in folder.glob("*.dist-info"):
        if _normalized(info.name.split("-", 1)[0]) not in names:
            continue
        record = info / "RECORD"
        lines = record.read_text(encoding="utf-8").splitlines() if record.is_file() else []
        for line in lines:
            path = (folder / line.split(",", 1)[0]).resolve()
            if path.is_relative_to(folder.resolve()) and path.is_file():
                path.unlink()
        shutil.rmtree(info, ignore_errors=True)
    for directory in sorted(folder.rglob("*"), key=lambda path: len(path.parts), reverse=True):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _minor(target: Target) -> str:
    return f"{target.version[0]}.{target.version[1]}"


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _ensure(folder: Path, fill: Callable[[Path], None]) -> tuple[Path, bool]:
    if (folder / MARKER).is_file():
        return folder, False
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _locked(folder.parent / f".{folder.name}.lock"):
        if (folder / MARKER).is_file():  # built by another start while this one waited
            return folder, False
        partial = folder.parent / f".{folder.name}.{os.getpid()}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        try:
            fill(partial)
            (partial / MARKER).write_text("")
            shutil.rmtree(folder, ignore_errors=True)
            partial.rename(folder)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return folder, True


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
