"""Tables a template declares: created at start with their Time to Live, other services named as not emulated.

CloudFormation enables `TimeToLiveSpecification` after creating the table (CreateTable has no TTL
parameter; https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-table-timetolivespecification.html),
so DescribeTimeToLive answers ENABLED with the attribute named in the template.
"""

from __future__ import annotations

from pathlib import Path

import boto3

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Sessions:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Sessions
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}
  Plain:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Plain
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
  Alerts:
    Type: AWS::SNS::Topic
"""


def _client(port: int):  # noqa: ANN202 - boto3 clients have no public type
    return boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_time_to_live_of_the_template_is_enabled_and_kept_across_restarts(start_serverlite, tmp_path: Path):
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    data = tmp_path / "data"
    for _ in range(2):  # the second start finds the table and its TTL already there
        server = start_serverlite("--template", str(template), data_dir=data).wait_ready()
        assert (
            f"{template}:20: resource 'Alerts': AWS::SNS::Topic is not emulated: serverlite does not emulate this "
            "service" in server.lines
        )
        client = _client(server.dynamodb_port)
        assert client.describe_time_to_live(TableName="Sessions")["TimeToLiveDescription"] == {
            "TimeToLiveStatus": "ENABLED",
            "AttributeName": "expiresAt",
        }
        assert client.describe_time_to_live(TableName="Plain")["TimeToLiveDescription"] == {
            "TimeToLiveStatus": "DISABLED"
        }
        assert not any("Traceback" in line or "Error" in line for line in server.lines), server.lines
        assert server.stop() == 0
