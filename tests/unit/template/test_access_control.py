"""API keys, usage plans and authorizers read from SAM `Auth` (as aws-sam-translator expands it) and from
plain CloudFormation resources."""

from serverlite.template.load import load_application
from serverlite.template.model import Quota, Throttle
from serverlite.template.usage_plans import generated_key_value

from .conftest import Write

SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        ApiKeyRequired: true
        UsagePlan:
          CreateUsagePlan: PER_API
          Quota: {Limit: 100, Period: WEEK, Offset: 1}
          Throttle: {RateLimit: 5, BurstLimit: 2}
        DefaultAuthorizer: Tok
        Authorizers:
          Tok:
            FunctionArn: !GetAtt AuthFn.Arn
            Identity: {Header: Auth, ValidationExpression: "^Bearer .+$", ReauthorizeEvery: 60}
          Req:
            FunctionPayloadType: REQUEST
            FunctionArn: !GetAtt AuthFn.Arn
            Identity: {Headers: [X-A], QueryStrings: [q]}
  AuthFn:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.auth, Runtime: python3.12, CodeUri: src}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
      Events:
        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /items, Method: get}}
        Req: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /req, Method: get, Auth: {Authorizer: Req}}}
"""


def test_sam_auth_expands_to_keys_plans_and_authorizers(write: Write) -> None:
    app = load_application(write(SAM))
    (api,) = app.rest_apis
    methods = {r.path: r.methods["GET"] for r in api.resources if "GET" in r.methods}
    token = api.authorizers[methods["/items"].authorizer_id]
    assert (token.type, token.function, token.identity_source) == (
        "TOKEN",
        "AuthFn",
        "method.request.header.Auth",
    )
    assert (token.identity_validation_expression, token.result_ttl_seconds) == ("^Bearer .+$", 60)
    request = api.authorizers[methods["/req"].authorizer_id]
    assert request.type == "REQUEST" and request.result_ttl_seconds == 300
    assert request.identity_source == "method.request.header.X-A, method.request.querystring.q"
    (key,) = app.api_keys
    assert key.enabled and key.value == generated_key_value(key.logical_id) and len(key.value) == 40
    (plan,) = app.usage_plans
    assert plan.key_ids == (key.id,) and [(s.api_id, s.stage) for s in plan.api_stages] == [(api.id, "dev")]
    assert plan.throttle == Throttle(5.0, 2) and plan.quota == Quota(100, "WEEK", 1)


CFN = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: tutorial, ApiKeySourceType: AUTHORIZER}
  Items:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items}
  Auth:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref Api
      Name: pool
      Type: COGNITO_USER_POOLS
      ProviderARNs: [arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc]
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: GET
      AuthorizationType: COGNITO_USER_POOLS
      AuthorizerId: !Ref Auth
      AuthorizationScopes: [music/read]
      ApiKeyRequired: true
      Integration: {Type: MOCK}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Get
    Properties: {RestApiId: !Ref Api, StageName: prod}
  Key:
    Type: AWS::ApiGateway::ApiKey
    Properties: {Name: partner, Value: partner-key-0123456789abcdef}
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    Properties:
      UsagePlanName: gold
      ApiStages:
        - ApiId: !Ref Api
          Stage: prod
          Throttle: {"/items/GET": {RateLimit: 1, BurstLimit: 1}}
  PlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties: {KeyId: !Ref Key, KeyType: API_KEY, UsagePlanId: !Ref Plan}
"""


def test_cloudformation_resources(write: Write) -> None:
    app = load_application(write(CFN))
    (api,) = app.rest_apis
    method = next(r.methods["GET"] for r in api.resources if r.path == "/items")
    pool = api.authorizers[method.authorizer_id]
    assert (pool.type, pool.identity_source) == ("COGNITO_USER_POOLS", "method.request.header.Authorization")
    assert method.authorization_scopes == ("music/read",) and method.api_key_required
    assert api.api_key_source == "AUTHORIZER"
    (key,) = app.api_keys
    assert (key.value, key.name, key.enabled) == (
        "partner-key-0123456789abcdef",
        "partner",
        False,
    )  # CFN default
    (plan,) = app.usage_plans
    assert plan.name == "gold" and plan.key_ids == (key.id,) and len(key.id) == 10 and len(plan.id) == 6
    assert plan.api_stages[0].throttle == {"/items/GET": Throttle(1.0, 1)}
