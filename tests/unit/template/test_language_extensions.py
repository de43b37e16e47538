"""The AWS::LanguageExtensions transform: Fn::ForEach over a list parameter, Fn::Length, Fn::ToJsonString
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html)."""

from __future__ import annotations

from serverlite.template.load import load_application

from .conftest import Write

TEMPLATE = """
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Names: {Type: CommaDelimitedList, Default: "orders,order-items"}
Resources:
  Fn::ForEach::Tables:
    - Name
    - !Ref Names
    - Table&{Name}:
        Type: AWS::DynamoDB::Table
        Properties:
          TableName: !Sub "${Name}-table"
          AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
          KeySchema: [{AttributeName: id, KeyType: HASH}]
          BillingMode: PAY_PER_REQUEST
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
      Environment:
        Variables:
          COUNT: {Fn::Length: !Ref Names}
          CONFIG: {Fn::ToJsonString: {retries: 3}}
"""


def test_for_each_length_and_to_json_string(write: Write) -> None:
    application = load_application(write(TEMPLATE))
    assert [(table.logical_id, table.name) for table in application.tables] == [
        ("Tableorders", "orders-table"),
        ("Tableorderitems", "order-items-table"),
    ]
    assert application.functions["Fn"].environment == {"COUNT": "2", "CONFIG": '{"retries":3}'}
