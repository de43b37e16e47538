"""Issue 4 through the command users run: `serverlite start` refuses a template that uses features serverlite
does not support yet, naming each with its file and line, and exits 1 before serving anything. What it does
not emulate (the SQS event here) is not a reason to refuse (issue 16)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.processes import free_port

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
      Layers: [arn:aws:lambda:us-east-1:123456789012:layer:deps:3]
      Events:
        Jobs:
          Type: SQS
          Properties: {Queue: arn:aws:sqs:us-east-1:123456789012:jobs}
  Bounded:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
      PermissionsBoundary: arn:aws:iam::123456789012:policy/boundary
"""


def test_start_refuses_every_unsupported_feature_by_name_and_line(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent(TEMPLATE))
    ports = [
        option
        for name in ("--port", "--dynamodb-port", "--lambda-port", "--console-port")
        for option in (name, str(free_port()))
    ]
    done = subprocess.run(
        [sys.executable, "-m", "serverlite", "start", "--template", str(template), *ports],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Ready" not in done.stdout
    assert done.stderr.strip().splitlines() == [
        f"Error: {template}:3: resource 'Worker': layer arn:aws:lambda:us-east-1:123456789012:layer:deps:3 cannot be "
        "downloaded here: give its content with `serverlite start --layer "
        "arn:aws:lambda:us-east-1:123456789012:layer:deps:3=DIR` (DIR holds what the layer's zip holds, e.g. python/)",
        f"{template}:20: resource 'Bounded': AWS::Serverless::Function property 'PermissionsBoundary' is not "
        "supported by serverlite yet (permissions boundaries are not applied by the IAM checks)",
    ]
