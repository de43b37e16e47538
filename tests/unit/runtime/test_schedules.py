"""Schedule expressions and the scheduled event, with pinned times."""

from __future__ import annotations

import datetime
import json

import pytest

from serverlite.runtime.schedules import ScheduleError, next_run, scheduled_event
from serverlite.template.model import ScheduleRule

UTC = datetime.UTC


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_rate_counts_from_the_start():
    started = _at("2026-01-01T10:00:30")
    assert next_run("rate(5 minutes)", started, started) == _at("2026-01-01T10:05:30")
    assert next_run("rate(1 hour)", _at("2026-01-01T11:00:30"), started) == _at("2026-01-01T12:00:30")
    assert next_run("rate(2 days)", started, started) == _at("2026-01-03T10:00:30")


@pytest.mark.parametrize(
    "expression", ["rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(5 weeks)"]
)
def test_invalid_rates(expression):
    with pytest.raises(ScheduleError):
        next_run(expression, _at("2026-01-01T00:00:00"), _at("2026-01-01T00:00:00"))


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 10 * * ? *)", "2026-03-01T09:00:00", "2026-03-01T10:00:00"),  # every day at 10:00
        ("cron(0 10 * * ? *)", "2026-03-01T10:00:00", "2026-03-02T10:00:00"),
        ("cron(15 12 * * ? *)", "2026-03-01T13:00:00", "2026-03-02T12:15:00"),
        ("cron(0/15 * * * ? *)", "2026-03-01T10:07:00", "2026-03-01T10:15:00"),
        ("cron(0 18 ? * MON-FRI *)", "2026-03-06T19:00:00", "2026-03-09T18:00:00"),  # Friday -> Monday
        ("cron(0 8 1 * ? *)", "2026-03-01T09:00:00", "2026-04-01T08:00:00"),
        ("cron(0 0 L * ? *)", "2026-02-01T00:00:00", "2026-02-28T00:00:00"),
        ("cron(0 0 ? * 6L *)", "2026-03-01T00:00:00", "2026-03-27T00:00:00"),  # last Friday
        ("cron(0 0 ? * 2#1 *)", "2026-03-01T00:00:00", "2026-03-02T00:00:00"),  # first Monday
        ("cron(0 0 15W * ? *)", "2026-03-01T00:00:00", "2026-03-16T00:00:00"),  # 15th is a Sunday
        ("cron(0 12 ? JAN,JUL SUN 2027)", "2026-03-01T00:00:00", "2027-01-03T12:00:00"),
    ],
)
def test_cron(expression, after, expected):
    assert next_run(expression, _at(after), _at(after)) == _at(expected)


@pytest.mark.parametrize(
    "expression",
    ["cron(0 10 * * *)", "cron(0 10 * * * *)", "cron(0 10 ? * ? *)", "cron(61 * * * ? *)", "daily"],
)
def test_invalid_cron(expression):
    with pytest.raises(ScheduleError):
        next_run(expression, _at("2026-01-01T00:00:00"), _at("2026-01-01T00:00:00"))


def test_at_runs_once():
    assert next_run("at(2026-05-01T12:00:00)", _at("2026-04-01T00:00:00"), _at("2026-04-01T00:00:00")) == _at(
        "2026-05-01T12:00:00"
    )
    assert next_run("at(2026-05-01T12:00:00)", _at("2026-05-01T12:00:00"), _at("2026-04-01T00:00:00")) is None


def test_scheduled_event_shape_and_input():
    rule = ScheduleRule(
        "Nightly",
        "serverlite-Nightly",
        "arn:aws:events:us-east-1:123456789012:rule/serverlite-Nightly",
        "rate(1 day)",
        "Fn",
    )
    event = json.loads(scheduled_event(rule, _at("2026-01-02T03:04:05"), "us-east-1", "123456789012"))
    assert len(event.pop("id")) == 36
    assert event == {
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-01-02T03:04:05Z",
        "region": "us-east-1",
        "resources": [rule.arn],
        "detail": {},
    }
    constant = ScheduleRule("R", "R", "arn", "rate(1 day)", "Fn", input='{"k": 1}')
    assert scheduled_event(constant, _at("2026-01-02T03:04:05"), "us-east-1", "1") == b'{"k": 1}'
