"""`AWS::Events::Rule` (SAM `Schedule`) and `AWS::Scheduler::Schedule` (SAM `ScheduleV2`) -> `ScheduleRule`.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-scheduler-schedule.html
Only schedule expressions with Lambda function targets of this template are modelled; rules
matching event patterns are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from serverlite.template.context import BuildContext
from serverlite.template.event_sources import function_for
from serverlite.template.model import ScheduleRule
from serverlite.template.stack import ResolvedResource

__all__ = ["build_events_rule", "build_scheduler_schedule"]


def build_events_rule(context: BuildContext, resource: ResolvedResource) -> tuple[ScheduleRule, ...]:
    """One schedule per Lambda target of a rule with a ScheduleExpression."""
    properties = resource.properties
    expression = properties.get("ScheduleExpression")
    if not expression:
        return ()
    name = str(properties.get("Name") or context.stack.ref(resource.logical_id))
    stack = context.stack
    arn = f"arn:{stack.partition}:events:{stack.region}:{stack.account_id}:rule/{name}"
    enabled = str(properties.get("State", "ENABLED")).upper() == "ENABLED"
    rules = []
    for target in properties.get("Targets") or ():
        function = function_for(context, str(target.get("Arn", "")))
        if function is not None:
            rules.append(
                ScheduleRule(
                    resource.logical_id, name, arn, str(expression), function, _input(target), enabled
                )
            )
    return tuple(rules)


def build_scheduler_schedule(context: BuildContext, resource: ResolvedResource) -> tuple[ScheduleRule, ...]:
    """The schedule, when its target is one of the template's functions."""
    properties = resource.properties
    target = properties.get("Target") or {}
    function = function_for(context, str(target.get("Arn", "")))
    if function is None or not properties.get("ScheduleExpression"):
        return ()
    name = str(properties.get("Name") or context.stack.ref(resource.logical_id))
    group = str(properties.get("GroupName", "default"))
    stack = context.stack
    arn = f"arn:{stack.partition}:scheduler:{stack.region}:{stack.account_id}:schedule/{group}/{name}"
    rule = ScheduleRule(
        logical_id=resource.logical_id,
        name=name,
        arn=arn,
        expression=str(properties["ScheduleExpression"]),
        function=function,
        input=_input(target),
        enabled=str(properties.get("State", "ENABLED")).upper() == "ENABLED",
        timezone=str(properties.get("ScheduleExpressionTimezone", "UTC")),
    )
    return (rule,)


def _input(target: Mapping[str, Any]) -> str | None:
    value = target.get("Input")
    return None if value is None else str(value)
