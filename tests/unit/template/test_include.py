"""`Fn::Transform: AWS::Include` of a local file puts the file's content in place; an S3 Location is refused
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-include.html)."""

from __future__ import annotations

from pathlib import Path

import pytest

from serverlite.template.errors import TemplateError
from serverlite.template.load import load_application

from .conftest import Write

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      DefinitionBody:
        Fn::Transform: {Name: AWS::Include, Parameters: {Location: LOCATION}}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.handler, Runtime: python3.12, CodeUri: src}
"""
BODY = """
openapi: "3.0.1"
info: {title: included}
paths:
  /items:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
"""


def test_a_local_include_is_the_files_content(write: Write, tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(BODY)
    (api,) = load_application(write(TEMPLATE.replace("LOCATION", "api.yaml"))).rest_apis
    assert api.name == "included"
    items = next(resource for resource in api.resources if resource.path == "/items")
    assert items.methods["GET"].integration.function == "Fn"


def test_an_include_from_s3_is_refused(write: Write) -> None:
    path = write(TEMPLATE.replace("LOCATION", "s3://bucket/api.yaml"))
    with pytest.raises(TemplateError) as raised:
        load_application(path)
    assert str(raised.value) == (
        f"{path}: AWS::Include Location 's3://bucket/api.yaml' cannot be read here: give a local file path"
    )
