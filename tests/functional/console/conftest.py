"""A console over the Music API's stack, one per test module."""

from __future__ import annotations

import pytest

from .stack import ConsoleStack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = ConsoleStack(tmp_path_factory.mktemp("console") / "data").start()
    yield running
    running.stop()
