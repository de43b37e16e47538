"""`AWS::ApiGateway::ApiKey`, `AWS::ApiGateway::UsagePlan` and `AWS::ApiGateway::UsagePlanKey` -> the model.

SAM's `Auth.ApiKeyRequired` + `Auth.UsagePlan` expand to these three resource types (aws-sam-translator).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from serverlite.template import physical
from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.model import ApiKey, Quota, Throttle, UsagePlan, UsagePlanStage
from serverlite.template.properties import flag, integer

__all__ = ["build_api_key", "build_usage_plan", "generated_key_value"]

_PERIODS = ("DAY", "WEEK", "MONTH")


def generated_key_value(logical_id: str) -> str:
    """A 40-character key value (AWS generates 40 characters) that stays the same across restarts."""
    return physical.short_id(f"apikey-value:{logical_id}", 40)


def build_api_key(context: BuildContext, resource: Any) -> ApiKey:
    """One key; see
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-apikey.html
    (`Enabled` defaults to false there; SAM writes `Enabled: true`).
    """
    properties = resource.properties
    value = str(properties.get("Value") or generated_key_value(resource.logical_id))
    if len(value) < 20:
        # CreateApiKey refuses shorter values: "API Key value should be at least 20 characters".
        raise TemplateError("Value must be at least 20 characters long")
    return ApiKey(
        logical_id=resource.logical_id,
        id=str(context.stack.ref(resource.logical_id)),
        value=value,
        name=str(properties.get("Name") or f"{context.stack.stack_name}-{resource.logical_id}"),
        enabled=flag(properties.get("Enabled", False)),
    )


def build_usage_plan(context: BuildContext, resource: Any) -> UsagePlan:
    """One plan with its stages, limits and keys; see
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-usageplan.html
    """
    properties = resource.properties
    plan_id = str(context.stack.ref(resource.logical_id))
    return UsagePlan(
        logical_id=resource.logical_id,
        id=plan_id,
        name=str(properties.get("UsagePlanName") or resource.logical_id),
        api_stages=tuple(_api_stage(stage) for stage in properties.get("ApiStages") or []),
        throttle=_throttle(properties.get("Throttle")),
        quota=_quota(properties.get("Quota")),
        key_ids=tuple(_plan_keys(context, plan_id)),
    )


def _api_stage(stage: Mapping[str, Any]) -> UsagePlanStage:
    if not stage.get("ApiId") or not stage.get("Stage"):
        raise TemplateError("ApiStages entries need ApiId and Stage")
    methods = stage.get("Throttle") or {}
    throttles = {str(key): _throttle(value) or Throttle() for key, value in methods.items()}
    return UsagePlanStage(api_id=str(stage["ApiId"]), stage=str(stage["Stage"]), throttle=throttles)


def _throttle(settings: Mapping[str, Any] | None) -> Throttle | None:
    if not settings:
        return None
    rate, burst = settings.get("RateLimit"), settings.get("BurstLimit")
    return Throttle(
        rate_limit=None if rate is None else float(str(rate)),
        burst_limit=None if burst is None else integer(settings, "BurstLimit", 0),
    )


def _quota(settings: Mapping[str, Any] | None) -> Quota | None:
    if not settings or settings.get("Limit") is None:
        return None
    period = str(settings.get("Period", "")).upper()
    if period not in _PERIODS:
        raise TemplateError(f"Quota.Period must be one of {', '.join(_PERIODS)}, not {period!r}")
    return Quota(
        limit=integer(settings, "Limit", 0),
        period=period,
        offset=integer(settings, "Offset", 0),
    )


def _plan_keys(context: BuildContext, plan_id: str) -> list[str]:
    """Key ids the plan's `AWS::ApiGateway::UsagePlanKey`s attach (KeyType API_KEY)."""
    return [
        str(link.properties.get("KeyId"))
        for link in context.of_type("AWS::ApiGateway::UsagePlanKey")
        if str(link.properties.get("UsagePlanId")) == plan_id
        and str(link.properties.get("KeyType", "API_KEY")) == "API_KEY"
    ]
