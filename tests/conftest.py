"""Suite-wide guards.

1. No process started by the suite outlives it. The pytest process that owns the run (the xdist
   controller, or the only process without xdist) becomes a child subreaper: every process a test starts,
   and everything those start, is its descendant even after its own parent died. When the session ends
   (after xdist has stopped its workers), any descendant still alive is a leak: it is named, killed, and
   the run fails.
2. No DynamoDB request of any test may be answered 500 (tests/server_errors.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests import server_errors
from tests.processes import become_subreaper, end_leftovers

pytest_plugins = ["pytester"]


def _owns_the_run(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    server_errors.configure(config)
    if _owns_the_run(config):
        become_subreaper()


def pytest_unconfigure(config: pytest.Config) -> None:
    server_errors.unconfigure(config)


@pytest.hookimpl(hookwrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int):
    server_errors.session_finish(session)
    yield  # every other sessionfinish has run: xdist's workers are down, fixtures torn down
    if not _owns_the_run(session.config):
        return
    # Processes ending at the same moment as the run get a grace period to finish (seconds).
    leaked = end_leftovers(float(os.environ.get("SERVERLITE_TESTS_EXIT_GRACE", "10")))
    if leaked:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        write = reporter.write_line if reporter is not None else print
        write("")
        write(
            f"ERROR: {len(leaked)} process(es) started by the suite were still running at its end (killed):"
        )
        for line in leaked:
            write(f"  {line}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _no_dynamodb_500(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test: no DynamoDB server answered 500 while it ran."""
    yield from server_errors.no_dynamodb_500(request)
