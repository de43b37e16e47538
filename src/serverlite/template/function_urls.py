"""`AWS::Lambda::Url` (what SAM's `FunctionUrlConfig` expands to) -> `FunctionUrl`.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-url.html
"""

from __future__ import annotations

from serverlite.template import physical
from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.http_apis import cors_configuration
from serverlite.template.model import FunctionUrl
from serverlite.template.stack import ResolvedResource

__all__ = ["build_function_url"]


def build_function_url(context: BuildContext, resource: ResolvedResource) -> FunctionUrl:
    """The URL of one function of the template.

    Raises:
        TemplateError: `TargetFunctionArn` names no function of the template.
    """
    properties = resource.properties
    target = str(properties.get("TargetFunctionArn", ""))
    if not target.startswith("arn:"):
        target = f"arn:aws:lambda:{context.stack.region}:{context.stack.account_id}:function:{target}"
    function = context.function_for_target(target)
    if function is None:
        raise TemplateError(f"TargetFunctionArn {target!r} names no function of this template")
    return FunctionUrl(
        logical_id=resource.logical_id,
        function=function,
        url_id=physical.function_url_id(resource.logical_id),
        auth_type=str(properties.get("AuthType", "NONE")).upper(),
        cors=cors_configuration(properties.get("Cors")),
        invoke_mode=str(properties.get("InvokeMode", "BUFFERED")).upper(),
    )
