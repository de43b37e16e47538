"""Can this interpreter run a function's `Runtime`? Python runtimes run here; others are refused."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

from serverlite.template.model import Function

__all__ = ["UnsupportedRuntime", "runtime_warning", "runtime_warnings"]

_PYTHON = re.compile(r"^python(\d+)\.(\d+)$")


class UnsupportedRuntime(Exception):
    """The function's runtime cannot run in serverlite."""


def runtime_warning(function: Function, version: tuple[int, int] | None = None) -> str | None:
    """A warning when the template asks for another Python than this one; raises UnsupportedRuntime."""
    match = _PYTHON.match(function.runtime)
    if match is None:
        raise UnsupportedRuntime(
            f"function {function.logical_id!r}: Runtime {function.runtime} is not supported "
            "(serverlite runs Python functions only)"
        )
    wanted = (int(match.group(1)), int(match.group(2)))
    have = version or (sys.version_info.major, sys.version_info.minor)
    if wanted == have:
        return None
    return (
        f"Warning: function {function.name} declares Runtime {function.runtime} but runs on Python "
        f"{have[0]}.{have[1]} ({sys.executable}); code that needs {function.runtime} may behave differently"
    )


def runtime_warnings(functions: Iterable[Function], version: tuple[int, int] | None = None) -> list[str]:
    """One warning per requested runtime that differs from this Python, naming its functions."""
    by_runtime: dict[str, list[str]] = {}
    for function in functions:
        if runtime_warning(function, version) is not None:
            by_runtime.setdefault(function.runtime, []).append(function.name)
    have = version or (sys.version_info.major, sys.version_info.minor)
    return [
        f"Warning: {'function' if len(names) == 1 else 'functions'} {', '.join(sorted(names))} "
        f"{'declares' if len(names) == 1 else 'declare'} Runtime {runtime} but "
        f"{'runs' if len(names) == 1 else 'run'} on Python {have[0]}.{have[1]} ({sys.executable})"
        for runtime, names in sorted(by_runtime.items())
    ]
