"""What serverlite does with each template feature: the tables `audit.py` checks a template against.

Issue 4: every SAM, CloudFormation or OpenAPI feature serverlite does not support yet is refused at start,
by name; none is silently ignored. So every property of every resource type serverlite acts on is listed
here as one of

- supported: a builder reads it and a layer acts on it (see the `build_*` functions and the model);
- harmless: it has no local effect a user could observe differently (a description, tags, a deploy-time
  or billing setting, a delivery to a service serverlite does not emulate), with the reason;
- not emulated: it configures something serverlite does not run (a durable execution, an EFS mount, an
  SQS trigger), while what serverlite serves stays right; listed at start with what it means locally;
- refused: serverlite would behave differently from AWS, with the reason.

A property that is not listed is refused by name too, so that a property AWS adds later is never silently
ignored. `tests/unit/template/test_feature_tables.py` checks these tables against CloudFormation's resource
schemas (shipped with cfn-lint) and aws-sam-translator's property lists.

Resource types are supported (a table below), refused (`REFUSED_TYPES`: they change what the API, the
functions or the tables do) or not emulated (another AWS service: `Application.not_emulated` lists them).
SAM events of services serverlite does not emulate are listed the same way (`NOT_EMULATED_EVENT_TYPES`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from serverlite.template.properties import flag

__all__ = [
    "EVENT_PROPERTIES",
    "GLOBALS_SECTIONS",
    "NOT_EMULATED_EVENT_TYPES",
    "NOT_EMULATED_TYPES",
    "OPENAPI_EXTENSIONS",
    "OPENAPI_NESTED",
    "REFUSED_EVENT_TYPES",
    "REFUSED_TYPES",
    "RESOURCE_ATTRIBUTES",
    "RESOURCE_PROPERTIES",
    "TEMPLATE_SECTIONS",
    "Rule",
    "Status",
    "Table",
    "event_source_not_emulated",
    "type_status",
]


class Status(enum.Enum):
    """What serverlite does with a feature."""

    SUPPORTED = "supported"
    HARMLESS = "harmless"
    REFUSED = "refused"
    NOT_EMULATED = "not emulated"


# (value, the mapping holding it) -> why this value is refused, or None when it is served.
Check = Callable[[Any, Mapping[str, Any]], "str | None"]
Table = Mapping[str, "Rule"]


@dataclass(frozen=True)
class Rule:
    """One property (or OpenAPI key): its status and, when it holds an object or a list of objects, the
    rules of their keys (`fields`; None: the content is data, not checked key by key)."""

    status: Status
    reason: str = ""
    fields: Table | None = None
    check: Check | None = None


def used(fields: Table | None = None, check: Check | None = None) -> Rule:
    """Read by a builder and acted on."""
    return Rule(Status.SUPPORTED, fields=fields, check=check)


def harmless(reason: str, fields: Table | None = None, check: Check | None = None) -> Rule:
    """Accepted without local effect that a user could observe differently (unless `check` says so)."""
    return Rule(Status.HARMLESS, reason, fields=fields, check=check)


def refused(reason: str) -> Rule:
    """Refused at start, naming the property."""
    return Rule(Status.REFUSED, reason)


def not_emulated(meaning: str) -> Rule:
    """Accepted and listed at start with what it means locally (`meaning`)."""
    return Rule(Status.NOT_EMULATED, meaning)


def _text(value: Any) -> str:
    return str(value).strip().upper()


def one_of(*values: str, reason: str) -> Check:
    """Served for these values (any case) only."""
    allowed = {value.upper() for value in values}
    return lambda value, _: None if _text(value) in allowed else reason


def off(reason: str) -> Check:
    """Served while false: `true` asks for something serverlite does not do yet."""
    return lambda value, _: reason if flag(value) else None


# --- shared reasons -------------------------------------------------------------------------------

_DOCS = "documentation only"
_TAGS = "tags have no local effect"
_DEPLOY = "a deployment-time setting"
_ROLE = "serverlite does not assume roles to call integrations or authorizers: it invokes them directly"
_METRICS = "CloudWatch metrics are not recorded locally; requests behave the same"
_XRAY = "X-Ray traces are not recorded locally; requests behave the same"
_KMS = "encryption at rest has no local effect"
_TLS = "TLS settings of AWS endpoints have no local effect: the local gateway speaks plain HTTP"
_NETWORK = "functions use this machine's network"
_NOT_EMULATED_TARGET = "it delivers to another service, which serverlite does not emulate"
_CACHE_OFF = "API caching: responses would never come from a cache"
_CACHE_DETAIL = "applies only with API caching, which is refused when enabled"
_CANARY = "canary deployments: no request would reach the canary"
_LOCAL_URL = "serverlite serves every API at its local URL, which stands in for AWS's endpoints and domains"
_VERSIONS = "locally every version and alias runs the template's current code"
_PROVISIONED = "provisioned concurrency changes only cold-start latency"
_BOUNDARY = "permissions boundaries are not applied by the IAM checks"
_MANAGED_INSTANCES = "Lambda Managed Instances: capacity providers"
_ON_THIS_MACHINE = "the function runs in execution environments on this machine, not on managed instances"
_NOT_DURABLE = "the function runs as an ordinary function: no durable checkpoints, waits or replays"
_NOT_MOUNTED = "the EFS file system is not mounted: its path does not exist in the function"
_IMAGE = "container images: serverlite runs Zip functions from folders"
_TENANCY = "tenant isolation"
_WEBSOCKET = "WebSocket APIs"
_WEBSOCKET_ONLY = "applies to WebSocket APIs only"
_PARAMETER_MAPPING = "parameter mapping of HTTP API integrations"
_COMPRESSION = "response compression"
_STREAMING = "response streaming"
_SAME_RESULT = "serverlite's result is the same"

_LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")


# --- AWS::Lambda ----------------------------------------------------------------------------------

_LOGGING_CONFIG: Table = {
    "LogFormat": used(check=one_of("Text", "JSON", reason="LogFormat is Text or JSON")),
    "ApplicationLogLevel": used(check=one_of(*_LOG_LEVELS, reason="not a log level")),
    # Filters the JSON platform events (runtime/platform_log.py); Lambda's enum is DEBUG, INFO, WARN.
    "SystemLogLevel": used(
        check=one_of("DEBUG", "INFO", "WARN", reason="SystemLogLevel is DEBUG, INFO or WARN")
    ),
    "LogGroup": used(),
}
_ENVIRONMENT: Table = {"Variables": used()}
_TAGS_RULE = harmless(_TAGS)


def _package_type(value: Any, _: Mapping[str, Any]) -> str | None:
    return None if _text(value) == "ZIP" else _IMAGE


_LAMBDA_FUNCTION: Table = {
    "Architectures": used(),  # the platform dependencies are built for (runtime/images.py)
    "CapacityProviderConfig": not_emulated(_ON_THIS_MACHINE),
    "Code": used(
        {
            # Only serverlite's placeholder for a local CodeUri: build_function refuses code in S3.
            "S3Bucket": used(),
            "S3Key": used(),
            "S3ObjectVersion": used(),
            "S3ObjectStorageMode": harmless(_DEPLOY),
            "ZipFile": used(),
            "ImageUri": refused(_IMAGE),
            "SourceKMSKeyArn": harmless(_KMS),
        }
    ),
    "CodeSigningConfigArn": harmless("code signing is checked when code is deployed"),
    "DeadLetterConfig": harmless(_NOT_EMULATED_TARGET),
    "Description": harmless(_DOCS),
    "DurableConfig": not_emulated(_NOT_DURABLE),
    "Environment": used(_ENVIRONMENT),
    "EphemeralStorage": harmless("/tmp is a folder of this machine"),
    "FileSystemConfigs": not_emulated(_NOT_MOUNTED),
    "FunctionName": used(),
    "FunctionScalingConfig": not_emulated(_ON_THIS_MACHINE),
    "Handler": used(),
    "ImageConfig": refused(_IMAGE),
    "KmsKeyArn": harmless(_KMS),
    "Layers": used(),  # template/layers.py
    "LoggingConfig": used(_LOGGING_CONFIG),
    "MemorySize": used(),
    "PackageType": used(check=_package_type),
    "PublishToLatestPublished": harmless(_VERSIONS),
    "RecursiveLoop": harmless("recursive loops run through services serverlite does not emulate"),
    "ReservedConcurrentExecutions": used(),
    "Role": used(),
    "Runtime": used(),
    "RuntimeManagementConfig": harmless("serverlite runs this machine's Python"),
    "SnapStart": harmless("SnapStart changes only cold-start latency"),
    "Tags": _TAGS_RULE,
    "TenancyConfig": refused(_TENANCY),
    "Timeout": used(),
    "TracingConfig": harmless(_XRAY),
    "VpcConfig": harmless(_NETWORK),
}

_LAMBDA_PERMISSION_REASON = (
    "serverlite does not evaluate functions' resource-based policies: the template's integrations, "
    "authorizers and event sources invoke their functions"
)
_LAMBDA_PERMISSION: Table = {
    key: harmless(_LAMBDA_PERMISSION_REASON)
    for key in (
        "Action",
        "EventSourceToken",
        "FunctionName",
        "FunctionUrlAuthType",
        "InvokedViaFunctionUrl",
        "Principal",
        "PrincipalOrgID",
        "SourceAccount",
        "SourceArn",
    )
}


def _dynamodb_stream(value: Any, _: Mapping[str, Any]) -> str | None:
    """`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL`; other sources are not polled."""
    parts = str(value).split(":")
    if parts[2:3] == ["dynamodb"] and "/stream/" in str(value):
        return None
    service = _SERVICES.get(parts[2], parts[2]) if len(parts) > 2 else str(value)
    return f"{service} event sources: only DynamoDB streams are polled"


_SERVICES = {
    "sqs": "Amazon SQS",
    "kinesis": "Kinesis",
    "kafka": "Kafka",
    "mq": "Amazon MQ",
    "rds": "DocumentDB",
}


_KAFKA = "Kafka event sources"
_MQ = "Amazon MQ event sources"
_DOCUMENTDB = "DocumentDB event sources"
_BATCH_FAILURES = "partial batch responses: ReportBatchItemFailures"
_AT_TIMESTAMP = "starting at a timestamp"
_TUMBLING = "tumbling windows"
_RECORD_AGE = "a maximum record age: records are retried until they expire"


def _record_age(value: Any, _: Mapping[str, Any]) -> str | None:
    return None if str(value).strip() == "-1" else _RECORD_AGE


_STREAM_POSITION = one_of("TRIM_HORIZON", "LATEST", reason=_AT_TIMESTAMP)
_FILTER_CRITERIA: Table = {"Filters": used({"Pattern": used()})}
_LAMBDA_EVENT_SOURCE_MAPPING: Table = {
    "AmazonManagedKafkaEventSourceConfig": refused(_KAFKA),
    "BatchSize": used(),
    "BisectBatchOnFunctionError": used(),
    "DestinationConfig": harmless(_NOT_EMULATED_TARGET),
    "DocumentDBEventSourceConfig": refused(_DOCUMENTDB),
    "Enabled": used(),
    "EventSourceArn": used(check=_dynamodb_stream),
    "FilterCriteria": used(_FILTER_CRITERIA),
    "FunctionName": used(),
    "FunctionResponseTypes": refused(_BATCH_FAILURES),
    "KmsKeyArn": harmless(_KMS),
    "LoggingConfig": harmless("event source mapping logs are not written locally"),
    "MaximumBatchingWindowInSeconds": used(),
    "MaximumRecordAgeInSeconds": used(check=_record_age),
    "MaximumRetryAttempts": used(),
    "MetricsConfig": harmless(_METRICS),
    "ParallelizationFactor": harmless("records are processed in order per shard, which any factor allows"),
    "ProvisionedPollerConfig": harmless("poller capacity changes only throughput"),
    "Queues": refused(_MQ),
    "ScalingConfig": harmless("applies to SQS sources only"),
    "SelfManagedEventSource": refused(_KAFKA),
    "SelfManagedKafkaEventSourceConfig": refused(_KAFKA),
    "SourceAccessConfigurations": refused(_KAFKA),
    "StartingPosition": used(check=_STREAM_POSITION),
    "StartingPositionTimestamp": refused(_AT_TIMESTAMP),
    "Tags": _TAGS_RULE,
    "Topics": refused(_KAFKA),
    "TumblingWindowInSeconds": refused(_TUMBLING),
}

_NO_RETRY = "retries of asynchronous invocations: serverlite makes none, so only 0 is served"
_DESTINATIONS = "destinations of asynchronous invocations"


def _no_retries(value: Any, _: Mapping[str, Any]) -> str | None:
    return None if str(value).strip() == "0" else _NO_RETRY


_LAMBDA_EVENT_INVOKE_CONFIG: Table = {
    "DestinationConfig": refused(_DESTINATIONS),
    "FunctionName": used(),
    "MaximumEventAgeInSeconds": harmless("events are invoked at once locally"),
    "MaximumRetryAttempts": used(check=_no_retries),
    "Qualifier": used(),
}
_LAMBDA_VERSION: Table = {
    "CodeSha256": harmless(_DEPLOY),
    "Description": harmless(_DOCS),
    "FunctionName": used(),
    "FunctionScalingConfig": refused(_MANAGED_INSTANCES),
    "ProvisionedConcurrencyConfig": harmless(_PROVISIONED),
    "RuntimePolicy": harmless("serverlite runs this machine's Python"),
}
_LAMBDA_ALIAS: Table = {
    "Description": harmless(_DOCS),
    "FunctionName": used(),
    "FunctionVersion": harmless(_VERSIONS),
    "Name": used(),
    "ProvisionedConcurrencyConfig": harmless(_PROVISIONED),
    "RoutingConfig": harmless(_VERSIONS),
}

# --- AWS::ApiGateway ------------------------------------------------------------------------------

_INTEGRATION_TYPES = ("AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK")
_LAMBDA_HEADERS = "Lambda invocation headers"
_BINARY = "binary conversions of non-proxy integrations"
_VPC_LINK = "VPC links"


def _integration_type(value: Any, _: Mapping[str, Any]) -> str | None:
    return None if _text(value) in _INTEGRATION_TYPES else "not an integration type of REST APIs"


def _content_handling(kind: str) -> Check:
    """Binary conversions of non-proxy integrations; a Lambda proxy integration ignores the setting."""

    def check(value: Any, integration: Mapping[str, Any]) -> str | None:
        if value in (None, "") or _text(integration.get(kind, "")) == "AWS_PROXY":
            return None
        return _BINARY

    return check


def _integration_parameters(kind: str) -> Check:
    """Lambda integrations pass only the `X-Amz-*` invocation headers on; HTTP ones map them all."""

    def check(value: Any, integration: Mapping[str, Any]) -> str | None:
        if _text(integration.get(kind, "")) not in ("AWS", "AWS_PROXY") or not isinstance(value, Mapping):
            return None
        prefix = "integration.request.header."
        headers = [str(key)[len(prefix) :] for key in value if str(key).lower().startswith(prefix)]
        invocation = [name for name in headers if name.lower().startswith("x-amz-")]
        return f"{_LAMBDA_HEADERS}: {', '.join(invocation)}" if invocation else None

    return check


def _connection_type(value: Any, _: Mapping[str, Any]) -> str | None:
    return None if _text(value) == "INTERNET" else _VPC_LINK


def _transfer_mode(value: Any, _: Mapping[str, Any]) -> str | None:
    return None if _text(value) == "BUFFERED" else _STREAMING


_INTEGRATION_RESPONSE: Table = {
    "ContentHandling": used(check=lambda value, _: _BINARY),
    "ResponseParameters": used(),
    "ResponseTemplates": used(),
    "SelectionPattern": used(),
    "StatusCode": used(),
}
_METHOD_INTEGRATION: Table = {
    "CacheKeyParameters": harmless(_CACHE_DETAIL),
    "CacheNamespace": harmless(_CACHE_DETAIL),
    "ConnectionId": harmless("used with VPC links only, which are refused"),
    "ConnectionType": used(check=_connection_type),
    "ContentHandling": used(check=_content_handling("Type")),
    "Credentials": harmless(_ROLE),
    "IntegrationHttpMethod": used(),
    "IntegrationResponses": used(_INTEGRATION_RESPONSE),
    "IntegrationTarget": refused(_VPC_LINK),
    "PassthroughBehavior": used(),
    "RequestParameters": used(check=_integration_parameters("Type")),
    "RequestTemplates": used(),
    "ResponseTransferMode": used(check=_transfer_mode),
    "TimeoutInMillis": used(),
    "Type": used(check=_integration_type),
    "Uri": used(),
}
_API_GATEWAY_METHOD: Table = {
    "ApiKeyRequired": used(),
    "AuthorizationScopes": used(),
    "AuthorizationType": used(),
    "AuthorizerId": used(),
    "HttpMethod": used(),
    "Integration": used(_METHOD_INTEGRATION),
    "MethodResponses": used(
        {
            "ResponseModels": harmless("response models document responses; they do not change them"),
            "ResponseParameters": used(),
            "StatusCode": used(),
        }
    ),
    "OperationName": used(),
    "RequestModels": used(),
    "RequestParameters": used(),
    "RequestValidatorId": used(),
    "ResourceId": used(),
    "RestApiId": used(),
}
_ENDPOINT_CONFIGURATION: Table = {
    "Types": used(),
    "VpcEndpointIds": harmless(_LOCAL_URL),
    "IpAddressType": harmless(_LOCAL_URL),
}


_API_GATEWAY_REST_API: Table = {
    "ApiKeySourceType": used(),
    "BinaryMediaTypes": used(),
    "Body": used(),  # checked key by key as an OpenAPI definition
    "BodyS3Location": used(),  # a local file; build_rest_api refuses an S3 location by name
    "CloneFrom": refused("cloning another REST API"),
    "Description": harmless(_DOCS),
    "DisableExecuteApiEndpoint": harmless(_LOCAL_URL),
    "EndpointAccessMode": harmless(_TLS),
    "EndpointConfiguration": used(_ENDPOINT_CONFIGURATION),
    "FailOnWarnings": harmless(_DEPLOY),
    "MinimumCompressionSize": refused(_COMPRESSION),
    "Mode": harmless(_DEPLOY),
    "Name": used(),
    "Parameters": used(
        {
            "endpointConfigurationTypes": harmless("the same as EndpointConfiguration.Types"),
            "ignore": used(check=one_of("documentation", reason="the only part an import can ignore")),
            "basepath": used(check=one_of("ignore", reason="prepending or splitting the base path")),
        }
    ),
    "Policy": used(),
    "SecurityPolicy": harmless(_TLS),
    "Tags": _TAGS_RULE,
    "Version": harmless(_DOCS),
}
_METHOD_SETTING: Table = {
    "CacheDataEncrypted": harmless(_CACHE_DETAIL),
    "CacheTtlInSeconds": harmless(_CACHE_DETAIL),
    "CachingEnabled": used(check=off(_CACHE_OFF)),
    "DataTraceEnabled": used(),
    "HttpMethod": used(),
    "LoggingLevel": used(),
    "MetricsEnabled": harmless(_METRICS),
    "ResourcePath": used(),
    "ThrottlingBurstLimit": used(),
    "ThrottlingRateLimit": used(),
}
_ACCESS_LOG_SETTING: Table = {"DestinationArn": used(), "Format": used()}
_STAGE_DESCRIPTION: Table = {
    "AccessLogSetting": used(_ACCESS_LOG_SETTING),
    "CacheClusterEnabled": used(check=off(_CACHE_OFF)),
    "CacheClusterSize": harmless(_CACHE_DETAIL),
    "CacheDataEncrypted": harmless(_CACHE_DETAIL),
    "CacheTtlInSeconds": harmless(_CACHE_DETAIL),
    "CachingEnabled": used(check=off(_CACHE_OFF)),
    "CanarySetting": refused(_CANARY),
    "ClientCertificateId": harmless("backends are not sent a client certificate locally"),
    "DataTraceEnabled": used(),
    "Description": harmless(_DOCS),
    "DocumentationVersion": harmless(_DOCS),
    "LoggingLevel": used(),
    "MethodSettings": used(_METHOD_SETTING),
    "MetricsEnabled": harmless(_METRICS),
    "Tags": _TAGS_RULE,
    "ThrottlingBurstLimit": used(),
    "ThrottlingRateLimit": used(),
    "TracingEnabled": harmless(_XRAY),
    "Variables": used(),
}
_API_GATEWAY_DEPLOYMENT: Table = {
    "DeploymentCanarySettings": refused(_CANARY),
    "Description": harmless(_DOCS),
    "RestApiId": used(),
    "StageDescription": used(_STAGE_DESCRIPTION),
    "StageName": used(),
}
_API_GATEWAY_STAGE: Table = {
    "AccessLogSetting": used(_ACCESS_LOG_SETTING),
    "CacheClusterEnabled": used(check=off(_CACHE_OFF)),
    "CacheClusterSize": harmless(_CACHE_DETAIL),
    "CanarySetting": refused(_CANARY),
    "ClientCertificateId": harmless("backends are not sent a client certificate locally"),
    "DeploymentId": used(),
    "Description": harmless(_DOCS),
    "DocumentationVersion": harmless(_DOCS),
    "MethodSettings": used(_METHOD_SETTING),
    "RestApiId": used(),
    "StageName": used(),
    "Tags": _TAGS_RULE,
    "TracingEnabled": harmless(_XRAY),
    "Variables": used(),
}
_API_GATEWAY_RESOURCE: Table = {"ParentId": used(), "PathPart": used(), "RestApiId": used()}
_API_GATEWAY_AUTHORIZER: Table = {
    "AuthType": harmless("a label for SDKs and the console"),
    "AuthorizerCredentials": harmless(_ROLE),
    "AuthorizerResultTtlInSeconds": used(),
    "AuthorizerUri": used(),
    "IdentitySource": used(),
    "IdentityValidationExpression": used(),
    "Name": used(),
    "ProviderARNs": used(),
    "RestApiId": used(),
    "Type": used(),
}
_API_GATEWAY_GATEWAY_RESPONSE: Table = {
    "ResponseParameters": used(),
    "ResponseTemplates": used(),
    "ResponseType": used(),
    "RestApiId": used(),
    "StatusCode": used(),
}
_API_GATEWAY_REQUEST_VALIDATOR: Table = {
    "Name": used(),
    "RestApiId": used(),
    "ValidateRequestBody": used(),
    "ValidateRequestParameters": used(),
}
_API_GATEWAY_MODEL: Table = {
    "ContentType": harmless("methods name their models per content type (RequestModels)"),
    "Description": harmless(_DOCS),
    "Name": used(),
    "RestApiId": used(),
    "Schema": used(),
}
_API_GATEWAY_API_KEY: Table = {
    "CustomerId": harmless("AWS Marketplace customers are not emulated"),
    "Description": harmless(_DOCS),
    "Enabled": used(),
    "GenerateDistinctId": harmless(_DEPLOY),
    "Name": used(),
    "StageKeys": harmless("keys are checked through usage plans, as AWS does"),
    "Tags": _TAGS_RULE,
    "Value": used(),
}
_THROTTLE: Table = {"BurstLimit": used(), "RateLimit": used()}
_API_GATEWAY_USAGE_PLAN: Table = {
    "ApiStages": used({"ApiId": used(), "Stage": used(), "Throttle": used()}),
    "Description": harmless(_DOCS),
    "Quota": used({"Limit": used(), "Offset": used(), "Period": used()}),
    "Tags": _TAGS_RULE,
    "Throttle": used(_THROTTLE),
    "UsagePlanName": used(),
}
_API_GATEWAY_USAGE_PLAN_KEY: Table = {"KeyId": used(), "KeyType": used(), "UsagePlanId": used()}
_API_GATEWAY_ACCOUNT: Table = {
    "CloudWatchRoleArn": harmless("serverlite writes the execution and access logs without a role"),
}
_API_GATEWAY_DOCUMENTATION_PART: Table = {
    "Location": harmless(_DOCS),
    "Properties": harmless(_DOCS),
    "RestApiId": harmless(_DOCS),
}
_API_GATEWAY_DOCUMENTATION_VERSION: Table = {
    "Description": harmless(_DOCS),
    "DocumentationVersion": harmless(_DOCS),
    "RestApiId": harmless(_DOCS),
}

# --- AWS::ApiGatewayV2 (HTTP APIs) and function URLs ----------------------------------------------

_AUTHORIZATION_TYPES_V2 = ("NONE", "JWT", "CUSTOM", "AWS_IAM")


def _http_integration_type(value: Any, _: Mapping[str, Any]) -> str | None:
    kind = _text(value)
    if kind == "AWS_PROXY":
        return None
    return "HTTP_PROXY integrations of HTTP APIs" if kind == "HTTP_PROXY" else _WEBSOCKET


_CORS_CONFIGURATION: Table = {
    key: used()
    for key in ("AllowCredentials", "AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders", "MaxAge")
}
_ROUTE_SETTINGS: Table = {
    "DataTraceEnabled": harmless(_WEBSOCKET_ONLY),
    "DetailedMetricsEnabled": harmless(_METRICS),
    "LoggingLevel": harmless(_WEBSOCKET_ONLY),
    "ThrottlingBurstLimit": used(),
    "ThrottlingRateLimit": used(),
}
_API_GATEWAY_V2_API: Table = {
    "ApiKeySelectionExpression": harmless(_WEBSOCKET_ONLY),
    "BasePath": harmless(_DEPLOY),
    "Body": used(),
    "BodyS3Location": used(),  # a local file; build_http_api refuses an S3 location by name
    "CorsConfiguration": used(_CORS_CONFIGURATION),
    "CredentialsArn": harmless(_ROLE),
    "Description": harmless(_DOCS),
    "DisableExecuteApiEndpoint": used(),
    "DisableSchemaValidation": harmless(_WEBSOCKET_ONLY),
    "FailOnWarnings": harmless(_DEPLOY),
    "IpAddressType": harmless(_LOCAL_URL),
    "Name": used(),
    "ProtocolType": used(check=one_of("HTTP", reason=_WEBSOCKET)),
    "RouteKey": used(),
    "RouteSelectionExpression": harmless(_WEBSOCKET_ONLY),
    "Tags": _TAGS_RULE,
    "Target": used(),
    "Version": harmless(_DOCS),
}
_API_GATEWAY_V2_ROUTE: Table = {
    "ApiId": used(),
    "ApiKeyRequired": harmless(_WEBSOCKET_ONLY),
    "AuthorizationScopes": used(),
    "AuthorizationType": used(
        check=one_of(*_AUTHORIZATION_TYPES_V2, reason="AuthorizationType is NONE, JWT, CUSTOM or AWS_IAM")
    ),
    "AuthorizerId": used(),
    "ModelSelectionExpression": harmless(_WEBSOCKET_ONLY),
    "OperationName": harmless(_DOCS),
    "RequestModels": harmless(_WEBSOCKET_ONLY),
    "RequestParameters": harmless(_WEBSOCKET_ONLY),
    "RouteKey": used(),
    "RouteResponseSelectionExpression": harmless(_WEBSOCKET_ONLY),
    "Target": used(),
}
_API_GATEWAY_V2_INTEGRATION: Table = {
    "ApiId": used(),
    "ConnectionId": harmless("used with VPC links only, which are refused"),
    "ConnectionType": used(check=_connection_type),
    "ContentHandlingStrategy": harmless(_WEBSOCKET_ONLY),
    "CredentialsArn": harmless(_ROLE),
    "Description": harmless(_DOCS),
    "IntegrationMethod": used(),
    "IntegrationSubtype": refused("AWS service integrations of HTTP APIs"),
    "IntegrationType": used(check=_http_integration_type),
    "IntegrationUri": used(),
    "PassthroughBehavior": harmless(_WEBSOCKET_ONLY),
    "PayloadFormatVersion": used(),
    "RequestParameters": refused(_PARAMETER_MAPPING),
    "RequestTemplates": harmless(_WEBSOCKET_ONLY),
    "ResponseParameters": refused(_PARAMETER_MAPPING),
    "TemplateSelectionExpression": harmless(_WEBSOCKET_ONLY),
    "TimeoutInMillis": used(),
    "TlsConfig": refused("TLS settings of HTTP integrations"),
}
_API_GATEWAY_V2_STAGE: Table = {
    "AccessLogSettings": used(_ACCESS_LOG_SETTING),
    "ApiId": used(),
    "AutoDeploy": used(),
    "ClientCertificateId": harmless("backends are not sent a client certificate locally"),
    "DefaultRouteSettings": used(_ROUTE_SETTINGS),
    "DeploymentId": harmless("every stage serves the template's routes locally"),
    "Description": harmless(_DOCS),
    "RouteSettings": used(),  # route key -> the fields of DefaultRouteSettings
    "StageName": used(),
    "StageVariables": used(),
    "Tags": _TAGS_RULE,
}
_API_GATEWAY_V2_AUTHORIZER: Table = {
    "ApiId": used(),
    "AuthorizerCredentialsArn": harmless(_ROLE),
    "AuthorizerPayloadFormatVersion": used(),
    "AuthorizerResultTtlInSeconds": used(),
    "AuthorizerType": used(check=one_of("JWT", "REQUEST", reason=_WEBSOCKET)),
    "AuthorizerUri": used(),
    "EnableSimpleResponses": used(),
    "IdentitySource": used(),
    "IdentityValidationExpression": harmless(_WEBSOCKET_ONLY),
    "JwtConfiguration": used({"Audience": used(), "Issuer": used()}),
    "Name": used(),
}
_API_GATEWAY_V2_DEPLOYMENT: Table = {
    "ApiId": used(),
    "Description": harmless(_DOCS),
    "StageName": harmless("every stage serves the template's routes locally"),
}
_LAMBDA_URL: Table = {
    "AuthType": used(check=one_of("NONE", "AWS_IAM", reason="AuthType is NONE or AWS_IAM")),
    "Cors": used(_CORS_CONFIGURATION),
    # RESPONSE_STREAM is served buffered and named at start: Python handlers return whole responses.
    "InvokeMode": used(
        check=one_of("BUFFERED", "RESPONSE_STREAM", reason="InvokeMode is BUFFERED or RESPONSE_STREAM")
    ),
    "Qualifier": used(),
    "TargetFunctionArn": used(),
}

# --- AWS::DynamoDB, AWS::Logs, AWS::IAM -----------------------------------------------------------

_RESOURCE_POLICY = "resource-based policies are not evaluated by the IAM checks"
_DYNAMODB_TABLE: Table = {
    "AttributeDefinitions": used(),
    "BillingMode": used(),
    "ContributorInsightsSpecification": harmless(_METRICS),
    "DeletionProtectionEnabled": used(),
    "GlobalSecondaryIndexes": used(),
    "ImportSourceSpecification": refused("importing table data from S3"),
    "KeySchema": used(),
    "KinesisStreamSpecification": harmless(_NOT_EMULATED_TARGET),
    "LocalSecondaryIndexes": used(),
    "OnDemandThroughput": used(),
    "PointInTimeRecoverySpecification": harmless("backups are not visible to requests"),
    "ProvisionedThroughput": used(),
    "ResourcePolicy": refused(_RESOURCE_POLICY),
    "SSESpecification": used(),
    "StreamSpecification": used(
        {"StreamViewType": used(), "ResourcePolicy": refused(_RESOURCE_POLICY), "Tags": _TAGS_RULE}
    ),
    "TableClass": used(),
    "TableName": used(),
    "Tags": used(),
    "TimeToLiveSpecification": used(
        {"AttributeName": used(), "Enabled": used()},
    ),
    "VectorIndexes": refused("vector indexes"),
    "WarmThroughput": used(),
}
_LOGS_LOG_GROUP: Table = {
    "BearerTokenAuthenticationEnabled": harmless("log ingestion by HTTP is not emulated"),
    "DataProtectionPolicy": harmless("serverlite does not mask log data"),
    "DeletionProtectionEnabled": harmless(_DEPLOY),
    "FieldIndexPolicies": harmless("field indexes change only query speed"),
    "KmsKeyId": harmless(_KMS),
    "LogGroupClass": harmless("billing class"),
    "LogGroupName": used(),
    "ResourcePolicyDocument": harmless("log delivery by other services is not emulated"),
    "RetentionInDays": harmless("serverlite keeps local logs until the data folder is removed"),
    "Tags": _TAGS_RULE,
}
_OTHER_PRINCIPALS = "users and groups do not call the template's functions"
_IAM_ROLE: Table = {
    "AssumeRolePolicyDocument": harmless("functions get their role's credentials locally"),
    "Description": harmless(_DOCS),
    "ManagedPolicyArns": used(),
    "MaxSessionDuration": harmless("local credentials do not expire"),
    "Path": harmless("policies match roles by name locally"),
    "PermissionsBoundary": refused(_BOUNDARY),
    "Policies": used(),
    "RoleName": used(),
    "Tags": _TAGS_RULE,
}
_IAM_POLICY: Table = {
    "Groups": harmless(_OTHER_PRINCIPALS),
    "PolicyDocument": used(),
    "PolicyName": used(),
    "Roles": used(),
    "Users": harmless(_OTHER_PRINCIPALS),
}
_IAM_MANAGED_POLICY: Table = {
    "Description": harmless(_DOCS),
    "Groups": harmless(_OTHER_PRINCIPALS),
    "ManagedPolicyName": used(),
    "Path": harmless("policies are attached by name locally"),
    "PolicyDocument": used(),
    "Roles": used(),
    "Users": harmless(_OTHER_PRINCIPALS),
}
_IAM_ROLE_POLICY: Table = {"PolicyDocument": used(), "PolicyName": used(), "RoleName": used()}

# --- schedules ------------------------------------------------------------------------------------

_EVENT_PATTERN = "event patterns: only schedules invoke functions"
_INPUT_SHAPING = "input paths and input transformers"
_TIME_BOUNDS = "start and end dates of schedules"
_OTHER_TARGET = "the target is another service, which serverlite does not emulate"


def _is_function_arn(arn: object) -> bool:
    """`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`."""
    return str(arn).split(":")[2:3] == ["lambda"] and ":function:" in str(arn)


def _with_function_targets(reason: str) -> Check:
    """Refused when the rule (its `Targets`) or the target (its `Arn`) invokes a Lambda function."""

    def check(value: Any, holder: Mapping[str, Any]) -> str | None:
        targets = holder.get("Targets") if "Targets" in holder else [holder]
        arns = [target.get("Arn") for target in targets or [] if isinstance(target, Mapping)]
        return reason if any(_is_function_arn(arn) for arn in arns) else None

    return check


_EVENTS_TARGET: Table = {
    "Arn": used(),
    "Id": used(),
    "Input": used(),
    "InputPath": harmless(_OTHER_TARGET, check=_with_function_targets(_INPUT_SHAPING)),
    "InputTransformer": harmless(_OTHER_TARGET, check=_with_function_targets(_INPUT_SHAPING)),
    "RetryPolicy": harmless("failed scheduled invocations are logged, not retried"),
    "DeadLetterConfig": harmless(_NOT_EMULATED_TARGET),
    "RoleArn": harmless(_ROLE),
    **{
        key: harmless(_OTHER_TARGET)
        for key in (
            "AppSyncParameters",
            "BatchParameters",
            "EcsParameters",
            "HttpParameters",
            "KinesisParameters",
            "RedshiftDataParameters",
            "RunCommandParameters",
            "SageMakerPipelineParameters",
            "SqsParameters",
        )
    },
}
_EVENTS_RULE: Table = {
    "Description": harmless(_DOCS),
    "EventBusName": harmless("schedules do not use an event bus"),
    # A rule matching events of other services for other services is theirs; one invoking a function is not.
    "EventPattern": harmless(_OTHER_TARGET, check=_with_function_targets(_EVENT_PATTERN)),
    "Name": used(),
    "RoleArn": harmless(_ROLE),
    "ScheduleExpression": used(),
    "State": used(),
    "Tags": _TAGS_RULE,
    "Targets": used(_EVENTS_TARGET),
}
_SCHEDULER_TARGET: Table = {
    "Arn": used(),
    "Input": used(),
    "RetryPolicy": harmless("failed scheduled invocations are logged, not retried"),
    "DeadLetterConfig": harmless(_NOT_EMULATED_TARGET),
    "RoleArn": harmless(_ROLE),
    **{
        key: harmless(_OTHER_TARGET)
        for key in (
            "EcsParameters",
            "EventBridgeParameters",
            "KinesisParameters",
            "SageMakerPipelineParameters",
            "SqsParameters",
        )
    },
}
_SCHEDULER_SCHEDULE: Table = {
    "Description": harmless(_DOCS),
    "EndDate": refused(_TIME_BOUNDS),
    "FlexibleTimeWindow": harmless("serverlite invokes at the start of the window, which the window allows"),
    "GroupName": used(),
    "KmsKeyArn": harmless(_KMS),
    "Name": used(),
    "ScheduleExpression": used(),
    "ScheduleExpressionTimezone": used(),
    "StartDate": refused(_TIME_BOUNDS),
    "State": used(),
    "Target": used(_SCHEDULER_TARGET),
}

# --- AWS::Serverless (before aws-sam-translator expands them) -------------------------------------
# Properties marked `used` without fields expand to CloudFormation that is checked after the expansion.

_SAM_FUNCTION: Table = {
    "Architectures": _LAMBDA_FUNCTION["Architectures"],
    "AssumeRolePolicyDocument": _IAM_ROLE["AssumeRolePolicyDocument"],
    "AutoPublishAlias": used(),
    "AutoPublishAliasAllProperties": harmless(_VERSIONS),
    "AutoPublishCodeSha256": harmless(_VERSIONS),
    "CapacityProviderConfig": _LAMBDA_FUNCTION["CapacityProviderConfig"],
    "CodeSigningConfigArn": _LAMBDA_FUNCTION["CodeSigningConfigArn"],
    "CodeUri": used(),
    "DeadLetterQueue": harmless(_NOT_EMULATED_TARGET),
    "DeploymentPreference": harmless(
        "traffic shifting happens while AWS deploys; locally every call runs the current code"
    ),
    "Description": harmless(_DOCS),
    "DurableConfig": _LAMBDA_FUNCTION["DurableConfig"],
    "Environment": used(_ENVIRONMENT),
    "EphemeralStorage": _LAMBDA_FUNCTION["EphemeralStorage"],
    "EventInvokeConfig": used(
        {
            "DestinationConfig": refused(_DESTINATIONS),
            "MaximumEventAgeInSeconds": _LAMBDA_EVENT_INVOKE_CONFIG["MaximumEventAgeInSeconds"],
            "MaximumRetryAttempts": _LAMBDA_EVENT_INVOKE_CONFIG["MaximumRetryAttempts"],
        }
    ),
    "Events": used(),  # each event is checked against EVENT_PROPERTIES
    "FileSystemConfigs": _LAMBDA_FUNCTION["FileSystemConfigs"],
    "FunctionName": used(),
    "FunctionScalingConfig": _LAMBDA_FUNCTION["FunctionScalingConfig"],
    "FunctionUrlConfig": used(),  # expands to AWS::Lambda::Url
    "Handler": used(),
    "ImageConfig": refused(_IMAGE),
    "ImageUri": refused(_IMAGE),
    "InlineCode": used(),
    "KmsKeyArn": harmless(_KMS),
    "Layers": used(),
    "LoggingConfig": used(_LOGGING_CONFIG),
    "MemorySize": used(),
    "PackageType": used(check=_package_type),
    "PermissionsBoundary": refused(_BOUNDARY),
    "Policies": used(),
    "PropagateTags": harmless(_TAGS),
    "ProvisionedConcurrencyConfig": harmless(_PROVISIONED),
    "PublishToLatestPublished": harmless(_VERSIONS),
    "RecursiveLoop": _LAMBDA_FUNCTION["RecursiveLoop"],
    "ReservedConcurrentExecutions": used(),
    "Role": used(),
    "RolePath": harmless("policies match roles by name locally"),
    "Runtime": used(),
    "RuntimeManagementConfig": _LAMBDA_FUNCTION["RuntimeManagementConfig"],
    "SnapStart": _LAMBDA_FUNCTION["SnapStart"],
    "SourceKMSKeyArn": harmless(_KMS),
    "Tags": _TAGS_RULE,
    "TenancyConfig": refused(_TENANCY),
    "Timeout": used(),
    "Tracing": harmless(_XRAY),
    "VersionDeletionPolicy": harmless(_DEPLOY),
    "VersionDescription": harmless(_DOCS),
    "VpcConfig": harmless(_NETWORK),
}
_SAM_API: Table = {
    "AccessLogSetting": used(_ACCESS_LOG_SETTING),
    "AlwaysDeploy": harmless(_DEPLOY),
    "ApiKeySourceType": used(),
    "Auth": used(),
    "BinaryMediaTypes": used(),
    "CacheClusterEnabled": used(check=off(_CACHE_OFF)),
    "CacheClusterSize": harmless(_CACHE_DETAIL),
    "CanarySetting": refused(_CANARY),
    "Cors": used(),
    "DefinitionBody": used(),  # checked as an OpenAPI definition after the expansion
    "DefinitionUri": used(),  # a local file; an S3 one becomes a BodyS3Location, refused by name
    "Description": harmless(_DOCS),
    "DisableExecuteApiEndpoint": harmless(_LOCAL_URL),
    "Domain": harmless(_LOCAL_URL),
    "EndpointAccessMode": harmless(_TLS),
    "EndpointConfiguration": used(),
    "FailOnWarnings": harmless(_DEPLOY),
    "GatewayResponses": used(),
    "MergeDefinitions": used(),
    "MethodSettings": used(_METHOD_SETTING),
    "MinimumCompressionSize": refused(_COMPRESSION),
    "Mode": harmless(_DEPLOY),
    "Models": used(),
    "Name": used(),
    "OpenApiVersion": used(),
    "Policy": used(),
    "PropagateTags": harmless(_TAGS),
    "SecurityPolicy": harmless(_TLS),
    "StageName": used(),
    "Tags": _TAGS_RULE,
    "TracingEnabled": harmless(_XRAY),
    "Variables": used(),
}
_SAM_HTTP_API: Table = {
    "AccessLogSettings": used(_ACCESS_LOG_SETTING),
    "Auth": used(),
    "CorsConfiguration": used(),
    "DefaultRouteSettings": used(_ROUTE_SETTINGS),
    "DefinitionBody": used(),
    "DefinitionUri": used(),  # a local file, inlined as SAM CLI does
    "Description": harmless(_DOCS),
    "DisableExecuteApiEndpoint": used(),
    "Domain": harmless(_LOCAL_URL),
    "FailOnWarnings": harmless(_DEPLOY),
    "Name": used(),
    "PropagateTags": harmless(_TAGS),
    "RouteSettings": used(),
    "StageName": used(),
    "StageVariables": used(),
    "Tags": _TAGS_RULE,
}

_SAM_SIMPLE_TABLE: Table = {
    "PointInTimeRecoverySpecification": _DYNAMODB_TABLE["PointInTimeRecoverySpecification"],
    "PrimaryKey": used(),
    "ProvisionedThroughput": used(),
    "SSESpecification": used(),
    "TableName": used(),
    "Tags": used(),
}
_SAM_CONNECTOR: Table = {"Destination": used(), "Permissions": used(), "Source": used()}

_COMPATIBLE = "compatibility is checked when a function is deployed with the layer"
_LAMBDA_LAYER_VERSION: Table = {
    "CompatibleArchitectures": harmless(_COMPATIBLE),
    "CompatibleRuntimes": harmless(_COMPATIBLE),
    # A local path, as `aws cloudformation package` takes it, or SAM's placeholder for a ContentUri.
    "Content": used(
        {
            "S3Bucket": used(),
            "S3Key": used(),
            "S3ObjectVersion": used(),
            "S3ObjectStorageMode": harmless(_DEPLOY),
        }
    ),
    "Description": harmless(_DOCS),
    "LayerName": used(),
    "LicenseInfo": harmless(_DOCS),
}
_SAM_LAYER_VERSION: Table = {
    "CompatibleArchitectures": harmless(_COMPATIBLE),
    "CompatibleRuntimes": harmless(_COMPATIBLE),
    "ContentUri": used(),
    "Description": harmless(_DOCS),
    "LayerName": used(),
    "LicenseInfo": harmless(_DOCS),
    "PublishLambdaVersion": harmless(_VERSIONS),
    "RetentionPolicy": harmless(_DEPLOY),
}

RESOURCE_PROPERTIES: Mapping[str, Table] = {
    "AWS::Serverless::Function": _SAM_FUNCTION,
    "AWS::Serverless::LayerVersion": _SAM_LAYER_VERSION,
    "AWS::Lambda::LayerVersion": _LAMBDA_LAYER_VERSION,
    "AWS::Serverless::Api": _SAM_API,
    "AWS::Serverless::HttpApi": _SAM_HTTP_API,
    "AWS::Serverless::SimpleTable": _SAM_SIMPLE_TABLE,
    "AWS::Serverless::Connector": _SAM_CONNECTOR,
    "AWS::Lambda::Function": _LAMBDA_FUNCTION,
    "AWS::Lambda::Permission": _LAMBDA_PERMISSION,
    "AWS::Lambda::EventSourceMapping": _LAMBDA_EVENT_SOURCE_MAPPING,
    "AWS::Lambda::EventInvokeConfig": _LAMBDA_EVENT_INVOKE_CONFIG,
    "AWS::Lambda::Version": _LAMBDA_VERSION,
    "AWS::Lambda::Alias": _LAMBDA_ALIAS,
    "AWS::ApiGateway::RestApi": _API_GATEWAY_REST_API,
    "AWS::ApiGateway::Resource": _API_GATEWAY_RESOURCE,
    "AWS::ApiGateway::Method": _API_GATEWAY_METHOD,
    "AWS::ApiGateway::Deployment": _API_GATEWAY_DEPLOYMENT,
    "AWS::ApiGateway::Stage": _API_GATEWAY_STAGE,
    "AWS::ApiGateway::Authorizer": _API_GATEWAY_AUTHORIZER,
    "AWS::ApiGateway::GatewayResponse": _API_GATEWAY_GATEWAY_RESPONSE,
    "AWS::ApiGateway::RequestValidator": _API_GATEWAY_REQUEST_VALIDATOR,
    "AWS::ApiGateway::Model": _API_GATEWAY_MODEL,
    "AWS::ApiGateway::ApiKey": _API_GATEWAY_API_KEY,
    "AWS::ApiGateway::UsagePlan": _API_GATEWAY_USAGE_PLAN,
    "AWS::ApiGateway::UsagePlanKey": _API_GATEWAY_USAGE_PLAN_KEY,
    "AWS::ApiGateway::Account": _API_GATEWAY_ACCOUNT,
    "AWS::ApiGateway::DocumentationPart": _API_GATEWAY_DOCUMENTATION_PART,
    "AWS::ApiGateway::DocumentationVersion": _API_GATEWAY_DOCUMENTATION_VERSION,
    "AWS::ApiGatewayV2::Api": _API_GATEWAY_V2_API,
    "AWS::ApiGatewayV2::Route": _API_GATEWAY_V2_ROUTE,
    "AWS::ApiGatewayV2::Integration": _API_GATEWAY_V2_INTEGRATION,
    "AWS::ApiGatewayV2::Stage": _API_GATEWAY_V2_STAGE,
    "AWS::ApiGatewayV2::Authorizer": _API_GATEWAY_V2_AUTHORIZER,
    "AWS::ApiGatewayV2::Deployment": _API_GATEWAY_V2_DEPLOYMENT,
    "AWS::Lambda::Url": _LAMBDA_URL,
    "AWS::DynamoDB::Table": _DYNAMODB_TABLE,
    "AWS::Logs::LogGroup": _LOGS_LOG_GROUP,
    "AWS::IAM::Role": _IAM_ROLE,
    "AWS::IAM::Policy": _IAM_POLICY,
    "AWS::IAM::ManagedPolicy": _IAM_MANAGED_POLICY,
    "AWS::IAM::RolePolicy": _IAM_ROLE_POLICY,
    "AWS::Events::Rule": _EVENTS_RULE,
    "AWS::Scheduler::Schedule": _SCHEDULER_SCHEDULE,
}

_WEBSOCKET_APIS = "WebSocket APIs: REST and HTTP APIs only"
_NESTED = "nested stacks: their APIs, functions and tables would be missing"
_CUSTOM = "its function is not run at deployment: what it would create or change is missing"
_WAF = "AWS WAF rules are not applied: every request reaches the API"
_DOMAINS = f"custom domain names are not served: {_LOCAL_URL}"

# Types serverlite refuses: they change what the API, the functions or the tables do.
REFUSED_TYPES: Mapping[str, str] = {
    "AWS::Serverless::WebSocketApi": _WEBSOCKET_APIS,
    "AWS::Serverless::Application": _NESTED,
    "AWS::Serverless::WebFunction": "web functions",
    "AWS::Lambda::WebFunction": "web functions",
    "AWS::Lambda::WebFunctionEndpoint": "web functions",
    "AWS::Lambda::WebFunctionRevision": "web functions",
    "AWS::CloudFormation::Stack": _NESTED,
    "AWS::Lambda::ResourcePolicy": "resource-based policies are not evaluated",
    "AWS::DynamoDB::GlobalTable": "global tables: use AWS::DynamoDB::Table",
}
# Namespaces whose other types change the API, the functions or the tables: refused unless listed.
_REFUSED_NAMESPACES: Mapping[str, str] = {
    "AWS::ApiGatewayV2::": _WEBSOCKET_APIS,
    "AWS::ApiGateway::": "",
    "AWS::Lambda::": "",
    "AWS::DynamoDB::": "",
    "AWS::Serverless::": "",
}
# Types of those namespaces that only configure other services or AWS's edge: not emulated, listed at start.
NOT_EMULATED_TYPES: Mapping[str, str] = {
    "AWS::ApiGateway::ClientCertificate": "backends are not sent a client certificate locally",
    "AWS::ApiGateway::VpcLink": _VPC_LINK,
    "AWS::ApiGateway::DomainName": _DOMAINS,
    "AWS::ApiGateway::DomainNameV2": _DOMAINS,
    "AWS::ApiGateway::BasePathMapping": _DOMAINS,
    "AWS::ApiGateway::BasePathMappingV2": _DOMAINS,
    "AWS::ApiGateway::DomainNameAccessAssociation": _DOMAINS,
    "AWS::Lambda::LayerVersionPermission": "layer permissions are not checked: every function may use them",
    "AWS::ApiGatewayV2::DomainName": _DOMAINS,
    "AWS::ApiGatewayV2::ApiMapping": _DOMAINS,
    "AWS::ApiGatewayV2::VpcLink": _VPC_LINK,
    "AWS::Lambda::CodeSigningConfig": "code signing is checked when code is deployed",
    "AWS::Lambda::CapacityProvider": _MANAGED_INSTANCES,
    "AWS::Serverless::StateMachine": "Step Functions are not emulated",
    "AWS::Serverless::GraphQLApi": "AppSync is not emulated",
    "AWS::Serverless::CapacityProvider": _MANAGED_INSTANCES,
    "AWS::CloudFormation::CustomResource": _CUSTOM,
    "AWS::Logs::SubscriptionFilter": "log events are not delivered to the filter's destination",
    "AWS::WAFv2::WebACLAssociation": _WAF,
    "AWS::WAFRegional::WebACLAssociation": _WAF,
    "AWS::Lambda::MicrovmImage": "MicroVM images are used by no function",
    "AWS::Lambda::NetworkConnector": "network connectors are used by no function",
    "AWS::Serverless::MicrovmImage": "MicroVM images are used by no function",
    "AWS::Serverless::NetworkConnector": "network connectors are used by no function",
}


def type_status(resource_type: str) -> tuple[Status, str]:
    """What serverlite does with a resource type, and why (for refused and not emulated ones)."""
    if resource_type in RESOURCE_PROPERTIES:
        return Status.SUPPORTED, ""
    if resource_type in REFUSED_TYPES:
        return Status.REFUSED, REFUSED_TYPES[resource_type]
    if resource_type in NOT_EMULATED_TYPES:
        return Status.NOT_EMULATED, NOT_EMULATED_TYPES[resource_type]
    if resource_type.startswith("Custom::"):
        return Status.NOT_EMULATED, _CUSTOM
    for prefix, reason in _REFUSED_NAMESPACES.items():
        if resource_type.startswith(prefix):
            return Status.REFUSED, reason
    return Status.NOT_EMULATED, "serverlite does not emulate this service"


# --- SAM function events --------------------------------------------------------------------------

EVENT_PROPERTIES: Mapping[str, Table] = {
    "Api": {
        "Auth": used(),
        "Method": used(),
        "Path": used(),
        "RequestModel": used(),
        "RequestParameters": used(),
        "ResponseTransferMode": used(check=_transfer_mode),
        "RestApiId": used(),
        "Stage": used(),
        "TimeoutInMillis": used(),
    },
    "HttpApi": {
        "ApiId": used(),
        "Auth": used(),
        "Method": used(),
        "Path": used(),
        "PayloadFormatVersion": used(),
        "RouteSettings": used(_ROUTE_SETTINGS),
        "Stage": used(),  # names the stage in the invoke permission SAM writes
        "TimeoutInMillis": used(),
    },
    "Schedule": {
        "DeadLetterConfig": harmless(_NOT_EMULATED_TARGET),
        "Description": harmless(_DOCS),
        "Enabled": used(),
        "Input": used(),
        "Name": used(),
        "RetryPolicy": harmless("failed scheduled invocations are logged, not retried"),
        "RuleName": used(),
        "Schedule": used(),
        "State": used(),
    },
    "ScheduleV2": {
        "DeadLetterConfig": harmless(_NOT_EMULATED_TARGET),
        "Description": harmless(_DOCS),
        "EndDate": refused(_TIME_BOUNDS),
        "FlexibleTimeWindow": _SCHEDULER_SCHEDULE["FlexibleTimeWindow"],
        "GroupName": used(),
        "Input": used(),
        "KmsKeyArn": harmless(_KMS),
        "Name": used(),
        "OmitName": harmless("schedule names are not visible to the function"),
        "PermissionsBoundary": harmless(_ROLE),
        "RetryPolicy": harmless("failed scheduled invocations are logged, not retried"),
        "RoleArn": harmless(_ROLE),
        "ScheduleExpression": used(),
        "ScheduleExpressionTimezone": used(),
        "StartDate": refused(_TIME_BOUNDS),
        "State": used(),
    },
    "DynamoDB": {
        "BatchSize": used(),
        "BisectBatchOnFunctionError": used(),
        "ConsumerGroupId": refused(_KAFKA),
        "DestinationConfig": harmless(_NOT_EMULATED_TARGET),
        "Enabled": used(),
        "FilterCriteria": used(_FILTER_CRITERIA),
        "FunctionResponseTypes": refused(_BATCH_FAILURES),
        "KafkaBootstrapServers": refused(_KAFKA),
        "KmsKeyArn": harmless(_KMS),
        "LoggingConfig": _LAMBDA_EVENT_SOURCE_MAPPING["LoggingConfig"],
        "MaximumBatchingWindowInSeconds": used(),
        "MaximumRecordAgeInSeconds": used(check=_record_age),
        "MaximumRetryAttempts": used(),
        "MetricsConfig": harmless(_METRICS),
        "ParallelizationFactor": _LAMBDA_EVENT_SOURCE_MAPPING["ParallelizationFactor"],
        "ProvisionedPollerConfig": _LAMBDA_EVENT_SOURCE_MAPPING["ProvisionedPollerConfig"],
        "Queues": refused(_MQ),
        "ScalingConfig": _LAMBDA_EVENT_SOURCE_MAPPING["ScalingConfig"],
        "SchemaRegistryConfig": refused(_KAFKA),
        "SecretsManagerKmsKeyId": refused(_MQ),
        "SourceAccessConfigurations": refused(_KAFKA),
        "StartingPosition": used(check=_STREAM_POSITION),
        "StartingPositionTimestamp": refused(_AT_TIMESTAMP),
        "Stream": used(),
        "Topics": refused(_KAFKA),
        "TumblingWindowInSeconds": refused(_TUMBLING),
    },
}
REFUSED_EVENT_TYPES: Mapping[str, str] = {}
_STILL_RUNS = "; the function still runs on API calls and serverlite invoke"
# Event types of services serverlite does not emulate -> what that means locally.
NOT_EMULATED_EVENT_TYPES: Mapping[str, str] = {
    kind: f"{meaning}{_STILL_RUNS}"
    for kind, meaning in {
        "SQS": "the queue never triggers it",
        "SNS": "the topic never triggers it",
        "S3": "the bucket never triggers it",
        "Kinesis": "the stream never triggers it",
        "MSK": "the Kafka topic never triggers it",
        "SelfManagedKafka": "the Kafka topic never triggers it",
        "MQ": "the broker never triggers it",
        "DocumentDB": "the change stream never triggers it",
        "CloudWatchEvent": "no event ever matches its pattern",
        "EventBridgeRule": "no event ever matches its pattern",
        "CloudWatchLogs": "the log group never triggers it",
        "IoTRule": "the IoT rule never triggers it",
        "AlexaSkill": "Alexa never calls it",
        "Cognito": "the user pool never triggers it",
    }.items()
}


def event_source_not_emulated(resource_type: str, properties: Mapping[str, Any]) -> str | None:
    """What an event source mapping or rule of a service serverlite does not emulate means locally.

    An `AWS::Lambda::EventSourceMapping` of another source than a DynamoDB stream never delivers; an
    `AWS::Events::Rule` with an `EventPattern` never matches (only schedules fire).
    """
    if resource_type == "AWS::Lambda::EventSourceMapping":
        arn = properties.get("EventSourceArn")
        if arn is None and "SelfManagedEventSource" in properties:
            return f"the Kafka topic never triggers it{_STILL_RUNS}"
        if arn is not None and _dynamodb_stream(arn, properties) is not None:
            service = str(arn).split(":")[2] if len(str(arn).split(":")) > 2 else "its source"
            return f"{_SERVICES.get(service, service)} never triggers it{_STILL_RUNS}"
    if resource_type == "AWS::Events::Rule" and properties.get("EventPattern") is not None:
        if _with_function_targets("x")(None, properties) is not None:
            return f"no event ever matches its pattern{_STILL_RUNS}"
    return None


# --- template sections, resource attributes, Globals ----------------------------------------------

TEMPLATE_SECTIONS: Table = {
    "AWSTemplateFormatVersion": used(),
    "Description": harmless(_DOCS),
    "Metadata": harmless("metadata is for tools"),
    "Parameters": used(),
    "Rules": harmless("parameter rules are checked by CloudFormation when it deploys"),
    "Mappings": used(),
    "Conditions": used(),
    "Transform": used(),  # the SAM transform only; others are refused by name
    "Globals": used(),
    "Resources": used(),
    "Outputs": harmless("outputs are shown by CloudFormation after a deployment"),
    "Hooks": harmless(_DEPLOY),
}
RESOURCE_ATTRIBUTES: Table = {
    "Type": used(),
    "Properties": used(),
    "Condition": used(),
    "DependsOn": harmless("serverlite starts everything before serving"),
    "Metadata": harmless("metadata is for tools"),
    "DeletionPolicy": harmless(_DEPLOY),
    "UpdateReplacePolicy": harmless(_DEPLOY),
    "UpdatePolicy": harmless(_DEPLOY),
    "CreationPolicy": harmless(_DEPLOY),
    "IgnoreGlobals": used(),
}
# `Globals` sections -> the type whose properties they hold.
GLOBALS_SECTIONS: Mapping[str, str] = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "SimpleTable": "AWS::Serverless::SimpleTable",
    "HttpApi": "AWS::Serverless::HttpApi",
    "WebSocketApi": "AWS::Serverless::WebSocketApi",
    "LayerVersion": "AWS::Serverless::LayerVersion",
    "StateMachine": "AWS::Serverless::StateMachine",
    "CapacityProvider": "AWS::Serverless::CapacityProvider",
}

# --- OpenAPI: x-amazon-apigateway-* extensions by where they may appear, and the keys of their objects ---

_EXT = "x-amazon-apigateway-"
_HTTP_API_EXTENSION = "an HTTP API extension: REST APIs only"
_HTTP_API_KEY = "an HTTP API setting: REST APIs only"
_OPENAPI_INTEGRATION: Table = {
    "cacheKeyParameters": harmless(_CACHE_DETAIL),
    "cacheNamespace": harmless(_CACHE_DETAIL),
    "connectionId": harmless("used with VPC links only, which are refused"),
    "connectionType": used(check=_connection_type),
    "contentHandling": used(check=_content_handling("type")),
    "credentials": harmless(_ROLE),
    "httpMethod": used(),
    "integrationSubtype": refused(_HTTP_API_KEY),
    "integrationTarget": refused(_VPC_LINK),
    "passthroughBehavior": used(),
    "payloadFormatVersion": refused(_HTTP_API_KEY),
    "requestParameters": used(check=_integration_parameters("type")),
    "requestTemplates": used(),
    "responseTransferMode": used(check=_transfer_mode),
    "responses": used(),  # each response: OPENAPI_NESTED["integration response"]
    "timeoutInMillis": used(),
    "tlsConfig": refused("TLS settings of HTTP integrations"),
    "type": used(check=_integration_type),
    "uri": used(),
}
_OPENAPI_INTEGRATION_RESPONSE: Table = {
    "contentHandling": used(check=lambda value, _: _BINARY),
    "responseParameters": used(),
    "responseTemplates": used(),
    "statusCode": used(),
}
_OPENAPI_AUTHORIZER: Table = {
    "authorizerCredentials": harmless(_ROLE),
    "authorizerPayloadFormatVersion": refused(_HTTP_API_KEY),
    "authorizerResultTtlInSeconds": used(),
    "authorizerUri": used(),
    "enableSimpleResponses": refused(_HTTP_API_KEY),
    "identitySource": used(),
    "identityValidationExpression": used(),
    "jwtConfiguration": refused(_HTTP_API_KEY),
    "providerARNs": used(),
    "type": used(
        check=one_of("token", "request", "cognito_user_pools", reason="not a REST API authorizer type")
    ),
}
_OPENAPI_GATEWAY_RESPONSE: Table = {
    "responseParameters": used(),
    "responseTemplates": used(),
    "statusCode": used(),
}
_OPENAPI_REQUEST_VALIDATOR: Table = {"validateRequestBody": used(), "validateRequestParameters": used()}
_OPENAPI_AUTH: Table = {
    "type": used(check=one_of("NONE", "AWS_IAM", reason="x-amazon-apigateway-auth type is NONE or AWS_IAM")),
}

# Objects inside extensions, checked key by key.
OPENAPI_NESTED: Mapping[str, Table] = {
    "integration": _OPENAPI_INTEGRATION,
    "integration response": _OPENAPI_INTEGRATION_RESPONSE,
    "authorizer": _OPENAPI_AUTHORIZER,
    "gateway response": _OPENAPI_GATEWAY_RESPONSE,
    "request validator": _OPENAPI_REQUEST_VALIDATOR,
    "auth": _OPENAPI_AUTH,
}

# Where an extension appears -> the extensions allowed there. Any other `x-amazon-apigateway-*` key, at any
# depth of the definition, is refused by name.
OPENAPI_EXTENSIONS: Mapping[str, Table] = {
    "root": {
        f"{_EXT}api-key-source": used(),
        f"{_EXT}binary-media-types": used(),
        f"{_EXT}documentation": harmless(_DOCS),
        f"{_EXT}endpoint-configuration": harmless(_LOCAL_URL),
        f"{_EXT}gateway-responses": used(),
        f"{_EXT}importexport-version": harmless(_DEPLOY),
        f"{_EXT}minimum-compression-size": refused(_COMPRESSION),
        f"{_EXT}policy": used(),
        f"{_EXT}request-validator": used(),
        f"{_EXT}request-validators": used(),
        f"{_EXT}security-policy": harmless(_TLS),
        f"{_EXT}endpoint-access-mode": harmless(_TLS),
        f"{_EXT}cors": refused(_HTTP_API_EXTENSION),
        f"{_EXT}tag-value": harmless(_TAGS),
    },
    "server": {f"{_EXT}endpoint-configuration": harmless(_LOCAL_URL)},
    "tag": {f"{_EXT}tag-value": harmless(_TAGS)},
    "path": {f"{_EXT}any-method": used()},
    "operation": {
        f"{_EXT}integration": used(),
        f"{_EXT}auth": used(),
        f"{_EXT}request-validator": used(),
        f"{_EXT}documentation": harmless(_DOCS),
    },
    "security scheme": {
        f"{_EXT}authtype": used(),
        f"{_EXT}authorizer": used(),
    },
    "components": {f"{_EXT}integrations": refused(_HTTP_API_EXTENSION)},
}
