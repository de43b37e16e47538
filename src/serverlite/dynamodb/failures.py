"""Where an answer of 500 is logged: its traceback on stderr, and in the file that
``SERVERLITE_DYNAMODB_500_LOG`` names, when set.

A 500 is always a bug of ours (rule 4 of the project: bad input gets an AWS-shaped error). The test
suite sets the variable (tests/server_errors.py) for every server its tests start, in process or as a
child of `serverlite start`, and fails any test during which a 500 was logged.
"""

from __future__ import annotations

import os
import sys
import traceback

__all__ = ["LOG_VARIABLE", "log_internal_error"]

LOG_VARIABLE = "SERVERLITE_DYNAMODB_500_LOG"


def log_internal_error(error: BaseException) -> None:
    """Print the traceback of an error answered with a 500, and append it to the 500 log."""
    text = "".join(traceback.format_exception(error))
    print(text, end="", file=sys.stderr, flush=True)
    path = os.environ.get(LOG_VARIABLE)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"--- pid {os.getpid()}: a DynamoDB request was answered 500\n{text}")
    except OSError as failure:  # the log is for tests; it must never break an answer
        print(f"cannot write {path}: {failure}", file=sys.stderr, flush=True)
