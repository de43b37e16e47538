"""What `Ref` and `Fn::GetAtt` return for each resource type: deterministic local names, ids and ARNs.

See the "Return values" section of each resource type's page, e.g.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from serverlite.template.errors import TemplateError

__all__ = ["Names", "attribute", "function_url_id", "reference", "resource_id", "short_id"]

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_STREAM_LABEL = "1970-01-01T00:00:00.000"


class Names(Protocol):
    """The stack facts physical names derive from."""

    region: str
    account_id: str
    partition: str
    stack_name: str
    paths_by_id: dict[str, tuple[str, str]]

    def ref(self, name: str) -> Any:
        """`Ref name`."""

    def property(self, logical_id: str, key: str) -> Any:
        """One resolved property of a resource, or None."""


def short_id(seed: str, length: int) -> str:
    """`length` lower-case alphanumeric characters derived from `seed`: stable across restarts."""
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
    digits = []
    for _ in range(length):
        number, digit = divmod(number, len(_ALPHABET))
        digits.append(_ALPHABET[digit])
    return "".join(digits)


def resource_id(names: Names, api_id: str, path: str) -> str:
    """The id of the API Gateway resource at `path`, remembered so children can find their parent's path."""
    node_id = short_id(f"{api_id}{path}", 6)
    names.paths_by_id[node_id] = (api_id, path)
    return node_id


def reference(names: Names, logical_id: str, resource_type: str) -> Any:
    """What `Ref logical_id` returns."""
    return _REFS.get(resource_type, _logical)(names, logical_id)


def attribute(names: Names, logical_id: str, resource_type: str, name: str) -> Any:
    """What `Fn::GetAtt logical_id.name` returns.

    Raises:
        TemplateError: a known resource type without that attribute.
    """
    known = _ATTRIBUTES.get(resource_type)
    if known is None:
        return _generic_attribute(names, logical_id, resource_type, name)
    if name not in known:
        raise TemplateError(f"Fn::GetAtt: {resource_type} '{logical_id}' has no attribute '{name}'")
    return known[name](names, logical_id)


def _named(key: str, default: Callable[[Names, str], str]) -> Callable[[Names, str], str]:
    """Ref returning the `key` property, else a default name."""

    def name(names: Names, logical_id: str) -> str:
        value = names.property(logical_id, key)
        return str(value) if value not in (None, "") else default(names, logical_id)

    return name


def _logical(names: Names, logical_id: str) -> str:
    return logical_id


def _stack_prefixed(names: Names, logical_id: str) -> str:
    return f"{names.stack_name}-{logical_id}"


def _arn(names: Names, service: str, resource: str, *, regional: bool = True) -> str:
    region = names.region if regional else ""
    return f"arn:{names.partition}:{service}:{region}:{names.account_id}:{resource}"


def _rest_api_id(names: Names, logical_id: str) -> str:
    return short_id(f"restapi:{logical_id}", 10)


def _root_resource_id(names: Names, logical_id: str) -> str:
    return resource_id(names, str(names.ref(logical_id)), "/")


def _api_resource_id(names: Names, logical_id: str) -> str:
    """An `AWS::ApiGateway::Resource` id, from its API id and full path (parent path + PathPart)."""
    api_id = str(names.property(logical_id, "RestApiId"))
    parent = names.paths_by_id.get(str(names.property(logical_id, "ParentId")))
    if parent is None:
        raise TemplateError("ParentId is neither a RootResourceId nor an AWS::ApiGateway::Resource")
    path = f"{parent[1].rstrip('/')}/{names.property(logical_id, 'PathPart')}"
    return resource_id(names, api_id, path)


def _short(prefix: str, length: int = 6) -> Callable[[Names, str], str]:
    return lambda names, logical_id: short_id(f"{prefix}:{logical_id}", length)


def _http_api_endpoint(names: Names, logical_id: str) -> str:
    return f"https://{_http_api_id(names, logical_id)}.execute-api.{names.region}.amazonaws.com"


def function_url_id(logical_id: str) -> str:
    """The 32-character host label of a function URL (`<id>.lambda-url.<region>.on.aws`)."""
    return short_id(f"url:{logical_id}", 32)


def _url_function_arn(names: Names, logical_id: str) -> str:
    """`TargetFunctionArn` is a name or an ARN; with a `Qualifier` the alias ARN."""
    target = str(names.property(logical_id, "TargetFunctionArn"))
    arn = target if target.startswith("arn:") else _arn(names, "lambda", f"function:{target}")
    qualifier = names.property(logical_id, "Qualifier")
    return f"{arn}:{qualifier}" if qualifier else arn


def _function_url(names: Names, logical_id: str) -> str:
    return f"https://{function_url_id(logical_id)}.lambda-url.{names.region}.on.aws/"


_http_api_id = _short("httpapi", 10)


_function_name = _named("FunctionName", _logical)
_table_name = _named("TableName", _logical)
_role_name = _named("RoleName", _stack_prefixed)
_log_group_name = _named("LogGroupName", _stack_prefixed)
_queue_name = _named("QueueName", _stack_prefixed)
_layer_name = _named("LayerName", _logical)
_topic_name = _named("TopicName", _stack_prefixed)


def _queue_url(names: Names, logical_id: str) -> str:
    return f"https://sqs.{names.region}.amazonaws.com/{names.account_id}/{_queue_name(names, logical_id)}"


def _qualified(qualifier: Callable[[Names, str], str]) -> Callable[[Names, str], str]:
    """An alias or version ARN: its function's ARN (FunctionName is a name or an ARN) + `:qualifier`."""

    def arn(names: Names, logical_id: str) -> str:
        function = str(names.property(logical_id, "FunctionName"))
        base = function if function.startswith("arn:") else _arn(names, "lambda", f"function:{function}")
        return f"{base}:{qualifier(names, logical_id)}"

    return arn


# Locally every version of a function is its current code: version 1.
_alias_arn = _qualified(lambda names, logical_id: str(names.property(logical_id, "Name")))
_version_arn = _qualified(lambda names, logical_id: "1")

_REFS: Mapping[str, Callable[[Names, str], Any]] = {
    "AWS::Lambda::Function": _function_name,
    "AWS::Lambda::Alias": _alias_arn,
    "AWS::Lambda::Version": _version_arn,
    # A layer version's ARN; locally each layer has one version.
    "AWS::Lambda::LayerVersion": lambda n, i: _arn(n, "lambda", f"layer:{_layer_name(n, i)}:1"),
    "AWS::ApiGateway::RestApi": _rest_api_id,
    "AWS::ApiGateway::Resource": _api_resource_id,
    "AWS::ApiGateway::Deployment": _short("deployment"),
    "AWS::ApiGateway::Method": _short("method"),
    "AWS::ApiGateway::Stage": _named("StageName", _logical),
    # API key ids are 10 characters, usage plan and authorizer ids 6, as on AWS.
    "AWS::ApiGateway::ApiKey": _short("apikey", 10),
    "AWS::ApiGateway::UsagePlan": _short("usageplan"),
    "AWS::ApiGateway::Authorizer": _short("authorizer"),
    "AWS::ApiGatewayV2::Api": _http_api_id,
    "AWS::ApiGatewayV2::Stage": _named("StageName", _logical),
    "AWS::ApiGatewayV2::Route": _short("route", 7),
    "AWS::ApiGatewayV2::Integration": _short("integration", 7),
    "AWS::ApiGatewayV2::Authorizer": _short("authorizer"),
    "AWS::ApiGatewayV2::Deployment": _short("deployment"),
    "AWS::Lambda::Url": _url_function_arn,
    "AWS::DynamoDB::Table": _table_name,
    "AWS::IAM::Role": _role_name,
    "AWS::Logs::LogGroup": _log_group_name,
    "AWS::SQS::Queue": _queue_url,
    "AWS::SNS::Topic": lambda n, i: _arn(n, "sns", _topic_name(n, i)),
}

_ATTRIBUTES: Mapping[str, Mapping[str, Callable[[Names, str], Any]]] = {
    "AWS::Lambda::Function": {"Arn": lambda n, i: _arn(n, "lambda", f"function:{_function_name(n, i)}")},
    "AWS::Lambda::Alias": {"AliasArn": _alias_arn},
    "AWS::Lambda::Version": {"FunctionArn": _version_arn, "Version": lambda n, i: "1"},
    "AWS::ApiGateway::RestApi": {"RootResourceId": _root_resource_id, "RestApiId": _rest_api_id},
    "AWS::ApiGateway::Resource": {"ResourceId": _api_resource_id},
    "AWS::ApiGateway::Deployment": {"DeploymentId": _short("deployment")},
    "AWS::ApiGateway::ApiKey": {"APIKeyId": _short("apikey", 10)},
    "AWS::ApiGateway::UsagePlan": {"Id": _short("usageplan")},
    "AWS::ApiGateway::Authorizer": {"AuthorizerId": _short("authorizer")},
    "AWS::ApiGatewayV2::Api": {"ApiEndpoint": _http_api_endpoint, "ApiId": _http_api_id},
    "AWS::ApiGatewayV2::Route": {"RouteId": _short("route", 7)},
    "AWS::ApiGatewayV2::Integration": {"IntegrationId": _short("integration", 7)},
    "AWS::ApiGatewayV2::Authorizer": {"AuthorizerId": _short("authorizer")},
    "AWS::ApiGatewayV2::Deployment": {"DeploymentId": _short("deployment")},
    "AWS::Lambda::Url": {"FunctionArn": _url_function_arn, "FunctionUrl": _function_url},
    "AWS::DynamoDB::Table": {
        "Arn": lambda n, i: _arn(n, "dynamodb", f"table/{_table_name(n, i)}"),
        # A stream ARN ends in its creation time; a fixed label keeps it stable locally.
        "StreamArn": lambda n, i: _arn(n, "dynamodb", f"table/{_table_name(n, i)}/stream/{_STREAM_LABEL}"),
    },
    "AWS::IAM::Role": {
        "Arn": lambda n, i: _arn(n, "iam", f"role/{_role_name(n, i)}", regional=False),
        "RoleId": lambda n, i: "AROA" + short_id(f"role:{i}", 17).upper(),
    },
    "AWS::Logs::LogGroup": {"Arn": lambda n, i: _arn(n, "logs", f"log-group:{_log_group_name(n, i)}:*")},
    "AWS::SQS::Queue": {
        "Arn": lambda n, i: _arn(n, "sqs", _queue_name(n, i)),
        "QueueName": _queue_name,
        "QueueUrl": lambda n, i: _REFS["AWS::SQS::Queue"](n, i),
    },
    "AWS::SNS::Topic": {"TopicArn": _REFS["AWS::SNS::Topic"], "TopicName": _topic_name},
}


def _generic_attribute(names: Names, logical_id: str, resource_type: str, name: str) -> str:
    """Types serverlite does not model: an ARN-shaped value for `*Arn`, else `LogicalId.Name`."""
    if name.endswith("Arn"):
        service = resource_type.split("::")[1].lower() if resource_type.count("::") == 2 else "unknown"
        return _arn(names, service, logical_id)
    return f"{logical_id}.{name}"
