"""API keys and usage plans: which key may call which stage, and how often (reference 4.3 and 4.4).

A method with `ApiKeyRequired` needs a key (the `x-api-key` header, or a Lambda authorizer's
`usageIdentifierKey` when the API's key source is AUTHORIZER) that exists, is enabled and belongs to a usage
plan listing this API stage; otherwise 403 Forbidden. The plan's throttle (its per-method throttle first)
and its quota then apply per key. Execution log wording: reference 5.3, 4.4 (K4) and captures in the code
index (29341295643 "not associated with a Usage Plan", 43534634764 "exceeded quota limit").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from serverlite.gateway.errors import InvalidApiKey, QuotaExceeded, Throttled
from serverlite.gateway.execution_log import ExecutionLog
from serverlite.gateway.router import RouteMatch
from serverlite.gateway.throttling import Clock, QuotaCounters, TokenBuckets, limits
from serverlite.template.model import ApiKey, UsagePlan, UsagePlanStage

__all__ = ["UsagePlans", "log_key_not_required", "mask_key"]


def mask_key(value: str | None) -> str:
    """A key as execution logs print it: all but its last 6 characters as `*` (e.g. `**********F0yrv6`)."""
    if not value:
        return ""
    return "*" * max(0, len(value) - 6) + value[-6:]


def log_key_not_required(log: ExecutionLog, match: RouteMatch, request_id: str) -> None:
    """The usage-plan lines of a method without `ApiKeyRequired` (reference 5.3, note the double space)."""
    stage = f"{match.api.id}/{match.stage.name}"
    log.add(f"Verifying Usage Plan for request: {request_id}. API Key:  API Stage: {stage}")
    method = f"{match.method.http_method} {match.resource.path}"
    log.add(
        f"API Key  authorized because method '{method}' does not require API Key. "
        "Request will not contribute to throttle or quota limits"
    )
    log.add(f"Usage Plan check succeeded for API Key  and API Stage {stage}")


@dataclass(frozen=True)
class _Subscription:
    plan: UsagePlan
    stage: UsagePlanStage


class UsagePlans:
    """Keys by value and plans by API stage, built once; counters live as long as the gateway."""

    def __init__(self, plans: Sequence[UsagePlan], keys: Sequence[ApiKey], clock: Clock) -> None:
        self._keys = {key.value: key for key in keys}
        self._subscriptions: dict[tuple[str, str, str], _Subscription] = {}
        for plan in plans:
            for stage in plan.api_stages:
                for key_id in plan.key_ids:
                    self._subscriptions.setdefault(
                        (stage.api_id, stage.stage, key_id), _Subscription(plan, stage)
                    )
        self._buckets = TokenBuckets(clock)
        self._quotas = QuotaCounters(clock)

    def check(
        self, match: RouteMatch, value: str | None, request_id: str, log: ExecutionLog | None
    ) -> ApiKey:
        """The key the request may use; raises InvalidApiKey, Throttled or QuotaExceeded."""
        stage = f"{match.api.id}/{match.stage.name}"
        masked = mask_key(value)
        if log is not None:
            log.add(f"Verifying Usage Plan for request: {request_id}. API Key: {masked} API Stage: {stage}")
        key = self._keys.get(value or "")
        subscription = None
        if key is not None and key.enabled:
            subscription = self._subscriptions.get((match.api.id, match.stage.name, key.id))
        if key is None or subscription is None:
            if log is not None:
                log.add(
                    f"API Key {masked} not authorized because method '{match.method.http_method} "
                    f"{match.resource.path}' requires API Key and API Key is not associated with a Usage "
                    f"Plan for API Stage {stage}: No Usage Plan found for key and API Stage",
                    error=True,
                )
            raise InvalidApiKey(f"API key {masked or '(none)'} not valid for {stage}")
        self._limit(match, key, subscription, masked, log)
        if log is not None:
            log.add(f"Usage Plan check succeeded for API Key {masked} and API Stage {stage}")
        return key

    def _limit(
        self,
        match: RouteMatch,
        key: ApiKey,
        subscription: _Subscription,
        masked: str,
        log: ExecutionLog | None,
    ) -> None:
        plan, stage = subscription.plan, f"{match.api.id}/{match.stage.name}"
        method_key = f"{match.resource.path.rstrip('/') or ''}/{match.method.http_method}"
        throttle = subscription.stage.throttle.get(method_key) or plan.throttle
        if throttle is not None:
            rate, burst = limits(throttle)
            # A plan throttle counts a key's requests across the plan; a method throttle, that method's.
            per_method = method_key in subscription.stage.throttle
            bucket = (
                (plan.id, key.id, match.api.id, match.stage.name, method_key)
                if per_method
                else (plan.id, key.id)
            )
            if not self._buckets.take(bucket, rate, burst):
                if log is not None:
                    log.add(
                        f"API Key {masked} exceeded throttle limit for API Stage {stage}: Key throttle limit "
                        f"exceeded for Usage Plan ID {plan.id}, RestApi {match.api.id}, Stage "
                        f"{match.stage.name}, Resource {match.resource.path}, HttpMethod "
                        f"{match.method.http_method}. Limit: {rate:.2f} Burst: {burst}",
                        error=True,
                    )
                raise Throttled(f"usage plan {plan.id} throttled key {key.id}")
        if plan.quota is not None and not self._quotas.take((plan.id, key.id), plan.quota):
            if log is not None:
                log.add(
                    f"API Key {masked} exceeded quota limit for API Stage {stage}: Key quota exhausted for "
                    f"Usage Plan ID {plan.id}. Limit: {plan.quota.limit} Period: {plan.quota.period}",
                    error=True,
                )
            raise QuotaExceeded(f"usage plan {plan.id} quota used up by key {key.id}")
