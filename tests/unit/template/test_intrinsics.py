"""Each intrinsic function, observed through a function's environment variables."""

from __future__ import annotations

import base64
import json

import pytest

from serverlite.template.errors import TemplateError
from serverlite.template.load import load_application
from tests.unit.template.conftest import Write

HEADER = """
Parameters:
  Env:
    Type: String
    Default: prod
  Sizes:
    Type: CommaDelimitedList
    Default: "a,b,c"
  Count:
    Type: Number
    Default: 3
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [!Ref Count, 3]]
  Either: !Or [!Condition IsDev, !Equals [a, b]]
Mappings:
  Regions:
    us-east-1:
      Ami: ami-1
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: music
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Logs:
    Type: AWS::Logs::LogGroup
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: api
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-fn"
      Code: src
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt Role.Arn
      Environment:
        Variables:
"""


def variables(write: Write, lines: str, **overrides: str) -> dict[str, str]:
    body = "".join(f"          {line}\n" for line in lines.strip().splitlines())
    path = write(HEADER + body)
    return dict(load_application(path, parameter_overrides=overrides).functions["Fn"].environment)


def test_ref_parameters_and_pseudo_parameters(write: Write) -> None:
    assert variables(
        write,
        """
        ENV: !Ref Env
        COUNT: !Ref Count
        REGION: !Ref AWS::Region
        ACCOUNT: !Ref AWS::AccountId
        PARTITION: !Ref AWS::Partition
        STACK: !Ref AWS::StackName
        SUFFIX: !Ref AWS::URLSuffix
        STACK_ID: !Ref AWS::StackId
        GONE: !Ref AWS::NoValue
        """.replace("        ", ""),
    ) == {
        "ENV": "prod",
        "COUNT": "3",
        "REGION": "us-east-1",
        "ACCOUNT": "123456789012",
        "PARTITION": "aws",
        "STACK": "serverlite",
        "SUFFIX": "amazonaws.com",
        "STACK_ID": "arn:aws:cloudformation:us-east-1:123456789012:stack/serverlite/"
        + variables(write, "X: !Select [2, !Split ['/', !Ref AWS::StackId]]")["X"],
    }


def test_ref_and_get_att_of_resources(write: Write) -> None:
    result = variables(
        write,
        """
        FN: !Ref Fn
        FN_ARN: !GetAtt Fn.Arn
        TABLE: !Ref Table
        TABLE_ARN: !GetAtt Table.Arn
        STREAM: !GetAtt [Table, StreamArn]
        ROLE: !Ref Role
        ROLE_ARN: !GetAtt Role.Arn
        LOGS: !Ref Logs
        LOGS_ARN: !GetAtt Logs.Arn
        API: !Ref Api
        ROOT: !GetAtt Api.RootResourceId
        """.replace("        ", ""),
    )
    api, root = result.pop("API"), result.pop("ROOT")
    assert len(api) == 10 and len(root) == 6 and (api + root).isalnum()
    assert result == {
        "FN": "serverlite-fn",
        "FN_ARN": "arn:aws:lambda:us-east-1:123456789012:function:serverlite-fn",
        "TABLE": "music",
        "TABLE_ARN": "arn:aws:dynamodb:us-east-1:123456789012:table/music",
        "STREAM": "arn:aws:dynamodb:us-east-1:123456789012:table/music/stream/1970-01-01T00:00:00.000",
        "ROLE": "serverlite-Role",
        "ROLE_ARN": "arn:aws:iam::123456789012:role/serverlite-Role",
        "LOGS": "serverlite-Logs",
        "LOGS_ARN": "arn:aws:logs:us-east-1:123456789012:log-group:serverlite-Logs:*",
    }


def test_sub_forms(write: Write) -> None:
    assert variables(
        write,
        """
        A: !Sub "${Env}-${AWS::Region}-${Table}-${Table.Arn}"
        B: !Sub ["${x}/${Env}", {x: !Ref Count}]
        C: !Sub "${!Literal}-${!Env.Arn}-${Env}"
        """.replace("        ", ""),
    ) == {
        "A": "prod-us-east-1-music-arn:aws:dynamodb:us-east-1:123456789012:table/music",
        "B": "3/prod",
        "C": "${Literal}-${Env.Arn}-prod",
    }


def test_join_select_split_base64_getazs_findinmap(write: Write) -> None:
    assert variables(
        write,
        """
        JOIN: !Join ["-", [a, !Ref Env, !Ref Count]]
        JOIN_LIST: !Join [":", !Ref Sizes]
        SELECT: !Select [1, !Ref Sizes]
        SELECT_TEXT_INDEX: !Select ["2", [x, y, z]]
        SPLIT: !Select [0, !Split [",", "p,q"]]
        B64: !Base64 hello
        AZ: !Select [0, !GetAZs ""]
        AZ2: !Select [1, !GetAZs eu-west-1]
        MAP: !FindInMap [Regions, !Ref AWS::Region, Ami]
        JSON: !ToJsonString {a: [1, true]}
        """.replace("        ", ""),
    ) == {
        "JOIN": "a-prod-3",
        "JOIN_LIST": "a:b:c",
        "SELECT": "b",
        "SELECT_TEXT_INDEX": "z",
        "SPLIT": "p",
        "B64": base64.b64encode(b"hello").decode(),
        "AZ": "us-east-1a",
        "AZ2": "eu-west-1b",
        "MAP": "ami-1",
        "JSON": json.dumps({"a": [1, True]}, separators=(",", ":")),
    }


def test_conditions(write: Write) -> None:
    lines = """
    IF: !If [IsProd, yep, nope]
    NOT: !If [IsDev, yep, nope]
    AND: !If [Both, yep, nope]
    OR: !If [Either, yep, nope]
    DROP: !If [IsProd, !Ref AWS::NoValue, kept]
    """.replace("    ", "")
    assert variables(write, lines) == {"IF": "yep", "NOT": "nope", "AND": "yep", "OR": "nope"}
    assert variables(write, lines, Env="dev") == {
        "IF": "nope",
        "NOT": "yep",
        "AND": "nope",
        "OR": "yep",
        "DROP": "kept",
    }


def test_resources_with_false_condition_are_dropped(write: Write) -> None:
    path = write(
        """
        Parameters:
          Make: {Type: String, Default: "no"}
        Conditions:
          MakeIt: !Equals [!Ref Make, "yes"]
        Resources:
          Logs:
            Type: AWS::Logs::LogGroup
            Condition: MakeIt
            Properties: {LogGroupName: extra}
          Other:
            Type: AWS::Logs::LogGroup
            Properties: {LogGroupName: always}
        """
    )
    assert load_application(path).log_groups == ("always",)
    assert load_application(path, parameter_overrides={"Make": "yes"}).log_groups == ("extra", "always")


def test_no_value_removes_list_elements(write: Write) -> None:
    path = write(
        """
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: !If [Never, x, !Ref AWS::NoValue]
              AttributeDefinitions:
                - {AttributeName: id, AttributeType: S}
                - !Ref AWS::NoValue
              KeySchema: [{AttributeName: id, KeyType: HASH}]
              ProvisionedThroughput: {ReadCapacityUnits: "5", WriteCapacityUnits: 2}
        Conditions:
          Never: !Equals [a, b]
        """
    )
    (table,) = load_application(path).tables
    assert table.create_table_request == {
        "TableName": "Table",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},
    }


def test_import_value_is_not_supported(write: Write) -> None:
    with pytest.raises(TemplateError) as caught:
        variables(write, "X: !ImportValue shared-vpc")
    assert str(caught.value).endswith(
        "resource 'Fn': Fn::ImportValue is not supported locally: other stacks' exports are unknown"
    )


def test_unknown_function_is_an_error(write: Write) -> None:
    with pytest.raises(TemplateError) as caught:
        variables(write, "X: !Cidr [10.0.0.0/16, 2, 8]")
    assert str(caught.value).endswith("resource 'Fn': Fn::Cidr is not supported")
