"""The Lambda Invoke and CloudWatch Logs endpoints of `serverlite start`, through boto3 and the CLI."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time

import boto3
import pytest
from botocore.exceptions import ClientError

from .conftest import REPO, Serverlite

ITEM = "/Test/DemoResourceMusic/DemoResourceMusicItem"
CHAINED = REPO / "examples" / "chained" / "template.yaml"


def _client(service: str, server: Serverlite):
    return boto3.client(
        service,
        endpoint_url=f"http://127.0.0.1:{server.lambda_port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture(scope="module")
def music(tmp_path_factory):
    server = Serverlite([], tmp_path_factory.mktemp("aws") / "data").wait_ready()
    yield server
    server.stop()


def test_startup_prints_lambda_and_logs_endpoints(music):
    url = f"http://127.0.0.1:{music.lambda_port}"
    assert f"Lambda: {url}" in music.lines and f"Logs: {url}" in music.lines


def test_invoke_request_response_with_log_tail(music):
    response = _client("lambda", music).invoke(
        FunctionName="DemoCreateTable",
        Payload=json.dumps({"headers": {"table": "InvokedMusic"}}),
        LogType="Tail",
    )
    assert response["StatusCode"] == 200 and response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read()) == {"statusCode": 200, "body": '"Table created"'}
    tail = base64.b64decode(response["LogResult"]).decode()
    assert tail.startswith("START RequestId: ") and "REPORT RequestId: " in tail


def test_invoke_by_arn_and_function_error(music):
    arn = "arn:aws:lambda:us-east-1:123456789012:function:DemoHandleItem"
    response = _client("lambda", music).invoke(
        FunctionName=arn, Payload=b'{"httpMethod": "PATCH", "headers": {}}'
    )
    assert json.loads(response["Payload"].read()) == {"statusCode": 400, "body": '"Undefined request."'}


def test_invoke_event_and_dry_run(music):
    client = _client("lambda", music)
    event = client.invoke(FunctionName="DemoHandleItem", InvocationType="Event", Payload=b"{}")
    assert event["StatusCode"] == 202 and event["Payload"].read() == b""
    dry = client.invoke(FunctionName="DemoHandleItem", InvocationType="DryRun")
    assert dry["StatusCode"] == 204


def test_invoke_unknown_function(music):
    with pytest.raises(ClientError) as raised:
        _client("lambda", music).invoke(FunctionName="Nope", Payload=b"{}")
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert (
        error["Error"]["Message"] == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope"
    )


def test_function_logs_reach_cloudwatch_and_the_logs_command(music):
    assert music.request("GET", ITEM, {"table": "NoTable", "artist": "a", "songtitle": "s"})[0] == 404
    logs = _client("logs", music)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        groups = [
            g["logGroupName"]
            for g in logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
        ]
        if "/aws/lambda/DemoHandleItem" in groups:
            break
        time.sleep(0.1)
    assert "/aws/lambda/DemoHandleItem" in groups
    # One stream per execution environment (an Event invocation may have needed a second one).
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/DemoHandleItem")["logStreams"]
    assert streams and all(s["logStreamName"].split("/")[3].startswith("[$LATEST]") for s in streams)
    events = logs.filter_log_events(logGroupName="/aws/lambda/DemoHandleItem", filterPattern="REPORT")[
        "events"
    ]
    assert events and all(e["message"].startswith("REPORT RequestId: ") for e in events)
    listed = subprocess.run(
        [sys.executable, "-m", "serverlite", "logs", "--data-dir", str(music.data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0 and "/aws/lambda/DemoHandleItem" in listed.stdout
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "serverlite",
            "logs",
            "/aws/lambda/DemoHandleItem",
            "--since",
            "1h",
            "--filter",
            "START",
            "--data-dir",
            str(music.data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0 and "START RequestId: " in shown.stdout


def test_one_function_invokes_another(start_serverlite):
    server = start_serverlite("--template", str(CHAINED)).wait_ready()
    assert server.request("GET", "/Prod/double?n=21") == (200, {"callee_said": {"doubled": 42}})
    server.wait_for_line('[Callee] callee got {"n": 21}')
