"""Issue 16, templates as SAM CLI and CloudFormation read them, through `serverlite start`:

- `InlineCode` runs: CloudFormation writes it to `index.py` (handler `index.handler`),
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html;
- a function without `CodeUri` has its code in the template's folder (SAM CLI's rule; `sam init`'s
  "web backend with connectors" quick start relies on it);
- an event `Path` with a trailing slash keeps its methods: `/plans/` is the resource `/plans`, which requests
  reach with or without the slash (reference apigateway-lambda.md 1.8);
- a resource-level attribute the SAM transform drops (`Description`) is accepted.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Inline:
    Type: AWS::Serverless::Function
    Description: a resource-level description, which the SAM transform drops
    Properties:
      Runtime: python3.11
      Handler: index.handler
      InlineCode: |
        import os
        def handler(event, context):
            return {"statusCode": 200, "body": "inline " + os.path.basename(__file__)}
      Events:
        Get:
          Type: Api
          Properties: {Path: /inline, Method: get}
  Beside:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: beside.handler
      Events:
        Plans:
          Type: Api
          Properties: {Path: /plans/, Method: get}
"""

BESIDE = """\
def handler(event, context):
    return {"statusCode": 200, "body": event["resource"] + " " + event["path"]}
"""


def _get(port: int, target: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", target)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


def test_inline_code_code_beside_the_template_and_a_trailing_slash(start_serverlite, tmp_path: Path):
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    (tmp_path / "beside.py").write_text(BESIDE)
    server = start_serverlite("--template", str(template)).wait_ready()
    assert _get(server.port, "/Prod/inline") == (200, "inline index.py")
    assert _get(server.port, "/Prod/plans") == (200, "/plans /plans")
    assert _get(server.port, "/Prod/plans/") == (200, "/plans /plans/")
    status, body = _get(server.port, "/Prod/nothing")
    assert (status, json.loads(body)) == (403, {"message": "Missing Authentication Token"})
    assert (tmp_path / "data" / "inline" / "Inline" / "index.py").read_text().startswith("import os\n")


WITH_A_QUEUE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: index.handler
      InlineCode: |
        def handler(event, context):
            return {"statusCode": 200, "body": "served"}
      Events:
        Jobs:
          Type: SQS
          Properties: {Queue: !GetAtt Jobs.Arn}
        Get:
          Type: Api
          Properties: {Path: /work, Method: get}
  Jobs:
    Type: AWS::SQS::Queue
"""


def test_what_is_not_emulated_is_listed_at_start_and_the_rest_served(start_serverlite, tmp_path: Path):
    template = tmp_path / "template.yaml"
    template.write_text(WITH_A_QUEUE)
    server = start_serverlite("--template", str(template)).wait_ready()
    assert (
        f"{template}:13: resource 'Worker': event 'Jobs' (SQS) is not emulated: the queue never triggers it; "
        "the function still runs on API calls and serverlite invoke"
    ) in server.lines
    assert (
        f"{template}:19: resource 'Jobs': AWS::SQS::Queue is not emulated: serverlite does not emulate this service"
    ) in server.lines
    assert _get(server.port, "/Prod/work") == (200, "served")


ENVIRONMENT = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: prod}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: index.handler
      Environment:
        Variables: {GREETING: hi, OTHER: x, STAGE: !Ref Stage}
      InlineCode: |
        import os
        def handler(event, context):
            return {name: os.environ.get(name) for name in ("GREETING", "OTHER", "STAGE", "UNDECLARED")}
      Events:
        Get:
          Type: Api
          Properties: {Path: /env, Method: get}
"""


def test_env_vars_file_as_sam_cli_reads_it(tmp_path: Path):
    # SAM CLI's env.json: `Parameters` for every function, a function's own entry first; it overrides the
    # variables the template declares (https://docs.aws.amazon.com/serverless-application-model/latest/
    # developerguide/serverless-sam-cli-using-invoke.html, "Environment variable file").
    import subprocess
    import sys

    from .conftest import REPO

    (tmp_path / "template.yaml").write_text(ENVIRONMENT)
    (tmp_path / "env.json").write_text(
        json.dumps(
            {"Parameters": {"GREETING": "hello", "OTHER": "all", "UNDECLARED": "no"}, "Fn": {"OTHER": "mine"}}
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "serverlite", "invoke", "Fn", "--template", str(tmp_path / "template.yaml")]
        + ["--env-vars", str(tmp_path / "env.json"), "--parameter-overrides", "Stage=dev"]
        + ["--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )
    assert json.loads(done.stdout) == {
        "GREETING": "hello",
        "OTHER": "mine",
        "STAGE": "dev",
        "UNDECLARED": None,
    }
