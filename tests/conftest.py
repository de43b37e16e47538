"""Suite-wide guard: no process started by the suite outlives it.

The pytest process that owns the run (the xdist controller, or the only process without xdist) becomes a
child subreaper: every process a test starts, and everything those start, is its descendant even after
its own parent died. When the session ends (after xdist has stopped its workers), any descendant still
alive is a leak: it is named, killed, and the run fails.
"""

from __future__ import annotations

import os

import pytest

from tests.processes import become_subreaper, end_leftovers


def _owns_the_run(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    if _owns_the_run(config):
        become_subreaper()


@pytest.hookimpl(hookwrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int):
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
