"""The application a template describes, after SAM expansion and intrinsic resolution.

Every later layer reads only these frozen dataclasses; none of them sees CloudFormation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "AccessLogSetting",
    "ApiKey",
    "Application",
    "Authorizer",
    "CorsConfiguration",
    "EventSourceMapping",
    "Function",
    "FunctionUrl",
    "GatewayResponseSetting",
    "HttpApi",
    "HttpAuthorizer",
    "HttpIntegration",
    "HttpStage",
    "Integration",
    "Layer",
    "Method",
    "MethodResponse",
    "MethodSetting",
    "Quota",
    "RequestValidator",
    "Resource",
    "RestApi",
    "Role",
    "Route",
    "ScheduleRule",
    "Stage",
    "Table",
    "Throttle",
    "UsagePlan",
    "UsagePlanStage",
]


@dataclass(frozen=True)
class Layer:
    """A layer a function uses: a local folder (`content_dir`, the layer zip's content, i.e. holding
    `python/`), a folder built from its `requirements.txt` (`build_method` `python3.X`, SAM's
    `Metadata.BuildMethod`: the folder is then what lands in `python/`), or a PyPI requirement standing in for
    a public layer (`requirement`, e.g. Powertools for AWS Lambda)."""

    arn: str
    content_dir: Path | None = None
    build_method: str | None = None
    requirement: str | None = None
    logical_id: str | None = None


@dataclass(frozen=True)
class Function:
    """An `AWS::Lambda::Function` whose code is a local folder."""

    logical_id: str
    name: str
    arn: str
    handler: str
    runtime: str
    code_dir: Path
    memory_size: int = 128
    timeout: int = 3
    environment: Mapping[str, str] = field(default_factory=dict)
    role_arn: str | None = None
    reserved_concurrency: int | None = None
    log_format: str = "Text"
    application_log_level: str | None = None
    system_log_level: str | None = None
    # `InlineCode` / `Code.ZipFile` source: the runtime writes it to `<data dir>/inline/<LogicalId>/index.py`
    # (runtime/launch.py); `code_dir` is then that folder under the default data dir.
    inline_code: str | None = None
    log_group: str | None = None  # `LoggingConfig.LogGroup`, when not the default
    architecture: str = "x86_64"  # `Architectures`: x86_64 or arm64
    layers: tuple[Layer, ...] = ()  # in the order of `Layers`

    @property
    def log_group_name(self) -> str:
        """The CloudWatch log group Lambda writes to: `LoggingConfig.LogGroup`, else `/aws/lambda/<name>`."""
        return self.log_group or f"/aws/lambda/{self.name}"


@dataclass(frozen=True)
class Role:
    """An `AWS::IAM::Role` and every policy attached to it (inline, `AWS::IAM::Policy`, managed ARNs)."""

    logical_id: str
    name: str
    arn: str
    # (policy name, document): the inline `Policies`, then the `AWS::IAM::Policy` resources naming the role
    policies: tuple[tuple[str, Mapping[str, object]], ...] = ()
    managed_policy_arns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Integration:
    """`x-amazon-apigateway-integration` / `AWS::ApiGateway::Method.Integration`.

    `type` is AWS's upper-case word: AWS_PROXY, AWS, HTTP, HTTP_PROXY or MOCK.
    `function` is the logical id of the target function for Lambda integrations.
    """

    type: str
    uri: str = ""
    function: str | None = None
    http_method: str = "POST"
    timeout_ms: int = 29000
    passthrough_behavior: str = "WHEN_NO_MATCH"
    request_templates: Mapping[str, str] = field(default_factory=dict)
    # selection pattern (or `default`) -> the extension's response object (`statusCode`,
    # `responseTemplates`, `responseParameters`, `contentHandling`); CloudFormation's IntegrationResponses
    # are converted to this form.
    responses: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    content_handling: str | None = None
    # `integration.request.<where>.<name>` -> `method.request.<where>.<name>`, `'literal'`, `stageVariables.x`
    request_parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MethodResponse:
    """One method response: its status and headers (`method.response.header.X` -> required)."""

    status_code: str
    response_parameters: Mapping[str, bool] = field(default_factory=dict)
    response_models: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Method:
    """One HTTP method on a resource; `http_method` is upper case or `ANY`."""

    http_method: str
    integration: Integration
    authorization_type: str = "NONE"
    api_key_required: bool = False
    operation_name: str | None = None
    authorizer_id: str | None = None  # for CUSTOM and COGNITO_USER_POOLS: a key of `RestApi.authorizers`
    authorization_scopes: tuple[str, ...] = ()
    # None: the template declares no method responses at all (an OpenAPI operation without `responses`).
    method_responses: Mapping[str, MethodResponse] | None = None
    # `method.request.{path,querystring,header}.<name>` -> required
    request_parameters: Mapping[str, bool] = field(default_factory=dict)
    request_models: Mapping[str, str] = field(default_factory=dict)  # content type -> model name
    request_validator_id: str | None = None  # a key of `RestApi.request_validators`


@dataclass(frozen=True)
class RequestValidator:
    """`AWS::ApiGateway::RequestValidator` / `x-amazon-apigateway-request-validators` entry."""

    id: str
    name: str
    validate_request_body: bool = False
    validate_request_parameters: bool = False


@dataclass(frozen=True)
class GatewayResponseSetting:
    """A customised gateway response (`AWS::ApiGateway::GatewayResponse`,
    `x-amazon-apigateway-gateway-responses`).

    `response_parameters` maps `gatewayresponse.header.<name>` to `'literal'`, `method.request.…` or
    `context.…`/`stageVariables.…`; `response_templates` maps a content type to a template.
    """

    response_type: str
    status_code: str | None = None
    response_parameters: Mapping[str, str] = field(default_factory=dict)
    response_templates: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Authorizer:
    """`AWS::ApiGateway::Authorizer` / OpenAPI `x-amazon-apigateway-authorizer`.

    `type` is TOKEN, REQUEST or COGNITO_USER_POOLS; `function` is the logical id of a Lambda authorizer's
    function; `identity_source` is AWS's comma-separated text, e.g. `method.request.header.Authorization`.
    """

    id: str
    name: str
    type: str
    identity_source: str = ""
    function: str | None = None
    uri: str = ""
    identity_validation_expression: str | None = None
    result_ttl_seconds: int = 300
    provider_arns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """A node of the API's resource tree, e.g. `/music/{id}`; `id` is 6 lower-case alnum chars."""

    id: str
    path: str
    methods: Mapping[str, Method] = field(default_factory=dict)


@dataclass(frozen=True)
class AccessLogSetting:
    """Stage access logging: the log group ARN and the one-line `$context` format."""

    destination_arn: str
    format: str

    @property
    def log_group_name(self) -> str:
        """`arn:aws:logs:r:acct:log-group:NAME[:*]` -> NAME."""
        name = self.destination_arn.split(":log-group:", 1)[-1]
        return name[:-2] if name.endswith(":*") else name


@dataclass(frozen=True)
class MethodSetting:
    """One `MethodSettings` entry of a stage (`/*` and `*` mean every resource / method)."""

    resource_path: str = "/*"
    http_method: str = "*"
    logging_level: str = "OFF"
    data_trace_enabled: bool = False
    metrics_enabled: bool = False
    throttling_burst_limit: int | None = None
    throttling_rate_limit: float | None = None


@dataclass(frozen=True)
class Stage:
    """A deployed stage: served at `/<name>/...`."""

    name: str
    deployment_id: str
    variables: Mapping[str, str] = field(default_factory=dict)
    access_log: AccessLogSetting | None = None
    method_settings: tuple[MethodSetting, ...] = ()
    tracing_enabled: bool = False


@dataclass(frozen=True)
class RestApi:
    """An API Gateway REST API with its resource tree and stages."""

    logical_id: str
    id: str
    name: str
    resources: tuple[Resource, ...]
    stages: Mapping[str, Stage]
    binary_media_types: tuple[str, ...] = ()
    policy: Mapping[str, object] | None = None
    endpoint_type: str = "EDGE"
    authorizers: Mapping[str, Authorizer] = field(default_factory=dict)
    api_key_source: str = "HEADER"  # or AUTHORIZER (`usageIdentifierKey` of a Lambda authorizer)
    models: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # model name -> JSON schema
    request_validators: Mapping[str, RequestValidator] = field(default_factory=dict)
    gateway_responses: Mapping[str, GatewayResponseSetting] = field(default_factory=dict)  # by response type


# --- API Gateway v2: HTTP APIs ----------------------------------------------------------------------


@dataclass(frozen=True)
class HttpIntegration:
    """An HTTP API integration (`AWS::ApiGatewayV2::Integration`, `x-amazon-apigateway-integration`).

    `type` is AWS_PROXY: a Lambda function (`function` is its logical id); `payload_format_version` is `2.0`
    or `1.0`; HTTP APIs time out after 30 s at most.
    """

    type: str
    uri: str = ""
    function: str | None = None
    payload_format_version: str = "2.0"
    timeout_ms: int = 30000


@dataclass(frozen=True)
class Route:
    """One route: `GET /items/{id}`, `ANY /{proxy+}` or `$default`.

    `authorization_type` is NONE, JWT, CUSTOM (a Lambda authorizer) or AWS_IAM; `authorizer_id` is a key of
    `HttpApi.authorizers`.
    """

    route_key: str
    integration: HttpIntegration
    authorization_type: str = "NONE"
    authorizer_id: str | None = None
    authorization_scopes: tuple[str, ...] = ()

    @property
    def method(self) -> str:
        """`GET`, `ANY`; `$default` for the default route."""
        return self.route_key.split(" ", 1)[0]

    @property
    def path(self) -> str | None:
        """`/items/{id}`; None for the `$default` route."""
        parts = self.route_key.split(" ", 1)
        return parts[1] if len(parts) == 2 else None


@dataclass(frozen=True)
class HttpStage:
    """An HTTP API stage: `$default` is served without a path prefix, others at `/<name>/...`.

    `default_throttle` is `DefaultRouteSettings`; `route_throttles` the `RouteSettings` by route key.
    """

    name: str
    variables: Mapping[str, str] = field(default_factory=dict)
    access_log: AccessLogSetting | None = None
    default_throttle: Throttle | None = None
    route_throttles: Mapping[str, Throttle] = field(default_factory=dict)
    auto_deploy: bool = False


@dataclass(frozen=True)
class CorsConfiguration:
    """`CorsConfiguration` of an HTTP API or `Cors` of a function URL (names lower-cased where AWS does)."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False


@dataclass(frozen=True)
class HttpAuthorizer:
    """`AWS::ApiGatewayV2::Authorizer` / an HTTP API `x-amazon-apigateway-authorizer`.

    `type` is JWT or REQUEST (a Lambda authorizer); `identity_source` holds selection expressions such as
    `$request.header.Authorization`.
    """

    id: str
    name: str
    type: str
    identity_source: tuple[str, ...] = ()
    issuer: str | None = None
    audience: tuple[str, ...] = ()
    function: str | None = None
    uri: str = ""
    payload_format_version: str = "2.0"
    enable_simple_responses: bool = False
    result_ttl_seconds: int = 0


@dataclass(frozen=True)
class HttpApi:
    """An API Gateway HTTP API (`AWS::ApiGatewayV2::Api` with `ProtocolType: HTTP`)."""

    logical_id: str
    id: str
    name: str
    routes: tuple[Route, ...]
    stages: Mapping[str, HttpStage]
    cors: CorsConfiguration | None = None
    authorizers: Mapping[str, HttpAuthorizer] = field(default_factory=dict)
    disable_execute_api_endpoint: bool = False


@dataclass(frozen=True)
class FunctionUrl:
    """An `AWS::Lambda::Url` (SAM's `FunctionUrlConfig`): `url_id` is the 32-character host label."""

    logical_id: str
    function: str
    url_id: str
    auth_type: str = "NONE"
    cors: CorsConfiguration | None = None
    invoke_mode: str = "BUFFERED"


@dataclass(frozen=True)
class ApiKey:
    """`AWS::ApiGateway::ApiKey`; `id` is what `Ref` returns, `value` what clients send as `x-api-key`."""

    logical_id: str
    id: str
    value: str
    name: str
    enabled: bool = True


@dataclass(frozen=True)
class Throttle:
    """Steady-state requests per second and bucket size; None means that limit is not set."""

    rate_limit: float | None = None
    burst_limit: int | None = None


@dataclass(frozen=True)
class Quota:
    """At most `limit` requests per `period` (DAY, WEEK or MONTH, UTC) starting `offset` days in."""

    limit: int
    period: str
    offset: int = 0


@dataclass(frozen=True)
class UsagePlanStage:
    """One of a usage plan's `ApiStages`; `throttle` maps `/path/METHOD` to that method's own limits."""

    api_id: str
    stage: str
    throttle: Mapping[str, Throttle] = field(default_factory=dict)


@dataclass(frozen=True)
class UsagePlan:
    """`AWS::ApiGateway::UsagePlan` with the keys its `AWS::ApiGateway::UsagePlanKey`s attach."""

    logical_id: str
    id: str
    name: str
    api_stages: tuple[UsagePlanStage, ...] = ()
    throttle: Throttle | None = None
    quota: Quota | None = None
    key_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """An `AWS::DynamoDB::Table`; `create_table_request` is the CreateTable request body to make it."""

    logical_id: str
    name: str
    create_table_request: Mapping[str, object]
    #: The attribute of `TimeToLiveSpecification` when it is enabled (an UpdateTimeToLive after creation).
    time_to_live_attribute: str | None = None


@dataclass(frozen=True)
class EventSourceMapping:
    """An `AWS::Lambda::EventSourceMapping` (SAM `Events` of type `DynamoDB` become one).

    `function` is the logical id of the function; `filter_patterns` are the `FilterCriteria.Filters`
    `Pattern` strings; `maximum_retry_attempts` -1 means until the record expires.
    """

    logical_id: str
    id: str
    function: str
    event_source_arn: str
    starting_position: str = "LATEST"
    batch_size: int = 100
    maximum_batching_window_seconds: float = 0.0
    maximum_retry_attempts: int = -1
    bisect_batch_on_function_error: bool = False
    filter_patterns: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class ScheduleRule:
    """A schedule invoking a function: an `AWS::Events::Rule` target or an `AWS::Scheduler::Schedule`.

    `expression` is `rate(...)`, `cron(...)` (or `at(...)` for the Scheduler); `input` is the target's
    constant `Input` JSON text (None: the scheduled-event JSON).
    """

    logical_id: str
    name: str
    arn: str
    expression: str
    function: str
    input: str | None = None
    enabled: bool = True
    timezone: str = "UTC"


@dataclass(frozen=True)
class Application:
    """Everything `serverlite start` runs, read from one template."""

    template_path: Path
    region: str
    account_id: str
    functions: Mapping[str, Function]
    rest_apis: tuple[RestApi, ...] = ()
    http_apis: tuple[HttpApi, ...] = ()
    function_urls: tuple[FunctionUrl, ...] = ()
    tables: tuple[Table, ...] = ()
    log_groups: tuple[str, ...] = ()
    api_keys: tuple[ApiKey, ...] = ()
    usage_plans: tuple[UsagePlan, ...] = ()
    event_sources: tuple[EventSourceMapping, ...] = ()
    schedules: tuple[ScheduleRule, ...] = ()
    roles: tuple[Role, ...] = ()
    # What the template declares that serverlite does not emulate, one located line each, for the start-up
    # output: `template.yaml:40: resource 'Worker': event 'Jobs' (SQS) is not emulated: the queue ...`.
    not_emulated: tuple[str, ...] = ()

    def function_by_name(self, name: str) -> Function | None:
        """Find a function by its `FunctionName` or its logical id."""
        for function in self.functions.values():
            if name in (function.name, function.logical_id):
                return function
        return None
