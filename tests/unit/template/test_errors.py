"""Every problem is one TemplateError reading `file:line: resource 'Id': message`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from serverlite.template.errors import TemplateError
from serverlite.template.load import load_application
from tests.unit.template.conftest import Write

FUNCTION = """
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Code: src
      Runtime: python3.12
      Handler: app.handler
"""


def message(path: Path, **overrides: str) -> str:
    with pytest.raises(TemplateError) as caught:
        load_application(path, parameter_overrides=overrides)
    return str(caught.value)


def test_bad_yaml_names_the_line(write: Write) -> None:
    path = write("Resources:\n  A:\n    Type: [x\n")
    assert (
        message(path)
        == f"{path}:4: invalid YAML: while parsing a flow sequence, did not find expected ',' or ']'"
    )


def test_duplicate_key(write: Write) -> None:
    path = write(FUNCTION + "  Fn:\n    Type: AWS::Logs::LogGroup\n")
    assert message(path) == f"{path}:10: duplicate key 'Fn'"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert message(path) == f"{path}: cannot read template: [Errno 2] No such file or directory: '{path}'"


def test_ref_to_unknown_resource_names_the_referrer(write: Write) -> None:
    path = write(FUNCTION + "      Role: !GetAtt Missing.Arn\n      Description: !Ref Nope\n")
    assert message(path) == f"{path}:4: resource 'Fn': Fn::GetAtt to unknown resource 'Missing'"
    path = write(FUNCTION + "      Description: !Ref Nope\n")
    assert message(path) == f"{path}:4: resource 'Fn': Ref to unknown resource or parameter 'Nope'"


def test_unknown_attribute_of_a_known_type(write: Write) -> None:
    path = write(FUNCTION + "      Description: !GetAtt Logs.Name\n")
    assert (
        message(path)
        == f"{path}:4: resource 'Fn': Fn::GetAtt: AWS::Logs::LogGroup 'Logs' has no attribute 'Name'"
    )


def test_missing_handler_runtime_and_code(write: Write) -> None:
    path = write(FUNCTION.replace("      Handler: app.handler\n", ""))
    assert message(path) == f"{path}:4: resource 'Fn': Handler is required"
    path = write(FUNCTION.replace("Handler: app.handler", "Handler: app"))
    assert message(path) == f"{path}:4: resource 'Fn': Handler 'app' must be module.function"
    path = write(FUNCTION.replace("python3.12", "cobol"))
    assert message(path) == f"{path}:4: resource 'Fn': Runtime 'cobol' is not a Lambda runtime"
    path = write(FUNCTION.replace("Code: src", "Code: missing"))
    assert message(path) == f"{path}:4: resource 'Fn': code folder {path.parent / 'missing'} does not exist"
    path = write(FUNCTION.replace("Code: src", "Code: {S3Bucket: b, S3Key: k}"))
    assert message(path) == (
        f"{path}:4: resource 'Fn': Code {{'S3Bucket': 'b', 'S3Key': 'k'}} is not a local folder: "
        "use a local CodeUri or InlineCode"
    )


def test_sam_function_without_handler_uses_the_sam_line_and_message(write: Write) -> None:
    path = write(
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          DemoCreateTable:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src
              Runtime: python3.12
              Handler: ""
        """
    )
    assert message(path) == (
        f"{path}:3: resource 'DemoCreateTable': Runtime and Handler needs to be present when PackageType is of type `Zip`"
    )


def test_sam_translator_error(write: Write) -> None:
    path = write(
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src
              Runtime: python3.12
              Handler: app.handler
              Events:
                Get:
                  Type: Api
                  Properties:
                    Method: get
        """
    )
    assert (
        message(path)
        == f"{path}:3: resource 'Fn': Event with id [Get] is invalid. Property 'Path' is required."
    )


def test_error_in_generated_resource_points_at_its_origin(write: Write) -> None:
    path = write(
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src
              Runtime: python3.12
              Handler: app.handler
              Policies:
                - Statement:
                    - Effect: Allow
                      Action: s3:GetObject
                      Resource: !GetAtt Bucket.Arn
        """
    )
    assert message(path) == f"{path}:3: resource 'FnRole': Fn::GetAtt to unknown resource 'Bucket'"


def test_parameter_errors(write: Write) -> None:
    path = write(
        """
        Parameters:
          Stage:
            Type: String
            AllowedValues: [dev, prod]
            Default: dev
          Size:
            Type: Number
            MaxValue: 10
          Name:
            Type: String
            Default: x
            AllowedPattern: "[a-z]+"
        """
        + textwrap.indent(FUNCTION, " " * 8)
    )
    assert message(path) == f"{path}:6: parameter 'Size': no Default and no override value"
    assert message(path, Size="11") == f"{path}:6: parameter 'Size': value '11' is greater than MaxValue 10"
    assert message(path, Size="x") == f"{path}:6: parameter 'Size': value 'x' is not a number"
    assert message(path, Size="1", Stage="qa") == (
        f"{path}:2: parameter 'Stage': value 'qa' is not one of the AllowedValues [dev, prod]"
    )
    assert message(path, Size="1", Name="X1") == (
        f"{path}:9: parameter 'Name': value 'X1' does not match the AllowedPattern [a-z]+"
    )
    assert (
        message(path, Size="1", Typo="1") == f"{path}: parameter overrides name undeclared parameters: Typo"
    )


def test_list_parameters(write: Write) -> None:
    path = write(
        """
        Parameters:
          Ids: {Type: "List<Number>", Default: "1,2"}
          Names: {Type: CommaDelimitedList, Default: "a,b"}
        """
        + textwrap.indent(FUNCTION, " " * 8)
        + "              Environment:\n                Variables: {IDS: !Join [+, !Ref Ids], N: !Select [1, !Ref Names]}\n"
    )
    assert dict(load_application(path).functions["Fn"].environment) == {"IDS": "1+2", "N": "b"}
    assert message(path, Ids="1,x") == f"{path}:2: parameter 'Ids': value 'x' is not a number"


def test_circular_reference(write: Write) -> None:
    path = write(
        """
        Resources:
          A:
            Type: AWS::Logs::LogGroup
            Properties: {LogGroupName: !Ref B}
          B:
            Type: AWS::Logs::LogGroup
            Properties: {LogGroupName: !Ref A}
        """
    )
    assert message(path) == f"{path}:2: resource 'A': circular reference through property LogGroupName"


def test_empty_template(write: Write) -> None:
    path = write("Description: nothing\n")
    assert message(path) == f"{path}:1: the Resources section is required and must not be empty"
