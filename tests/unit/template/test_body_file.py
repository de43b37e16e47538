"""A REST API whose OpenAPI definition is a local `BodyS3Location` file (issue 4 scope)."""

import pytest

from serverlite.template.errors import TemplateError
from serverlite.template.load import load_application

from .conftest import Write

TEMPLATE = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: FromFile
      BodyS3Location: openapi.yaml
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: dev
  Hello:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: Hello
      Handler: app.handler
      Runtime: python3.12
      Code: src
      Role: arn:aws:iam::123456789012:role/any
"""
OPENAPI = """
openapi: "3.0.1"
info: {title: FromFile}
paths:
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:999999999999:function:Hello/invocations
"""


def test_local_body_file_becomes_the_api(write: Write) -> None:
    write(OPENAPI, "openapi.yaml")
    (api,) = load_application(write(TEMPLATE)).rest_apis
    hello = next(resource for resource in api.resources if resource.path == "/hello")
    integration = hello.methods["GET"].integration
    assert (integration.type, integration.function) == ("AWS_PROXY", "Hello")
    assert list(api.stages) == ["dev"]


def test_body_in_s3_is_refused_by_name(write: Write) -> None:
    path = write(TEMPLATE.replace("BodyS3Location: openapi.yaml", "BodyS3Location: {Bucket: b, Key: k}"))
    with pytest.raises(TemplateError) as raised:
        load_application(path)
    assert "BodyS3Location in an S3 bucket cannot be read locally" in str(raised.value)
