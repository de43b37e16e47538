"""Interpreter discovery (pyenv's shims skipped, newest patch first) and build failure messages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from serverlite.runtime import pythons
from serverlite.runtime.images import _failure_detail
from serverlite.runtime.installer import _explanation


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "uv"))
    monkeypatch.setenv("PATH", f"{tmp_path / 'pyenv' / 'shims'}:{tmp_path / 'bin'}")
    return tmp_path


def test_pyenv_shims_are_skipped_and_the_newest_patch_wins(machine: Path) -> None:
    _executable(machine / "pyenv/shims/python3.9")  # a shim runs only activated versions
    _executable(machine / "pyenv/versions/3.9.2/bin/python3.9")
    newest = _executable(machine / "pyenv/versions/3.9.18/bin/python3.9")
    found = pythons.find_python("python3.9")
    assert (found.path, found.source, found.exact) == (str(newest), "pyenv", True)


def test_path_first_then_pyenv_then_uv(machine: Path) -> None:
    uv = _executable(machine / "uv/cpython-3.8.20-linux-x86_64-gnu/bin/python3.8")
    assert pythons.find_python("python3.8").path == str(uv)
    pyenv = _executable(machine / "pyenv/versions/3.8.18/bin/python3.8")
    assert pythons.find_python("python3.8").path == str(pyenv)
    on_path = _executable(machine / "bin/python3.8")
    assert pythons.find_python("python3.8") == pythons.Interpreter("python3.8", str(on_path), (3, 8), "PATH")


def test_no_interpreter_falls_back_to_serverlites_own(machine: Path) -> None:
    found = pythons.find_python("python3.7")
    assert (found.path, found.source, found.exact) == (sys.executable, "fallback", False)
    assert found.version == sys.version_info[:2]


def test_a_failed_build_names_the_requirements_line_of_the_package(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# pinned\nboto3==1.34.0  # theirs\nPyYAML == 0.1\n")
    detail = _explanation(
        "error: No solution found when resolving dependencies\n"
        "  cause: Because there is no version of pyyaml==0.1 and you require pyyaml==0.1, we can conclude "
        "that your requirements are unsatisfiable.\n"
    )
    assert _failure_detail(requirements, detail) == (
        f"{requirements}:3: PyYAML == 0.1: No solution "
        "found when resolving dependencies: Because there is no version of pyyaml==0.1 and you require "
        "pyyaml==0.1, we can conclude that your requirements are unsatisfiable."
    )
