"""SAM `DynamoDB`, `Schedule` and `ScheduleV2` events -> EventSourceMapping and ScheduleRule."""

from __future__ import annotations

import textwrap

from serverlite.template.load import load_application

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Songs:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Songs.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 7
            MaximumBatchingWindowInSeconds: 2
            MaximumRetryAttempts: 3
            BisectBatchOnFunctionError: true
            FilterCriteria: {Filters: [{Pattern: '{"eventName": ["INSERT"]}'}]}
        Nightly:
          Type: Schedule
          Properties:
            Schedule: cron(0 3 * * ? *)
            Input: '{"job": "nightly"}'
        Often:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(5 minutes)
            ScheduleExpressionTimezone: Europe/Paris
"""


def test_mapping_and_schedules(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(TEMPLATE))
    application = load_application(path)
    (mapping,) = application.event_sources
    assert mapping.function == "Worker"
    assert mapping.event_source_arn.startswith("arn:aws:dynamodb:us-east-1:123456789012:table/Songs/stream/")
    assert (mapping.starting_position, mapping.batch_size, mapping.maximum_batching_window_seconds) == (
        "TRIM_HORIZON",
        7,
        2.0,
    )
    assert (mapping.maximum_retry_attempts, mapping.bisect_batch_on_function_error) == (3, True)
    assert mapping.filter_patterns == ('{"eventName": ["INSERT"]}',)
    rules = {rule.expression: rule for rule in application.schedules}
    nightly, often = rules["cron(0 3 * * ? *)"], rules["rate(5 minutes)"]
    assert (nightly.function, nightly.input, nightly.enabled) == ("Worker", '{"job": "nightly"}', True)
    assert nightly.arn == f"arn:aws:events:us-east-1:123456789012:rule/{nightly.name}"
    assert (often.function, often.timezone) == ("Worker", "Europe/Paris")
    assert often.arn.startswith("arn:aws:scheduler:us-east-1:123456789012:schedule/default/")
