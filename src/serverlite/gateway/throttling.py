"""Request rate limits: token buckets (throttling) and per-period counters (usage plan quotas).

API Gateway throttles with the token bucket algorithm: the burst limit is the bucket's size, the rate
limit the tokens added per second; a request takes one token or gets 429
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
A limit left unset falls back to the account default of 10,000 rps with a 5,000-request burst (reference 4.4).
Quota periods are UTC days, weeks and months; `offset` moves the start: with WEEK, 0 starts on Sunday
and 1 on Monday; with MONTH, the offset is the day of the month (0 = the 1st)
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigateway-usageplan-quotasettings.html).
The clock is injected (epoch seconds), so tests can pin time.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from serverlite.template.model import Quota, Throttle

__all__ = ["ACCOUNT_BURST", "ACCOUNT_RATE", "QuotaCounters", "TokenBuckets", "limits"]

ACCOUNT_RATE = 10000.0
ACCOUNT_BURST = 5000

Clock = Callable[[], float]


def limits(throttle: Throttle) -> tuple[float, int]:
    """(rate, burst) with the account defaults for what is unset."""
    rate = ACCOUNT_RATE if throttle.rate_limit is None else throttle.rate_limit
    burst = ACCOUNT_BURST if throttle.burst_limit is None else throttle.burst_limit
    return rate, burst


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One token bucket per key, created full on first use."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._buckets: dict[Hashable, _Bucket] = {}

    def take(self, key: Hashable, rate: float, burst: int) -> bool:
        """Take one token from `key`'s bucket; False when it is empty."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(burst), now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(float(burst), bucket.tokens + elapsed * rate)
        bucket.updated = now
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True


class QuotaCounters:
    """Requests counted per key within the current quota period."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._counts: dict[Hashable, tuple[datetime.date, int]] = {}

    def take(self, key: Hashable, quota: Quota) -> bool:
        """Count one request; False (and not counted) once the period's limit is reached."""
        start = period_start(quota, self._clock())
        period, used = self._counts.get(key, (start, 0))
        if period != start:
            used = 0
        if used >= quota.limit:
            return False
        self._counts[key] = (start, used + 1)
        return True


def period_start(quota: Quota, now: float) -> datetime.date:
    """The first day (UTC) of the quota period holding `now`."""
    today = datetime.datetime.fromtimestamp(now, datetime.UTC).date()
    if quota.period == "WEEK":
        # date.weekday(): Monday 0 ... Sunday 6; the week with offset 0 starts on Sunday.
        days_since_start = (today.weekday() + 1 - quota.offset) % 7
        return today - datetime.timedelta(days=days_since_start)
    if quota.period == "MONTH":
        day = quota.offset + 1
        if today.day >= day:
            return today.replace(day=day)
        previous = today.replace(day=1) - datetime.timedelta(days=1)
        return previous.replace(day=min(day, previous.day))
    return today
