"""Schedules: `rate(...)`, `cron(...)` and `at(...)` expressions invoking functions, as EventBridge does.

Expressions (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html,
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):

* ``rate(VALUE UNIT)``: UNIT is minute(s), hour(s) or day(s), singular exactly when VALUE is 1;
  the first run is one period after the schedule starts.
* ``cron(Minutes Hours Day-of-month Month Day-of-week Year)``: six fields; one of day-of-month and
  day-of-week must be ``?``; ``, - * /`` everywhere, ``L`` (last day) and ``W`` (nearest weekday)
  in day-of-month, ``L`` and ``#`` in day-of-week; months JAN-DEC or 1-12, days SUN-SAT or 1-7
  (1 = Sunday). Times are UTC, or the Scheduler's ScheduleExpressionTimezone.
* ``at(yyyy-mm-ddThh:mm:ss)``: one run (EventBridge Scheduler only).

Each run invokes the function with the target's constant `Input`, or with the scheduled event
``{"version": "0", "id", "detail-type": "Scheduled Event", "source": "aws.events", "account", "time",
"region", "resources": [rule ARN], "detail": {}}``
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html).
"""

from __future__ import annotations

import asyncio
import calendar
import datetime
import json
import re
import sys
import time
import typing as t
import uuid
import zoneinfo

from serverlite.runtime.invoker import Invoker
from serverlite.template.model import ScheduleRule

__all__ = ["Schedule", "ScheduleError", "Schedules", "next_run", "scheduled_event"]

_UTC = datetime.UTC
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_AT = re.compile(r"^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {name: number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS = {name.upper(): number for name, number in _MONTHS.items()}
_DAYS = {
    name: number for number, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)
}
_SEARCH_DAYS = 366 * 5


class ScheduleError(ValueError):
    """An expression EventBridge would reject."""


class _Cron:
    """A parsed six-field cron expression."""

    def __init__(self, fields: str) -> None:
        parts = fields.split()
        if len(parts) != 6:
            raise ScheduleError(
                f"cron needs 6 fields (minutes hours day-of-month month day-of-week year): {fields}"
            )
        minutes, hours, self.day_of_month, month, self.day_of_week, year = parts
        if (self.day_of_month == "?") == (self.day_of_week == "?"):
            raise ScheduleError("cron: exactly one of day-of-month and day-of-week must be '?'")
        self.minutes = _values(minutes, 0, 59, {})
        self.hours = _values(hours, 0, 23, {})
        self.months = _values(month, 1, 12, _MONTHS)
        self.years = _values(year, 1970, 2199, {})

    def day_matches(self, day: datetime.date) -> bool:
        """Whether the month, year and day fields allow this date."""
        if day.month not in self.months or day.year not in self.years:
            return False
        if self.day_of_month != "?":
            return _day_of_month_matches(self.day_of_month, day)
        return _day_of_week_matches(self.day_of_week, day)


def _values(field: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    """The numbers a field allows: `*`, `a`, `a-b`, `a/step`, `a-b/step`, `*/step`, comma-separated."""
    found: set[int] = set()
    for part in field.upper().split(","):
        spec, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if spec in ("*", "?"):
            start, end = low, high
        elif "-" in spec:
            first, last = spec.split("-", 1)
            start, end = _number(first, names), _number(last, names)
        else:
            start = _number(spec, names)
            end = high if step_text else start
        if not (low <= start <= high and low <= end <= high) or step < 1:
            raise ScheduleError(f"cron field {field!r} is out of range {low}-{high}")
        found.update(range(start, end + 1, step))
    return found


def _number(text: str, names: dict[str, int]) -> int:
    if text in names:
        return names[text]
    if not text.isdigit():
        raise ScheduleError(f"cron value {text!r} is not a number")
    return int(text)


def _day_of_month_matches(field: str, day: datetime.date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    for part in field.upper().split(","):
        if part == "L":
            if day.day == last:
                return True
        elif part.endswith("W"):
            if day == _nearest_weekday(day.replace(day=min(int(part[:-1]), last))):
                return True
        elif day.day in _values(part, 1, 31, {}):
            return True
    return False


def _nearest_weekday(target: datetime.date) -> datetime.date:
    """`15W`: the weekday closest to the 15th, without leaving the month."""
    weekday = target.weekday()  # Monday = 0
    if weekday == 5:
        return target - datetime.timedelta(days=1) if target.day > 1 else target + datetime.timedelta(days=2)
    if weekday == 6:
        last = calendar.monthrange(target.year, target.month)[1]
        return (
            target + datetime.timedelta(days=1) if target.day < last else target - datetime.timedelta(days=2)
        )
    return target


def _day_of_week_matches(field: str, day: datetime.date) -> bool:
    number = (day.weekday() + 1) % 7 + 1  # Sunday = 1 ... Saturday = 7
    for part in field.upper().split(","):
        if "#" in part:
            weekday, nth = part.split("#", 1)
            if number == _number(weekday, _DAYS) and (day.day - 1) // 7 + 1 == int(nth):
                return True
        elif part.endswith("L") and part != "L":
            last = calendar.monthrange(day.year, day.month)[1]
            if number == _number(part[:-1], _DAYS) and day.day + 7 > last:
                return True
        elif number in _values(part if part != "L" else "7", 1, 7, _DAYS):
            return True
    return False


def next_run(
    expression: str, after: datetime.datetime, started: datetime.datetime
) -> datetime.datetime | None:
    """The first run strictly after `after` (aware datetimes; None: no more runs).

    Raises:
        ScheduleError: the expression is not valid.
    """
    rate = _RATE.match(expression.strip())
    if rate is not None:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1 or (value == 1) != (not unit.endswith("s")):
            raise ScheduleError(f"{expression}: use the singular unit exactly when the value is 1")
        period = value * _UNITS[unit.rstrip("s")]
        elapsed = (after - started).total_seconds()
        return started + datetime.timedelta(seconds=period * (int(elapsed // period) + 1))
    at = _AT.match(expression.strip())
    if at is not None:
        moment = datetime.datetime.fromisoformat(at.group(1)).replace(tzinfo=after.tzinfo)
        return moment if moment > after else None
    cron = _CRON.match(expression.strip())
    if cron is None:
        raise ScheduleError(f"not a schedule expression: {expression!r}")
    return _next_cron(_Cron(cron.group(1)), after)


def _next_cron(cron: _Cron, after: datetime.datetime) -> datetime.datetime | None:
    day = after.date()
    for _ in range(_SEARCH_DAYS):
        if cron.day_matches(day):
            for hour in sorted(cron.hours):
                for minute in sorted(cron.minutes):
                    moment = datetime.datetime(
                        day.year, day.month, day.day, hour, minute, tzinfo=after.tzinfo
                    )
                    if moment > after:
                        return moment
        day += datetime.timedelta(days=1)
    return None


def scheduled_event(rule: ScheduleRule, when: datetime.datetime, region: str, account_id: str) -> bytes:
    """The event a run delivers: the target's Input, or EventBridge's scheduled event."""
    if rule.input is not None:
        return rule.input.encode()
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": when.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule.arn],
        "detail": {},
    }
    return json.dumps(event).encode()


class Schedule:
    """One rule's timer: sleeps until the next run, invokes (without waiting for the result), repeats."""

    def __init__(
        self,
        rule: ScheduleRule,
        invoker: Invoker,
        *,
        region: str,
        account_id: str,
        clock: t.Callable[[], float] = time.time,
    ) -> None:
        self.rule = rule
        self._invoker = invoker
        self._region = region
        self._account_id = account_id
        self._clock = clock
        self._zone = zoneinfo.ZoneInfo(rule.timezone) if rule.timezone != "UTC" else _UTC
        self._started = self._now()
        next_run(rule.expression, self._started, self._started)  # raises ScheduleError early
        self._runs: set[asyncio.Task[t.Any]] = set()

    def _now(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self._clock(), self._zone)

    async def run(self) -> None:
        """Fire at every run time until cancelled."""
        moment = self._started
        while True:
            upcoming = next_run(self.rule.expression, moment, self._started)
            if upcoming is None:
                return
            await asyncio.sleep(max((upcoming - self._now()).total_seconds(), 0.0))
            moment = upcoming
            event = scheduled_event(self.rule, upcoming, self._region, self._account_id)
            task = asyncio.ensure_future(self._invoke(event))
            self._runs.add(task)
            task.add_done_callback(self._runs.discard)

    async def _invoke(self, event: bytes) -> None:
        # EventBridge invokes asynchronously; a failed run is logged (Lambda would retry it twice).
        result = await self._invoker.invoke(self.rule.function, event)
        if result.failed:
            print(
                f"{self.rule.logical_id}: run failed: {result.error_type}: {result.error_message}",
                file=sys.stderr,
            )

    async def close(self) -> None:
        """Wait for runs in flight to be cancelled."""
        for task in list(self._runs):
            task.cancel()
        await asyncio.gather(*self._runs, return_exceptions=True)


class Schedules:
    """Every enabled schedule of an application."""

    def __init__(
        self, rules: t.Iterable[ScheduleRule], invoker: Invoker, *, region: str, account_id: str
    ) -> None:
        self.schedules = [
            Schedule(rule, invoker, region=region, account_id=account_id) for rule in rules if rule.enabled
        ]
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start every timer."""
        self._tasks = [asyncio.ensure_future(schedule.run()) for schedule in self.schedules]

    async def close(self) -> None:
        """Stop every timer and the runs in flight."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(schedule.close() for schedule in self.schedules), return_exceptions=True)
