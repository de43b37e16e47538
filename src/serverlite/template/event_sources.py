"""`AWS::Lambda::EventSourceMapping` -> `EventSourceMapping` (SAM `Events` of type `DynamoDB` expand to it).

Properties and defaults for DynamoDB streams:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html
(BatchSize default 100, MaximumRetryAttempts default -1 = until the record expires,
MaximumBatchingWindowInSeconds default 0, Enabled default true). Mappings of other sources (SQS,
Kinesis, ...) are kept in the model; `serverlite start` runs only DynamoDB stream ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.model import EventSourceMapping
from serverlite.template.physical import short_id
from serverlite.template.properties import flag, integer
from serverlite.template.stack import ResolvedResource

__all__ = ["build_event_source_mapping", "function_for"]


def build_event_source_mapping(
    context: BuildContext, resource: ResolvedResource
) -> tuple[EventSourceMapping, ...]:
    """The mapping (none when its function is not one of the template's).

    Raises:
        TemplateError: missing FunctionName or EventSourceArn, bad numbers or filters.
    """
    properties = resource.properties
    if "FunctionName" not in properties or "EventSourceArn" not in properties:
        raise TemplateError("FunctionName and EventSourceArn are required")
    function = function_for(context, str(properties["FunctionName"]))
    if function is None:
        return ()
    window = properties.get("MaximumBatchingWindowInSeconds", 0)
    mapping = EventSourceMapping(
        logical_id=resource.logical_id,
        id=_uuid(resource.logical_id),
        function=function,
        event_source_arn=str(properties["EventSourceArn"]),
        starting_position=str(properties.get("StartingPosition", "LATEST")),
        batch_size=integer(properties, "BatchSize", 100),
        maximum_batching_window_seconds=float(str(window)),
        maximum_retry_attempts=integer(properties, "MaximumRetryAttempts", -1),
        bisect_batch_on_function_error=flag(properties.get("BisectBatchOnFunctionError", False)),
        filter_patterns=_patterns(properties.get("FilterCriteria")),
        enabled=flag(properties.get("Enabled", True)),
    )
    return (mapping,)


def function_for(context: BuildContext, reference: str) -> str | None:
    """The logical id of the function a name, ARN or partial ARN (`name:alias`) refers to."""
    for resource in context.of_type("AWS::Lambda::Function"):
        name = str(context.stack.ref(resource.logical_id))
        arn = str(context.stack.get_att(resource.logical_id, "Arn"))
        if reference in (name, arn) or reference.startswith((f"{arn}:", f"{name}:")):
            return resource.logical_id
    return None


def _uuid(logical_id: str) -> str:
    """A mapping's UUID (what `Ref` returns on AWS), stable across restarts."""
    digits = "".join(f"{ord(c) % 16:x}" for c in short_id(f"esm:{logical_id}", 32))
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:32]}"


def _patterns(criteria: Mapping[str, Any] | None) -> tuple[str, ...]:
    if not criteria:
        return ()
    filters = criteria.get("Filters") or []
    if not isinstance(filters, list) or len(filters) > 5:
        raise TemplateError("FilterCriteria.Filters must be a list of at most 5 filters")
    return tuple(str(item.get("Pattern", "{}")) for item in filters)
