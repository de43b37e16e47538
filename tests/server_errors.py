"""The suite's check that no DynamoDB request of any test was answered 500.

Every DynamoDB server appends the traceback of each 500 it answers to the file that
``SERVERLITE_DYNAMODB_500_LOG`` names (serverlite/dynamodb/failures.py). Each pytest process (each
xdist worker) points the variable at a file of its own before any test runs, so every server its
tests start inherits it: in process, as a `serverlite dynamodb` child, or under `serverlite start`.
After each test, whatever the log gained is that test's: the test errors with the tracebacks.
A test that causes 500s on purpose (a failed COMMIT, a full disk) says so with
``@pytest.mark.dynamodb_500``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from serverlite.dynamodb.failures import LOG_VARIABLE

__all__ = ["MARKER", "FiveHundredLog", "configure", "no_dynamodb_500", "session_finish", "unconfigure"]

MARKER = "dynamodb_500"
_LOG = pytest.StashKey["FiveHundredLog"]()


class FiveHundredLog:
    """The 500 log of this pytest process, read from where the last look stopped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen = 0

    def news(self) -> str:
        """What the servers logged since the last call."""
        try:
            with self.path.open("rb") as log:
                log.seek(self.seen)
                data = log.read()
        except FileNotFoundError:
            return ""
        self.seen += len(data)
        return data.decode("utf-8", "replace")


def configure(config: pytest.Config) -> None:
    """Register the marker and point every server this process starts at a fresh log."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}: the test makes a DynamoDB server answer 500 on purpose (tests/server_errors.py)",
    )
    directory = Path(tempfile.mkdtemp(prefix="serverlite-500s-"))
    path = directory / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
    os.environ[LOG_VARIABLE] = str(path)
    config.stash[_LOG] = FiveHundredLog(path)


def unconfigure(config: pytest.Config) -> None:
    """Remove the log, unless it holds 500s (then its path was reported)."""
    log = config.stash.get(_LOG, None)
    if log is not None and not log.news() and log.seen == 0:
        shutil.rmtree(log.path.parent, ignore_errors=True)


def no_dynamodb_500(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test (at teardown) when a DynamoDB server answered 500 while it ran."""
    log = request.config.stash[_LOG]
    allowed = request.node.get_closest_marker(MARKER) is not None
    _fail_on(log.news(), "before this test (a fixture's setup or teardown)", log, allowed=False)
    yield
    _fail_on(log.news(), "during this test", log, allowed=allowed)


def session_finish(session: pytest.Session) -> None:
    """A 500 logged after the last test (a fixture's teardown) still fails the run."""
    log = session.config.stash.get(_LOG, None)
    found = log.news() if log is not None else ""
    if found and log is not None:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"a DynamoDB request was answered 500 after the last test ({log.path}):\n{found}"
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _fail_on(found: str, when: str, log: FiveHundredLog, *, allowed: bool) -> None:
    if found and not allowed:
        pytest.fail(f"a DynamoDB request was answered 500 {when} ({log.path}):\n{found}", pytrace=False)
