"""HTTP APIs and function URLs read from templates: SAM's `AWS::Serverless::HttpApi` (implicit and explicit),
`HttpApi` events, `FunctionUrlConfig`, and the `AWS::ApiGatewayV2::*` / `AWS::Lambda::Url` resources.

SAM's expansion: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-httpapi.html
(implicit API `ServerlessHttpApi` with a `$default` stage, auto-deployed). CloudFormation:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-api.html and
its Route, Integration, Stage and Authorizer pages.
"""

from __future__ import annotations

import pytest

from serverlite.template.errors import TemplateError
from serverlite.template.load import load_application
from serverlite.template.model import CorsConfiguration, HttpAuthorizer, Throttle

from .conftest import Write

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


def test_implicit_http_api_from_function_events(write: Write) -> None:
    path = write(
        SAM_FUNCTION
        + """      Events:
        Get:
          Type: HttpApi
          Properties: {Path: "/items/{id}", Method: get, TimeoutInMillis: 5000}
        Catch:
          Type: HttpApi
"""
    )
    (api,) = load_application(path).http_apis
    assert api.logical_id == "ServerlessHttpApi" and len(api.id) == 10
    assert {route.route_key: route.integration.timeout_ms for route in api.routes} == {
        "GET /items/{id}": 5000,
        "$default": 30000,
    }
    assert all(route.integration.function == "Fn" for route in api.routes)
    assert all(route.integration.payload_format_version == "2.0" for route in api.routes)
    assert list(api.stages) == ["$default"] and api.stages["$default"].auto_deploy


def test_explicit_http_api_with_stage_settings_cors_and_authorizers(write: Write) -> None:
    path = write(
        SAM_FUNCTION
        + """      Events:
        Post:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /items
            Method: POST
            PayloadFormatVersion: "1.0"
            Auth: {Authorizer: Jwt, AuthorizationScopes: [items/write]}
            RouteSettings: {ThrottlingBurstLimit: 2}
        Open:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /open, Method: GET, Auth: {Authorizer: NONE}}
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: dev
      StageVariables: {color: blue}
      DefaultRouteSettings: {ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20}
      CorsConfiguration:
        AllowOrigins: [https://example.com]
        AllowMethods: [get, post]
        AllowHeaders: [Authorization]
        MaxAge: 600
        AllowCredentials: true
      AccessLogSettings:
        DestinationArn: arn:aws:logs:us-east-1:123456789012:log-group:http-access
        Format: $context.requestId $context.routeKey $context.status
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            JwtConfiguration:
              issuer: https://issuer.example.com/
              audience: [client-1]
            IdentitySource: $request.header.Authorization
          Lambda:
            FunctionArn: !GetAtt Fn.Arn
            AuthorizerPayloadFormatVersion: "2.0"
            EnableSimpleResponses: true
            Identity: {Headers: [X-Token], ReauthorizeEvery: 30}
"""
    )
    (api,) = load_application(path).http_apis
    routes = {route.route_key: route for route in api.routes}
    post, open_route = routes["POST /items"], routes["GET /open"]
    assert post.integration.payload_format_version == "1.0"
    assert (post.authorization_type, post.authorization_scopes) == ("JWT", ("items/write",))
    assert open_route.authorization_type == "NONE"
    stage = api.stages["dev"]
    assert stage.variables == {"color": "blue"}
    assert stage.default_throttle == Throttle(rate_limit=10.0, burst_limit=20)
    assert stage.route_throttles == {"POST /items": Throttle(burst_limit=2)}
    assert stage.access_log is not None and stage.access_log.log_group_name == "http-access"
    assert api.cors == CorsConfiguration(
        allow_origins=("https://example.com",),
        allow_methods=("GET", "POST"),
        allow_headers=("authorization",),
        max_age=600,
        allow_credentials=True,
    )
    authorizers = {authorizer.name: authorizer for authorizer in api.authorizers.values()}
    assert authorizers["Jwt"] == HttpAuthorizer(
        id=post.authorizer_id or "",
        name="Jwt",
        type="JWT",
        identity_source=("$request.header.Authorization",),
        issuer="https://issuer.example.com/",
        audience=("client-1",),
    )
    lambda_authorizer = authorizers["Lambda"]
    assert (lambda_authorizer.type, lambda_authorizer.function) == ("REQUEST", "Fn")
    assert lambda_authorizer.identity_source == ("$request.header.X-Token",)
    assert (lambda_authorizer.enable_simple_responses, lambda_authorizer.result_ttl_seconds) == (True, 30)


CFN_FUNCTION = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Code: src
      Role: arn:aws:iam::123456789012:role/r
"""


def test_api_gateway_v2_resources(write: Write) -> None:
    path = write(
        CFN_FUNCTION.replace("Code: src", "Code: {ZipFile: 'def handler(e, c): return e'}")
        + """  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: items, ProtocolType: HTTP, DisableExecuteApiEndpoint: true}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Fn.Arn
      PayloadFormatVersion: "2.0"
      TimeoutInMillis: 1000
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /items/{id}
      Target: !Sub integrations/${Integration}
      AuthorizationType: CUSTOM
      AuthorizerId: !Ref Authorizer
  Authorizer:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Api
      Name: tokens
      AuthorizerType: REQUEST
      AuthorizerUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
      AuthorizerPayloadFormatVersion: "1.0"
      IdentitySource: [$request.header.Authorization, $request.querystring.user]
      AuthorizerResultTtlInSeconds: 60
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: prod
      StageVariables: {table: items}
      RouteSettings:
        GET /items/{id}: {ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1}
  Deployment:
    Type: AWS::ApiGatewayV2::Deployment
    DependsOn: Route
    Properties: {ApiId: !Ref Api}
"""
    )
    (api,) = load_application(path).http_apis
    assert (api.name, api.disable_execute_api_endpoint) == ("items", True)
    (route,) = api.routes
    assert route.route_key == "GET /items/{id}"
    assert (route.integration.function, route.integration.timeout_ms) == ("Fn", 1000)
    authorizer = api.authorizers[route.authorizer_id or ""]
    assert (authorizer.name, authorizer.payload_format_version, authorizer.result_ttl_seconds) == (
        "tokens",
        "1.0",
        60,
    )
    assert authorizer.identity_source == ("$request.header.Authorization", "$request.querystring.user")
    assert api.stages["prod"].route_throttles == {"GET /items/{id}": Throttle(1.0, 1)}


def test_quick_create_api_gets_a_default_route_and_stage(write: Write) -> None:
    path = write(
        CFN_FUNCTION.replace("Code: src", "Code: {ZipFile: 'def handler(e, c): return e'}")
        + """  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: quick, ProtocolType: HTTP, Target: !GetAtt Fn.Arn}
"""
    )
    (api,) = load_application(path).http_apis
    assert [route.route_key for route in api.routes] == ["$default"]
    assert list(api.stages) == ["$default"] and api.stages["$default"].auto_deploy


def test_openapi_definition_with_both_payload_formats(write: Write) -> None:
    path = write(
        SAM_FUNCTION
        + """  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        openapi: "3.0.1"
        info: {title: defined, version: "1"}
        paths:
          /v1:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
                payloadFormatVersion: "1.0"
          /v2:
            get:
              x-amazon-apigateway-integration: {$ref: "#/components/x-amazon-apigateway-integrations/fn"}
        components:
          x-amazon-apigateway-integrations:
            fn:
              type: aws_proxy
              uri: !GetAtt Fn.Arn
              payloadFormatVersion: "2.0"
"""
    )
    (api,) = load_application(path).http_apis
    versions = {route.route_key: route.integration.payload_format_version for route in api.routes}
    assert versions == {"GET /v1": "1.0", "GET /v2": "2.0"}
    assert api.name == "defined"


def test_function_url_config(write: Write) -> None:
    path = write(
        SAM_FUNCTION
        + """      FunctionUrlConfig:
        AuthType: AWS_IAM
        InvokeMode: RESPONSE_STREAM
        Cors: {AllowOrigins: ["*"], ExposeHeaders: [X-Id]}
"""
    )
    (url,) = load_application(path).function_urls
    assert (url.function, url.auth_type, url.invoke_mode, len(url.url_id)) == (
        "Fn",
        "AWS_IAM",
        "RESPONSE_STREAM",
        32,
    )
    assert url.cors == CorsConfiguration(allow_origins=("*",), expose_headers=("x-id",))


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ("{ProtocolType: HTTP, Target: https://example.com}", "HTTP_PROXY"),
        (
            "{ProtocolType: HTTP, Target: arn:aws:lambda:us-east-1:123456789012:function:Other}",
            "names no function",
        ),
    ],
)
def test_unservable_routes_are_refused_by_name(write: Write, properties: str, message: str) -> None:
    path = write(
        CFN_FUNCTION.replace("Code: src", "Code: {ZipFile: 'def handler(e, c): return e'}")
        + f"""  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {properties}
"""
    )
    with pytest.raises(TemplateError) as raised:
        load_application(path)
    assert "resource 'Api'" in str(raised.value) and message in str(raised.value)


def test_integration_settings_serverlite_does_not_act_on_are_refused(write: Write) -> None:
    path = write(
        SAM_FUNCTION
        + """  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        openapi: "3.0.1"
        info: {title: mapped, version: "1"}
        paths:
          /x:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                uri: !GetAtt Fn.Arn
                payloadFormatVersion: "2.0"
                requestParameters: {append:header.x-source: static}
"""
    )
    with pytest.raises(TemplateError) as raised:
        load_application(path)
    assert str(raised.value).endswith(
        "resource 'Api': Body: route GET /x: x-amazon-apigateway-integration 'requestParameters' is not "
        "supported by serverlite yet (parameter mapping of HTTP API integrations)"
    )


def test_a_local_definition_uri_is_read_as_sam_cli_does(write: Write) -> None:
    write(
        """
openapi: "3.0.1"
info: {title: from-file, version: "1"}
paths:
  /file:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Fn/invocations
        payloadFormatVersion: "2.0"
""",
        name="api.yaml",
    )
    path = write(
        SAM_FUNCTION.replace("CodeUri: src", "CodeUri: src\n      FunctionName: Fn")
        + """  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionUri: api.yaml
"""
    )
    (api,) = load_application(path).http_apis
    assert (api.name, [route.route_key for route in api.routes]) == ("from-file", ["GET /file"])
    assert api.routes[0].integration.function == "Fn"
