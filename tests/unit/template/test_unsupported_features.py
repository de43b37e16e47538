"""Issue 4: each SAM, CloudFormation or OpenAPI feature serverlite does not support yet is refused at start
with a message that names it and its line; harmless ones are accepted; other services are listed as not
emulated. Real template files, loaded by `load_application` as `serverlite start` does."""

from __future__ import annotations

from pathlib import Path

import pytest

from serverlite.template.errors import TemplateError
from serverlite.template.load import load_application

from .conftest import Write

REPO = Path(__file__).resolve().parents[3]
LAMBDA_URI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"
FUNCTION = """
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Code: src
"""
API = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: A}
"""


def line(path: Path, text: str) -> int:
    """The 1-based number of the first line of `path` holding `text`."""
    return next(number for number, content in enumerate(path.read_text().splitlines(), 1) if text in content)


def refusal(path: Path) -> str:
    with pytest.raises(TemplateError) as raised:
        load_application(path)
    return str(raised.value)


# --- CloudFormation properties --------------------------------------------------------------------


def test_a_refused_nested_property_is_named_with_its_line(write: Write) -> None:
    path = write(
        API
        + f"""
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS
        IntegrationHttpMethod: POST
        Uri: !Sub {LAMBDA_URI}
        ContentHandling: CONVERT_TO_TEXT
"""
        + FUNCTION
    )
    assert refusal(path) == (
        f"{path}:{line(path, 'ContentHandling')}: resource 'Get': AWS::ApiGateway::Method property "
        "'Integration.ContentHandling' value 'CONVERT_TO_TEXT' is not supported by serverlite yet "
        "(binary conversions of non-proxy integrations)"
    )


def test_a_property_serverlite_does_not_know_is_refused_by_name(write: Write) -> None:
    path = write("Resources:" + FUNCTION + "      SomethingNew: {Enabled: true}\n")
    assert refusal(path) == (
        f"{path}:{line(path, 'SomethingNew')}: resource 'Fn': AWS::Lambda::Function property 'SomethingNew' "
        "is not supported by serverlite yet"
    )


@pytest.mark.parametrize(
    ("properties", "key", "expected"),
    [
        (
            "      PackageType: Image\n",
            "PackageType",
            "AWS::Lambda::Function property 'PackageType' value 'Image' is not supported by serverlite yet "
            "(container images: serverlite runs Zip functions from folders)",
        ),
        (
            # Lambda's SystemLogLevel enum is DEBUG, INFO, WARN (ERROR is an application log level only).
            "      LoggingConfig:\n        LogFormat: JSON\n        SystemLogLevel: ERROR\n",
            "SystemLogLevel",
            "AWS::Lambda::Function property 'LoggingConfig.SystemLogLevel' value 'ERROR' is not supported by "
            "serverlite yet (SystemLogLevel is DEBUG, INFO or WARN)",
        ),
    ],
)
def test_function_properties(write: Write, properties: str, key: str, expected: str) -> None:
    path = write("Resources:" + FUNCTION + properties)
    assert refusal(path) == f"{path}:{line(path, key)}: resource 'Fn': {expected}"


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARN"])
def test_every_system_log_level_is_served(write: Write, level: str) -> None:
    """The JSON platform events are filtered by SystemLogLevel (runtime/platform_log.py)."""
    path = write(
        "Resources:"
        + FUNCTION
        + f"      LoggingConfig:\n        LogFormat: JSON\n        SystemLogLevel: {level}\n"
    )
    assert load_application(path).functions["Fn"].system_log_level == level


def test_values_that_change_behaviour_are_refused_all_at_once(write: Write) -> None:
    path = write(
        API
        + """
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      StageName: dev
      CacheClusterEnabled: true
      MethodSettings:
        - {ResourcePath: "/*", HttpMethod: "*", CachingEnabled: false, MetricsEnabled: true}
  Queue:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Fn
      EventSourceArn: arn:aws:sqs:us-east-1:123456789012:jobs
  Songs:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      ResourcePolicy: {PolicyDocument: {Version: "2012-10-17", Statement: []}}
"""
        + FUNCTION
    )
    assert refusal(path).splitlines() == [
        f"{path}:{line(path, 'CacheClusterEnabled')}: resource 'Stage': AWS::ApiGateway::Stage property "
        "'CacheClusterEnabled' value true is not supported by serverlite yet "
        "(API caching: responses would never come from a cache)",
        f"{path}:{line(path, 'ResourcePolicy')}: resource 'Songs': AWS::DynamoDB::Table property "
        "'ResourcePolicy' is not supported by serverlite yet (resource-based policies are not evaluated by the IAM checks)",
    ]


def test_lambda_invocation_headers_of_a_lambda_integration_are_refused(write: Write) -> None:
    path = write(
        API
        + f"""
  Post:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: AWS
        IntegrationHttpMethod: POST
        Uri: !Sub {LAMBDA_URI}
        RequestParameters:
          integration.request.header.X-Amz-Invocation-Type: "'Event'"
"""
        + FUNCTION
    )
    assert refusal(path) == (
        f"{path}:{line(path, 'RequestParameters')}: resource 'Post': AWS::ApiGateway::Method property "
        "'Integration.RequestParameters' is not supported by serverlite yet "
        "(Lambda invocation headers: X-Amz-Invocation-Type)"
    )


# --- resource types -------------------------------------------------------------------------------


def test_resource_types_that_change_behaviour_are_refused(write: Write) -> None:
    path = write(
        "Resources:"
        + FUNCTION
        + """
  Socket:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: chat, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
"""
    )
    assert refusal(path) == (
        f"{path}:{line(path, 'WEBSOCKET')}: resource 'Socket': AWS::ApiGatewayV2::Api property 'ProtocolType' "
        "value 'WEBSOCKET' is not supported by serverlite yet (WebSocket APIs)"
    )


def test_resources_of_other_services_are_listed_as_not_emulated(write: Write) -> None:
    path = write(
        "Resources:"
        + FUNCTION
        + """
  Topic:
    Type: AWS::SNS::Topic
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties: {DomainName: api.example.com}
"""
    )
    assert load_application(path).not_emulated == (
        f"{path}:{line(path, 'AWS::SNS::Topic')}: resource 'Topic': AWS::SNS::Topic is not emulated: "
        "serverlite does not emulate this service",
        f"{path}:{line(path, 'AWS::ApiGateway::DomainName')}: resource 'Domain': AWS::ApiGateway::DomainName is "
        "not emulated: custom domain names are not served: serverlite serves every API at its local URL, which "
        "stands in for AWS's endpoints and domains",
    )


def test_harmless_properties_and_attributes_are_accepted(write: Write) -> None:
    path = write(
        """
Description: harmless things
Metadata: {Owner: me}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Code: src
      Description: says hello
      Architectures: [arm64]
      TracingConfig: {Mode: Active}
      Tags: [{Key: team, Value: music}]
Outputs:
  Name: {Value: !Ref Fn}
"""
    )
    assert list(load_application(path).functions) == ["Fn"]


def test_template_sections_transforms_and_attributes(write: Write) -> None:
    path = write(
        """
Transform: [AWS::SecretsManager-2020-07-23, AWS::Serverless-2016-10-31]
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Lifecycle: forever
    Properties: {Handler: app.handler, Runtime: python3.12, Code: src}
Extras: {}
"""
    )
    assert refusal(path).splitlines() == [
        f"{path}:{line(path, 'Transform')}: Transform 'AWS::SecretsManager-2020-07-23' is not supported by serverlite yet",
        f"{path}:{line(path, 'Lifecycle')}: resource 'Fn': resource attribute 'Lifecycle' is not supported by "
        "serverlite yet",
        f"{path}:{line(path, 'Extras')}: template section 'Extras' is not supported by serverlite yet",
    ]


# --- SAM ------------------------------------------------------------------------------------------

SAM_FUNCTION = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
"""


def test_sam_event_sources_are_refused_with_the_function_and_event(write: Write) -> None:
    path = write(
        SAM_FUNCTION
        + """      Events:
        Jobs:
          Type: SQS
          Properties: {Queue: arn:aws:sqs:us-east-1:123456789012:jobs}
        Http:
          Type: HttpApi
        Changes:
          Type: DynamoDB
          Properties:
            Stream: arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2024
            StartingPosition: AT_TIMESTAMP
"""
    )
    assert refusal(path).splitlines() == [
        f"{path}:{line(path, 'StartingPosition')}: resource 'Fn': AWS::Serverless::Function event 'Changes' "
        "property 'StartingPosition' value 'AT_TIMESTAMP' is not supported by serverlite yet "
        "(starting at a timestamp)",
    ]


def test_sam_properties_and_globals_use_sam_names(write: Write) -> None:
    path = write(
        """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Layers: [arn:aws:lambda:us-east-1:123456789012:layer:deps:3]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
      FunctionUrlConfig: {AuthType: NONE}
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: dev, MinimumCompressionSize: 1024}
  Http:
    Type: AWS::Serverless::HttpApi
"""
    )
    # FunctionUrlConfig and AWS::Serverless::HttpApi are served (issue 17); a layer by ARN needs --layer.
    layer = "arn:aws:lambda:us-east-1:123456789012:layer:deps:3"
    assert refusal(path).splitlines() == [
        f"{path}:{line(path, 'Fn:')}: resource 'Fn': layer {layer} cannot be downloaded here: give its "
        f"content with `serverlite start --layer {layer}=DIR` (DIR holds what the layer's zip holds, e.g. python/)",
        f"{path}:{line(path, 'MinimumCompressionSize')}: resource 'Api': AWS::Serverless::Api property "
        "'MinimumCompressionSize' is not supported by serverlite yet (response compression)",
    ]


def test_a_resource_whose_condition_is_false_is_not_checked(write: Write) -> None:
    path = write(
        """
Transform: AWS::Serverless-2016-10-31
Conditions:
  Never: !Equals [a, b]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.handler, Runtime: python3.12, CodeUri: src}
  WithUrl:
    Type: AWS::Serverless::Function
    Condition: Never
    Properties: {Handler: app.handler, Runtime: python3.12, CodeUri: src, FunctionUrlConfig: {AuthType: NONE}}
"""
    )
    assert list(load_application(path).functions) == ["Fn"]


def test_auto_publish_alias_integrates_the_function_through_its_alias(write: Write) -> None:
    path = write(
        SAM_FUNCTION
        + """      AutoPublishAlias: live
      Events:
        Get:
          Type: Api
          Properties: {Path: /hello, Method: get}
"""
    )
    (api,) = load_application(path).rest_apis
    (hello,) = [resource for resource in api.resources if resource.path == "/hello"]
    integration = hello.methods["GET"].integration
    assert integration.uri.endswith(":function:Fn:live/invocations")
    assert integration.function == "Fn"


# --- OpenAPI --------------------------------------------------------------------------------------

SAM_API = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      DefinitionBody:
        openapi: "3.0.1"
        info: {title: Api}
"""


def test_openapi_extensions_are_checked_where_they_appear(write: Write) -> None:
    path = write(
        SAM_API
        + """        x-amazon-apigateway-minimum-compression-size: 0
        paths:
          /items:
            x-amazon-apigateway-cache: {}
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: https://example.com/items
                connectionType: VPC_LINK
                connectionId: abc123
                tlsConfig: {insecureSkipVerification: true}
"""
    )
    integration = "paths./items.get.x-amazon-apigateway-integration"
    assert refusal(path).splitlines() == [
        f"{path}:{line(path, 'compression-size')}: resource 'Api': OpenAPI "
        "'x-amazon-apigateway-minimum-compression-size' is not supported by serverlite yet (response compression)",
        f"{path}:{line(path, 'apigateway-cache')}: resource 'Api': OpenAPI "
        "'paths./items.x-amazon-apigateway-cache' is not supported by serverlite yet",
        f"{path}:{line(path, 'connectionType')}: resource 'Api': OpenAPI '{integration}.connectionType' "
        "value 'VPC_LINK' is not supported by serverlite yet (VPC links)",
        f"{path}:{line(path, 'tlsConfig')}: resource 'Api': OpenAPI '{integration}.tlsConfig' is not "
        "supported by serverlite yet (TLS settings of HTTP integrations)",
    ]


def test_openapi_authorizers_of_http_apis_are_refused(write: Write) -> None:
    path = write(
        SAM_API
        + """        paths: {}
        components:
          securitySchemes:
            jwt:
              type: oauth2
              x-amazon-apigateway-authorizer:
                type: jwt
                jwtConfiguration: {audience: [me]}
"""
    )
    authorizer = "components.securitySchemes.jwt.x-amazon-apigateway-authorizer"
    assert refusal(path).splitlines() == [
        f"{path}:{line(path, 'type: jwt')}: resource 'Api': OpenAPI '{authorizer}.type' value 'jwt' is not "
        "supported by serverlite yet (not a REST API authorizer type)",
        f"{path}:{line(path, 'jwtConfiguration')}: resource 'Api': OpenAPI '{authorizer}.jwtConfiguration' is "
        "not supported by serverlite yet (an HTTP API setting: REST APIs only)",
    ]


def test_a_definition_file_is_refused_at_its_own_line(write: Write) -> None:
    definition = write(
        """
swagger: "2.0"
info: {title: FromFile}
x-amazon-apigateway-api-key-source: HEADER
paths:
  /items:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default: {statusCode: "200", contentHandling: CONVERT_TO_BINARY}
""",
        "openapi.yaml",
    )
    path = write(
        """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      BodyS3Location: openapi.yaml
"""
    )
    response = "paths./items.get.x-amazon-apigateway-integration.responses.default.contentHandling"
    assert refusal(path) == (
        f"{definition}:{line(definition, 'contentHandling')}: resource 'Api': OpenAPI '{response}' value "
        "'CONVERT_TO_BINARY' is not supported by serverlite yet (binary conversions of non-proxy integrations)"
    )


def test_x_amazon_apigateway_auth_asks_for_iam_authorization(write: Write) -> None:
    path = write(
        SAM_API
        + """        paths:
          /items:
            get:
              x-amazon-apigateway-auth: {type: AWS_IAM}
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: {application/json: '{"statusCode": 200}'}
"""
    )
    (api,) = load_application(path).rest_apis
    (items,) = [resource for resource in api.resources if resource.path == "/items"]
    assert items.methods["GET"].authorization_type == "AWS_IAM"


# --- what used to be silently ignored and is now served -------------------------------------------


def test_role_policies_and_custom_log_groups_are_applied(write: Write) -> None:
    path = write(
        "Resources:"
        + FUNCTION
        + """      Role: !GetAtt Role.Arn
      LoggingConfig: {LogGroup: /music/functions}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
  Reads:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Role
      PolicyName: reads
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "dynamodb:GetItem", Resource: "*"}]
"""
    )
    application = load_application(path)
    assert application.functions["Fn"].log_group_name == "/music/functions"
    (role,) = application.roles
    assert [name for name, _ in role.policies] == ["reads"]


# --- the templates serverlite ships ---------------------------------------------------------------


@pytest.mark.parametrize(
    "template", sorted(REPO.glob("examples/*/template.yaml")), ids=lambda p: p.parent.name
)
def test_every_example_is_accepted(template: Path) -> None:
    application = load_application(template)
    assert application.functions or application.rest_apis


def test_an_event_pattern_invoking_a_function_is_listed_as_not_emulated(write: Write) -> None:
    rule = """
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {source: [aws.s3]}
      Targets: [{Id: target, Arn: %s}]
"""
    path = write("Resources:" + FUNCTION + rule % "!GetAtt Fn.Arn")
    application = load_application(path)
    assert application.schedules == ()
    assert application.not_emulated == (
        f"{path}:{line(path, 'AWS::Events::Rule')}: resource 'Rule': AWS::Events::Rule is not emulated: no event "
        "ever matches its pattern; the function still runs on API calls and serverlite invoke",
    )
    other = write("Resources:" + FUNCTION + rule % "arn:aws:sqs:us-east-1:123456789012:jobs", "queue.yaml")
    assert load_application(other).schedules == ()


# --- serve what can be served (issue 16) ------------------------------------------------------------


def test_what_serverlite_does_not_emulate_is_listed_with_its_line_and_meaning(write: Write) -> None:
    path = write(
        SAM_FUNCTION
        + """      DurableConfig: {ExecutionTimeout: 900}
      FileSystemConfigs: [{Arn: arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1, LocalMountPath: /mnt/efs}]
      Events:
        Jobs:
          Type: SQS
          Properties: {Queue: !GetAtt Jobs.Arn}
        Get:
          Type: Api
          Properties: {Path: /hello, Method: get}
  Jobs:
    Type: AWS::SQS::Queue
  Firewall:
    Type: AWS::WAFv2::WebACLAssociation
    Properties: {ResourceArn: arn, WebACLArn: arn}
  Seed:
    Type: Custom::SeedTable
    Properties: {ServiceToken: !GetAtt Fn.Arn}
"""
    )
    application = load_application(path)
    still = "; the function still runs on API calls and serverlite invoke"
    assert application.not_emulated == (
        f"{path}:{line(path, 'DurableConfig')}: resource 'Fn': AWS::Serverless::Function property 'DurableConfig' "
        "is not emulated: the function runs as an ordinary function: no durable checkpoints, waits or replays",
        f"{path}:{line(path, 'FileSystemConfigs')}: resource 'Fn': AWS::Serverless::Function property "
        "'FileSystemConfigs' is not emulated: the EFS file system is not mounted: its path does not exist in the "
        "function",
        f"{path}:{line(path, 'Type: SQS')}: resource 'Fn': event 'Jobs' (SQS) is not emulated: the queue never "
        f"triggers it{still}",
        f"{path}:{line(path, 'AWS::SQS::Queue')}: resource 'Jobs': AWS::SQS::Queue is not emulated: serverlite "
        "does not emulate this service",
        f"{path}:{line(path, 'WebACLAssociation')}: resource 'Firewall': AWS::WAFv2::WebACLAssociation is not "
        "emulated: AWS WAF rules are not applied: every request reaches the API",
        f"{path}:{line(path, 'Custom::SeedTable')}: resource 'Seed': Custom::SeedTable is not emulated: its "
        "function is not run at deployment: what it would create or change is missing",
    )
    assert [resource.path for resource in application.rest_apis[0].resources] == ["/", "/hello"]
    assert [mapping.event_source_arn for mapping in application.event_sources] == [
        "arn:aws:sqs:us-east-1:123456789012:serverlite-Jobs"
    ]


def test_every_refusal_is_reported_in_one_run(write: Write) -> None:
    path = write(
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
      FunctionUrlConfig: {AuthType: NONE}
  Plain:
    Type: AWS::Lambda::Function
    Properties: {Handler: app.handler, Runtime: python3.12, Code: src, TenancyConfig: {TenantIsolationMode: PER_TENANT}}
  NoHandler:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Code: src}
"""
    )
    assert refusal(path).splitlines() == [
        f"{path}:{line(path, 'TenancyConfig')}: resource 'Plain': AWS::Lambda::Function property 'TenancyConfig' "
        "is not supported by serverlite yet (tenant isolation)",
        f"{path}:{line(path, 'NoHandler:')}: resource 'NoHandler': Handler is required",
    ]


def test_a_layer_that_cannot_be_downloaded_is_refused_with_how_to_supply_it(write: Write) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:layer:deps:3"
    path = write("Resources:" + FUNCTION + f"      Layers: [{arn}]\n")
    assert refusal(path) == (
        f"{path}:{line(path, 'Fn:')}: resource 'Fn': layer {arn} cannot be downloaded here: give its content "
        f"with `serverlite start --layer {arn}=DIR` (DIR holds what the layer's zip holds, e.g. python/)"
    )
    layer = path.parent / "deps-layer"
    (layer / "python").mkdir(parents=True)
    function = load_application(path, layers={arn: layer}).functions["Fn"]
    assert [(item.arn, item.content_dir) for item in function.layers] == [(arn, layer)]
