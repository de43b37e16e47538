"""``--since`` parsing and the ``aws logs tail`` line format."""

from __future__ import annotations

import click
import pytest

from serverlite.logs.cli import format_event, parse_since
from serverlite.logs.reading import LogEvent

NOW = 1_764_151_872_534  # 2025-11-26T10:11:12.534Z


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", NOW - 30_000),
        ("10m", NOW - 600_000),
        ("2h", NOW - 7_200_000),
        ("1d", NOW - 86_400_000),
        ("1w", NOW - 604_800_000),
        ("2025-11-26T10:11:12.534Z", NOW),
        ("2025-11-26T10:11:12.534+00:00", NOW),
        ("2025-11-26T11:11:12.534+01:00", NOW),
        ("2025-11-26T10:11:12.534", NOW),
        ("2025-11-26", NOW - (10 * 3600 + 11 * 60 + 12) * 1000 - 534),
    ],
)
def test_parse_since(text: str, expected: int) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["5h30m", "ten minutes", "10 m", "-5m"])
def test_parse_since_rejects_other_text(text: str) -> None:
    with pytest.raises(click.BadParameter):
        parse_since(text, NOW)


def test_format_event_like_aws_logs_tail_detailed() -> None:
    event = LogEvent("2026/11/26/[$LATEST]abc", NOW, "START RequestId: r1 Version: $LATEST\n", 0, "1")
    assert format_event(event) == (
        "2025-11-26T10:11:12.534000+00:00 2026/11/26/[$LATEST]abc START RequestId: r1 Version: $LATEST"
    )
