"""OpenAPI `security` becomes each method's AuthorizationType and ApiKeyRequired (SAM Auth expands to it)."""

from serverlite.template.load import load_application

from .conftest import Write

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        ApiKeyRequired: true
        DefaultAuthorizer: Pool
        Authorizers:
          Pool:
            UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /items
            Method: get
        Open:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /open
            Method: get
            Auth:
              Authorizer: NONE
              ApiKeyRequired: false
"""


def test_sam_auth_reaches_the_methods(write: Write) -> None:
    (api,) = load_application(write(TEMPLATE)).rest_apis
    methods = {
        resource.path: resource.methods["GET"] for resource in api.resources if "GET" in resource.methods
    }
    assert (methods["/items"].authorization_type, methods["/items"].api_key_required) == (
        "COGNITO_USER_POOLS",
        True,
    )
    assert (methods["/open"].authorization_type, methods["/open"].api_key_required) == ("NONE", False)
