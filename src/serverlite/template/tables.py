"""`AWS::DynamoDB::Table` -> `Table` with its CreateTable request.

CloudFormation's properties are CreateTable's parameters except for a few renamed or extra ones:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from serverlite.template.context import BuildContext
from serverlite.template.model import Table
from serverlite.template.stack import ResolvedResource

__all__ = ["build_table"]


def build_table(context: BuildContext, resource: ResolvedResource) -> Table:
    """The table and the CreateTable request that makes it (CloudFormation-only keys dropped)."""
    name = str(context.stack.ref(resource.logical_id))
    request: dict[str, Any] = {"TableName": name}
    for key, value in resource.properties.items():
        if key in _CONVERT:
            request[key] = _CONVERT[key](value)
    request["TableName"] = name
    return Table(resource.logical_id, name, request, _time_to_live(resource.properties))


def _time_to_live(properties: Mapping[str, Any]) -> str | None:
    """CreateTable has no TTL: CloudFormation enables it with UpdateTimeToLive once the table exists."""
    specification = properties.get("TimeToLiveSpecification") or {}
    enabled = specification.get("Enabled")
    if enabled is True or str(enabled).lower() == "true":
        return str(specification["AttributeName"])
    return None


def _same(value: Any) -> Any:
    return value


def _numbers(value: Mapping[str, Any]) -> dict[str, int]:
    """ProvisionedThroughput / OnDemandThroughput / WarmThroughput: numbers, never strings."""
    return {key: int(str(number)) for key, number in value.items()}


def _index(index: Mapping[str, Any]) -> dict[str, Any]:
    """A secondary index; CloudFormation adds ContributorInsightsSpecification, which CreateTable lacks."""
    converted = {key: value for key, value in index.items() if key != "ContributorInsightsSpecification"}
    for key in ("ProvisionedThroughput", "OnDemandThroughput", "WarmThroughput"):
        if key in converted:
            converted[key] = _numbers(converted[key])
    return converted


def _indexes(value: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [_index(index) for index in value]


def _stream(value: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation enables the stream by naming a view type; CreateTable says so explicitly."""
    return {"StreamEnabled": True, "StreamViewType": value["StreamViewType"]}


def _sse(value: Mapping[str, Any]) -> dict[str, Any]:
    """`SSEEnabled` in CloudFormation is `Enabled` in CreateTable."""
    renamed = {"SSEEnabled": "Enabled"}
    return {renamed.get(key, key): item for key, item in value.items()}


_CONVERT: Mapping[str, Callable[[Any], Any]] = {
    "AttributeDefinitions": _same,
    "KeySchema": _same,
    "BillingMode": _same,
    "ProvisionedThroughput": _numbers,
    "OnDemandThroughput": _numbers,
    "WarmThroughput": _numbers,
    "GlobalSecondaryIndexes": _indexes,
    "LocalSecondaryIndexes": _indexes,
    "StreamSpecification": _stream,
    "SSESpecification": _sse,
    "TableClass": _same,
    "DeletionProtectionEnabled": _same,
    "Tags": _same,
}
