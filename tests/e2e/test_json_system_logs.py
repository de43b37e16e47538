"""`serverlite invoke` of a function with `LoggingConfig: {LogFormat: JSON}`: the log tail on stderr holds the
JSON platform events (platform.start ... platform.report) in place of START ... REPORT, filtered by
SystemLogLevel, as CloudWatch receives them on Lambda
(https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html, "JSON format for
system logs"; https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: Hello
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
      MemorySize: 256
      LoggingConfig:
        LogFormat: JSON
        SystemLogLevel: {level}
"""
CODE = """\
import logging


def handler(event, context):
    logging.getLogger().warning("hello %s", event["name"])
    return {"greeting": "hi"}
"""


def _invoke(tmp_path: Path, level: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(CODE)
    (tmp_path / "template.yaml").write_text(TEMPLATE.format(level=level))
    return subprocess.run(
        [sys.executable, "-m", "serverlite", "invoke", "Hello", "--event", "-"]
        + ["--template", str(tmp_path / "template.yaml"), "--data-dir", str(tmp_path / "data")],
        input='{"name": "json"}',
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )


def _records(stderr: str) -> list[dict]:
    prefix = "[Hello] "
    assert all(line.startswith(prefix) for line in stderr.splitlines()), stderr
    return [json.loads(line.removeprefix(prefix)) for line in stderr.splitlines()]


def test_invoke_prints_the_json_platform_events(tmp_path: Path) -> None:
    done = _invoke(tmp_path, "INFO")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"greeting": "hi"}
    records = _records(done.stderr)
    assert [r.get("type") for r in records] == [
        "platform.initStart",
        "platform.start",
        None,
        "platform.report",
    ]
    start, app, report = records[1]["record"], records[2], records[3]["record"]
    assert start["functionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:Hello"
    assert (app["level"], app["message"], app["requestId"]) == ("WARNING", "hello json", start["requestId"])
    assert report["requestId"] == start["requestId"] and report["status"] == "success"
    assert report["metrics"]["memorySizeMB"] == 256 and "initDurationMs" in report["metrics"]


def test_warn_leaves_only_the_application_log(tmp_path: Path) -> None:
    """A successful invocation's platform events are INFO: at WARN none is written."""
    done = _invoke(tmp_path, "WARN")
    assert done.returncode == 0, done.stderr
    assert [r.get("message") for r in _records(done.stderr)] == ["hello json"]
