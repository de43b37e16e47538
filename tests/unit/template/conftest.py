"""Helpers for template tests: write a template (and a code folder) into tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """write(text, name="template.yaml") -> path; also creates tmp_path/src for CodeUri: src."""
    (tmp_path / "src").mkdir(exist_ok=True)

    def write_template(text: str, name: str = "template.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write_template
