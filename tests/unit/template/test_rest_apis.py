"""REST APIs from Resource/Method resources (the tutorial's shape) and from an OpenAPI Body."""

from __future__ import annotations

from serverlite.template.load import load_application
from serverlite.template.model import AccessLogSetting, Integration, Method, MethodSetting, Stage
from tests.unit.template.conftest import Write

TUTORIAL = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: DemoRESTAPI
      EndpointConfiguration: {Types: [REGIONAL]}
  Music:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: DemoResourceMusic
  Item:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !Ref Music
      PathPart: "{id}"
  GetItem:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Item
      HttpMethod: get
      AuthorizationType: NONE
      ApiKeyRequired: true
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Handler.Arn}:live/invocations
  RootMock:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: ANY
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        PassthroughBehavior: when_no_templates
        RequestTemplates: {application/json: '{"statusCode": 200}'}
        IntegrationResponses:
          - StatusCode: 200
            ResponseTemplates: {application/json: '{"ok": true}'}
          - StatusCode: "400"
            SelectionPattern: ".*Bad.*"
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [GetItem, RootMock]
    Properties:
      RestApiId: !Ref Api
      StageName: dev
      StageDescription:
        LoggingLevel: ERROR
        Variables: {v: 1}
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: !Ref Deployment
      StageName: prod
      TracingEnabled: true
      Variables: {table: music}
      MethodSettings:
        - ResourcePath: /~1DemoResourceMusic~1{id}
          HttpMethod: GET
          MetricsEnabled: true
          ThrottlingBurstLimit: 10
          ThrottlingRateLimit: 2.5
  Handler:
    Type: AWS::Lambda::Function
    Properties:
      Code: src
      Runtime: python3.12
      Handler: app.handler
"""


def test_tutorial_resource_tree(write: Write) -> None:
    (api,) = load_application(write(TUTORIAL)).rest_apis
    assert (api.logical_id, api.name, api.endpoint_type, api.policy) == (
        "Api",
        "DemoRESTAPI",
        "REGIONAL",
        None,
    )
    assert [resource.path for resource in api.resources] == [
        "/",
        "/DemoResourceMusic",
        "/DemoResourceMusic/{id}",
    ]
    root, music, item = api.resources
    assert music.methods == {}
    assert item.methods == {
        "GET": Method(
            http_method="GET",
            integration=Integration(
                type="AWS_PROXY",
                uri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                "arn:aws:lambda:us-east-1:123456789012:function:Handler:live/invocations",
                function="Handler",
            ),
            api_key_required=True,
        )
    }
    assert root.methods["ANY"].integration == Integration(
        type="MOCK",
        passthrough_behavior="WHEN_NO_TEMPLATES",
        request_templates={"application/json": '{"statusCode": 200}'},
        responses={
            "default": {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}},
            ".*Bad.*": {"statusCode": "400"},
        },
    )


def test_resource_ids_match_refs(write: Write) -> None:
    path = write(TUTORIAL.replace("Variables: {table: music}", "Variables: {table: music, item: !Ref Item}"))
    (api,) = load_application(path).rest_apis
    assert api.stages["prod"].variables["item"] == api.resources[2].id
    assert len({resource.id for resource in api.resources}) == 3


def test_tutorial_stages(write: Write) -> None:
    (api,) = load_application(write(TUTORIAL)).rest_apis
    deployment_id = api.stages["dev"].deployment_id
    assert api.stages == {
        "dev": Stage(
            name="dev",
            deployment_id=deployment_id,
            variables={"v": "1"},
            method_settings=(MethodSetting(logging_level="ERROR"),),
        ),
        "prod": Stage(
            name="prod",
            deployment_id=deployment_id,
            variables={"table": "music"},
            method_settings=(
                MethodSetting(
                    resource_path="/DemoResourceMusic/{id}",
                    http_method="GET",
                    metrics_enabled=True,
                    throttling_burst_limit=10,
                    throttling_rate_limit=2.5,
                ),
            ),
            tracing_enabled=True,
        ),
    }


OPENAPI = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      BinaryMediaTypes: [image~1png]
      Policy: '{"Version": "2012-10-17", "Statement": []}'
      Body:
        openapi: 3.0.1
        info: {title: From Body}
        x-amazon-apigateway-binary-media-types: [application/octet-stream, image/png]
        paths:
          /pets/{id}:
            parameters: []
            x-amazon-apigateway-any-method:
              operationId: anyPet
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: any
                uri: https://example.com/pets/{id}
                timeoutInMillis: 5000
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: abc123
      StageName: v1
      AccessLogSetting: {DestinationArn: !GetAtt Logs.Arn, Format: $context.requestId}
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: /api/access}
"""


def test_openapi_body(write: Write) -> None:
    (api,) = load_application(write(OPENAPI)).rest_apis
    assert (api.name, api.endpoint_type) == ("From Body", "EDGE")
    assert api.binary_media_types == ("application/octet-stream", "image/png")
    assert api.policy == {"Version": "2012-10-17", "Statement": []}
    assert [resource.path for resource in api.resources] == ["/", "/pets", "/pets/{id}"]
    assert api.resources[2].methods == {
        "ANY": Method(
            http_method="ANY",
            integration=Integration(
                type="HTTP_PROXY",
                uri="https://example.com/pets/{id}",
                http_method="ANY",
                timeout_ms=5000,
            ),
            operation_name="anyPet",
        )
    }
    assert api.stages == {
        "v1": Stage(
            name="v1",
            deployment_id="abc123",
            access_log=AccessLogSetting(
                "arn:aws:logs:us-east-1:123456789012:log-group:/api/access:*", "$context.requestId"
            ),
        )
    }
