"""Issue 6 acceptance: a usage plan of rate 5 and burst 10 answers 429 once the burst is spent, and serves
again after a second (token bucket; bodies of reference 4.4)."""

from __future__ import annotations

import http.client
import textwrap
import time

from serverlite.template.usage_plans import generated_key_value

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
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
          Throttle: {RateLimit: 5, BurstLimit: 10}
  Hello:
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
            Path: /hello
            Method: get
"""


def _get(conn: http.client.HTTPConnection, key: str) -> tuple[int, bytes, str]:
    conn.request("GET", "/dev/hello", headers={"x-api-key": key})
    response = conn.getresponse()
    return response.status, response.read(), response.getheader("x-amzn-ErrorType") or ""


def test_burst_then_429_then_served_again(start_serverlite, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        'def handler(event, context):\n    return {"statusCode": 200, "body": "hi"}\n'
    )
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent(TEMPLATE))
    server = start_serverlite("--template", str(template), data_dir=tmp_path / "data").wait_ready()
    key = generated_key_value("ApiApiKey")
    assert any(line.endswith(f": {key}") for line in server.lines if line.startswith("API key "))
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    assert _get(conn, key)[0] == 200  # warm the function first: the burst test should not wait for init
    time.sleep(2.2)  # the bucket refills to its burst of 10
    statuses = [_get(conn, key) for _ in range(20)]
    assert [status for status, _, _ in statuses[:10]] == [200] * 10
    limited = [result for result in statuses if result[0] == 429]
    assert limited and limited[0][1:] == (b'{"message":"Too Many Requests"}', "TooManyRequestsException")
    time.sleep(1.0)  # five tokens come back in a second
    assert _get(conn, key)[0] == 200
    conn.close()
