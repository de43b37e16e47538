"""Token buckets and quota periods with a pinned clock.

Token bucket: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
Quota offsets (WEEK 0 = Sunday, 1 = Monday; MONTH offset = day of month from 0):
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigateway-usageplan-quotasettings.html
"""

import datetime

from serverlite.gateway.throttling import QuotaCounters, TokenBuckets, limits, period_start
from serverlite.template.model import Quota, Throttle


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _epoch(text: str) -> float:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC).timestamp()


def test_bucket_starts_full_and_refills_at_the_rate():
    clock = Clock(1000.0)
    buckets = TokenBuckets(clock)
    assert [buckets.take("k", 2.0, 3) for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token back at 2 rps
    assert [buckets.take("k", 2.0, 3) for _ in range(2)] == [True, False]
    clock.now += 100  # never more than the burst
    assert sum(buckets.take("k", 2.0, 3) for _ in range(5)) == 3
    assert buckets.take("other", 2.0, 3)


def test_zero_burst_refuses_everything():
    assert not TokenBuckets(Clock(0)).take("k", 100.0, 0)


def test_unset_limits_are_the_account_defaults():
    assert limits(Throttle()) == (10000.0, 5000)
    assert limits(Throttle(rate_limit=5)) == (5.0, 5000)


def test_quota_counts_per_period():
    clock = Clock(_epoch("2026-03-04T23:59:00"))
    quotas = QuotaCounters(clock)
    quota = Quota(limit=2, period="DAY")
    assert [quotas.take("k", quota) for _ in range(3)] == [True, True, False]
    clock.now = _epoch("2026-03-05T00:00:01")
    assert quotas.take("k", quota)


def test_period_starts():
    wednesday = _epoch("2026-03-04T12:00:00")
    assert period_start(Quota(1, "DAY"), wednesday) == datetime.date(2026, 3, 4)
    assert period_start(Quota(1, "WEEK"), wednesday) == datetime.date(2026, 3, 1)  # Sunday
    assert period_start(Quota(1, "WEEK", offset=1), wednesday) == datetime.date(2026, 3, 2)  # Monday
    assert period_start(Quota(1, "MONTH"), wednesday) == datetime.date(2026, 3, 1)
    assert period_start(Quota(1, "MONTH", offset=9), wednesday) == datetime.date(2026, 2, 10)
    assert period_start(Quota(1, "MONTH", offset=30), _epoch("2026-03-15T00:00:00")) == datetime.date(
        2026, 2, 28
    )
