"""An HTTP API's stages (`AWS::ApiGatewayV2::Stage`): variables, access logs, route throttling.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-stage.html
Every stage serves the template's routes: locally there is nothing to deploy, so `AutoDeploy` and
`AWS::ApiGatewayV2::Deployment` change nothing (a stage without AutoDeploy serves its last deployment on
AWS, which after `sam deploy` is the template's).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.intrinsics import text
from serverlite.template.model import AccessLogSetting, HttpStage, Throttle
from serverlite.template.properties import flag

__all__ = ["build_http_stages", "quick_create_stage"]


def build_http_stages(context: BuildContext, api_id: str) -> dict[str, HttpStage]:
    """Stage name -> stage, for this API's Stage resources."""
    stages: dict[str, HttpStage] = {}
    for resource in context.of_type("AWS::ApiGatewayV2::Stage"):
        if str(resource.properties.get("ApiId")) != api_id:
            continue
        try:
            stage = _stage(resource.properties)
        except TemplateError as error:
            raise error.in_resource(resource.logical_id) from None
        stages[stage.name] = stage
    return stages


def quick_create_stage() -> HttpStage:
    """The `$default` stage a quick-create API (`Target`) gets, deployed automatically."""
    return HttpStage(name="$default", auto_deploy=True)


def _stage(properties: Mapping[str, Any]) -> HttpStage:
    if not properties.get("StageName"):
        raise TemplateError("StageName is required")
    variables = properties.get("StageVariables") or {}
    setting = properties.get("AccessLogSettings") or {}
    return HttpStage(
        name=str(properties["StageName"]),
        variables={str(name): text(value, f"stage variable {name}") for name, value in variables.items()},
        access_log=(
            AccessLogSetting(str(setting["DestinationArn"]), str(setting.get("Format", "")))
            if setting.get("DestinationArn")
            else None
        ),
        default_throttle=_throttle(properties.get("DefaultRouteSettings")),
        route_throttles={
            str(key): throttle
            for key, value in (properties.get("RouteSettings") or {}).items()
            if (throttle := _throttle(value)) is not None
        },
        auto_deploy=flag(properties.get("AutoDeploy")),
    )


def _throttle(settings: Any) -> Throttle | None:
    """`ThrottlingRateLimit` / `ThrottlingBurstLimit` of route settings; None when neither is set."""
    if not isinstance(settings, Mapping):
        return None
    rate, burst = settings.get("ThrottlingRateLimit"), settings.get("ThrottlingBurstLimit")
    if rate is None and burst is None:
        return None
    return Throttle(
        rate_limit=None if rate is None else float(str(rate)),
        burst_limit=None if burst is None else int(str(burst)),
    )
