"""Execution log lines, as API Gateway writes them (CloudWatch `API-Gateway-Execution-Logs_<apiId>/<stage>`
and the console's method Test panel).

The sequence and wording follow reference apigateway-lambda.md 5.3 (real log captures): maps print in
Java's `{k=v, k2=v2}` form, secrets are masked, and one event holds at most 1024 bytes with longer ones
ending in ` [TRUNCATED]` (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["ExecutionLog", "java_map", "test_invoke_time"]

MAX_EVENT_BYTES = 1024
_TRUNCATED = " [TRUNCATED]"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def java_map(pairs: Mapping[str, object] | Iterable[tuple[str, object]]) -> str:
    """`{k=v, k2=v2}`, the way API Gateway (Java) prints a map."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return "{" + ", ".join(f"{key}={value}" for key, value in items) + "}"


def test_invoke_time(epoch_seconds: float) -> str:
    """Java's `Date.toString()` in UTC, e.g. `Thu Aug 31 01:07:25 UTC 2017` (console Test log prefix)."""
    tm = time.gmtime(epoch_seconds)
    clock = f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}"
    return f"{_DAYS[tm.tm_wday]} {_MONTHS[tm.tm_mon - 1]} {tm.tm_mday:02d} {clock} UTC {tm.tm_year}"


@dataclass
class ExecutionLog:
    """The execution log of one request: (epoch ms, message) events in order."""

    request_id: str
    data_trace: bool = True
    errors_only: bool = False  # LoggingLevel ERROR: only the lines that report a failure
    clock: Callable[[], float] = time.time
    events: list[tuple[int, str]] = field(default_factory=list)

    def add(self, message: str, *, error: bool = False) -> None:
        """Record one event, truncated to 1024 bytes as CloudWatch receives it."""
        if self.errors_only and not error:
            return
        encoded = message.encode("utf-8")
        if len(encoded) > MAX_EVENT_BYTES:
            message = encoded[:MAX_EVENT_BYTES].decode("utf-8", errors="ignore") + _TRUNCATED
        self.events.append((int(self.clock() * 1000), message))

    def data(self, message: str) -> None:
        """Record an event that carries request or response data (only with DataTraceEnabled)."""
        if self.data_trace:
            self.add(message)

    def cloudwatch_lines(self) -> list[str]:
        """`(<requestId>) <message>`, the form of the execution log group."""
        return [f"({self.request_id}) {message}" for _, message in self.events]

    def test_invoke_lines(self) -> list[str]:
        """The console Test panel's log: a header line, then `<Java date> : <message>`."""
        lines = [f"Execution log for request {self.request_id}"]
        lines += [f"{test_invoke_time(ms / 1000)} : {message}" for ms, message in self.events]
        return lines
