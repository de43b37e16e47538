"""An API's stages: `AWS::ApiGateway::Stage` resources and Deployments with a `StageName`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.intrinsics import text
from serverlite.template.model import AccessLogSetting, MethodSetting, Stage
from serverlite.template.properties import flag

__all__ = ["build_stages"]


def build_stages(context: BuildContext, api_id: str) -> dict[str, Stage]:
    """Stage name -> Stage; a Stage resource wins over a Deployment's stage of the same name."""
    stages: dict[str, Stage] = {}
    for deployment in context.of_type("AWS::ApiGateway::Deployment"):
        properties = deployment.properties
        if str(properties.get("RestApiId")) == api_id and properties.get("StageName"):
            stage = _deployment_stage(str(context.stack.ref(deployment.logical_id)), properties)
            stages[stage.name] = stage
    for resource in context.of_type("AWS::ApiGateway::Stage"):
        if str(resource.properties.get("RestApiId")) == api_id:
            try:
                stage = _stage(resource.properties)
            except TemplateError as error:
                raise error.in_resource(resource.logical_id) from None
            stages[stage.name] = stage
    return stages


def _stage(properties: Mapping[str, Any]) -> Stage:
    """One Stage resource; see
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-stage.html
    """
    if not properties.get("StageName"):
        raise TemplateError("StageName is required")
    return Stage(
        name=str(properties["StageName"]),
        deployment_id=str(properties.get("DeploymentId", "")),
        variables=_variables(properties),
        access_log=_access_log(properties.get("AccessLogSetting")),
        method_settings=tuple(_method_setting(setting) for setting in properties.get("MethodSettings") or []),
        tracing_enabled=flag(properties.get("TracingEnabled", False)),
    )


def _deployment_stage(deployment_id: str, properties: Mapping[str, Any]) -> Stage:
    """The stage a Deployment creates; `StageDescription` holds its settings, its top-level
    LoggingLevel/DataTraceEnabled/Metrics/Throttling keys apply to `/*` `*`."""
    description = properties.get("StageDescription") or {}
    defaults = [description] if set(description) & _SETTING_KEYS else []
    return Stage(
        name=str(properties["StageName"]),
        deployment_id=deployment_id,
        variables=_variables(description),
        access_log=_access_log(description.get("AccessLogSetting")),
        method_settings=tuple(map(_method_setting, [*defaults, *(description.get("MethodSettings") or [])])),
        tracing_enabled=flag(description.get("TracingEnabled", False)),
    )


def _variables(properties: Mapping[str, Any]) -> dict[str, str]:
    variables = properties.get("Variables") or {}
    return {str(name): text(value, f"stage variable {name}") for name, value in variables.items()}


def _access_log(setting: Mapping[str, Any] | None) -> AccessLogSetting | None:
    if not setting or not setting.get("DestinationArn"):
        return None
    return AccessLogSetting(str(setting["DestinationArn"]), str(setting.get("Format", "")))


_SETTING_KEYS = frozenset(
    ["LoggingLevel", "DataTraceEnabled", "MetricsEnabled", "ThrottlingBurstLimit", "ThrottlingRateLimit"]
)


def _method_setting(setting: Mapping[str, Any]) -> MethodSetting:
    """One MethodSettings entry; `/~1a~1b` is `/a/b` (a leading `/` then `~1`-escaped slashes)."""
    path = str(setting.get("ResourcePath", "/*"))
    path = (path[1:] if path.startswith("/~1") else path).replace("~1", "/")
    burst, rate = setting.get("ThrottlingBurstLimit"), setting.get("ThrottlingRateLimit")
    return MethodSetting(
        resource_path=path,
        http_method=str(setting.get("HttpMethod", "*")),
        logging_level=str(setting.get("LoggingLevel", "OFF")).upper(),
        data_trace_enabled=flag(setting.get("DataTraceEnabled")),
        metrics_enabled=flag(setting.get("MetricsEnabled")),
        throttling_burst_limit=None if burst is None else int(str(burst)),
        throttling_rate_limit=None if rate is None else float(str(rate)),
    )
