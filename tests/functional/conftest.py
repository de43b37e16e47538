"""Shared fixtures of the functional tests: real worker processes, real servers on free ports."""

from __future__ import annotations

from pathlib import Path

import pytest

from serverlite.template.model import Function

FUNCTIONS_DIR = Path(__file__).parent / "functions"


def make_function(handler: str, *, name: str | None = None, timeout: int = 3, **kwargs) -> Function:
    """A Function model whose code is tests/functional/functions."""
    name = name or handler.replace(".", "_")
    return Function(
        logical_id=name,
        name=name,
        arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        handler=handler,
        runtime="python3.12",
        code_dir=FUNCTIONS_DIR,
        timeout=timeout,
        **kwargs,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path
