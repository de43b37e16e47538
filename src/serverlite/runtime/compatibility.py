"""Can this interpreter run a function's `Runtime`? Python runtimes run here; others are refused."""

from __future__ import annotations

import re
import sys

from serverlite.template.model import Function

__all__ = ["UnsupportedRuntime", "runtime_warning"]

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
