"""tests/server_errors.py can fail: a 500 injected into a DynamoDB server fails the test that got it.

An inner pytest run (a subprocess, so its 500 log is its own) uses the same check as this suite; one of
its tests makes an in-process server answer 500 (its database closed under it), one gets a 400, one
causes a 500 but carries the marker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

_INNER_TESTS = """
import pytest

from serverlite.dynamodb.protocol import DynamoDBServer
from serverlite.dynamodb.storage.database import open_database


def _server():
    return DynamoDBServer(open_database(None), region="us-east-1", account_id="123456789012")


def test_gets_a_500():
    server = _server()
    server.database.close()
    assert server.handle_sync("DynamoDB_20120810.ListTables", b"{}")[0] == 500


def test_gets_a_400():
    assert _server().handle_sync("DynamoDB_20120810.ListTables", b"[]")[0] == 400


@pytest.mark.dynamodb_500
def test_gets_a_500_on_purpose():
    server = _server()
    server.database.close()
    assert server.handle_sync("DynamoDB_20120810.ListTables", b"{}")[0] == 500
"""


def test_a_500_fails_the_test_that_got_it(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # the inner run is no xdist worker
    pytester.makeconftest(
        "from tests.conftest import (\n"
        "    _no_dynamodb_500, pytest_configure, pytest_sessionfinish, pytest_unconfigure\n"
        ")\n"
    )
    pytester.makepyfile(test_inner=_INNER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_gets_a_500*",
            "*a DynamoDB request was answered 500 during this test (*main.log):*",
            "*a DynamoDB request was answered 500",
            "Traceback (most recent call last):",
        ]
    )
