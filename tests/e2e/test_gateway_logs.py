"""The Music API's access and execution logs (template.yaml: JSON access log to `DemoRESTAPI`, INFO with
data trace to `API-Gateway-Execution-Logs_<apiId>/Test`), read back through the CloudWatch Logs API."""

from __future__ import annotations

import json
import time

import boto3
import pytest

from .conftest import Serverlite

ITEM = "/Test/DemoResourceMusic/DemoResourceMusicItem"


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    server = Serverlite([], tmp_path_factory.mktemp("logs") / "data").wait_ready()
    logs = boto3.client(
        "logs",
        endpoint_url=f"http://127.0.0.1:{server.lambda_port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    yield server, logs
    server.stop()


def _events(logs, group: str, count: int) -> list[dict]:
    deadline = time.monotonic() + 10
    events: list[dict] = []
    while time.monotonic() < deadline:
        try:
            events = logs.filter_log_events(logGroupName=group)["events"]
        except logs.exceptions.ResourceNotFoundException:
            events = []
        if len(events) >= count:
            return events
        time.sleep(0.1)
    return events


def test_access_log_line_in_the_console_json_format(logged):
    server, logs = logged
    status, _ = server.request(
        "GET", ITEM, {"table": "Nothing", "artist": "a", "songtitle": "s", "User-Agent": "tests/1.0"}
    )
    assert status == 404
    (event,) = _events(logs, "DemoRESTAPI", 1)
    line = json.loads(event["message"])
    assert line["ip"] == "127.0.0.1" and line["caller"] == "-" and line["user"] == "-"
    assert (line["httpMethod"], line["resourcePath"], line["status"], line["protocol"]) == (
        "GET",
        "/DemoResourceMusic/DemoResourceMusicItem",
        "404",
        "HTTP/1.1",
    )
    assert int(line["responseLength"]) == len(
        json.dumps(
            "An error occurred (ResourceNotFoundException) when calling "
            "the GetItem operation: Requested resource not found"
        )
    )
    assert len(line["extendedRequestId"]) == 16 and len(line["requestId"]) == 36


def test_execution_log_sequence(logged):
    server, logs = logged
    assert (
        server.request("PUT", "/Test/DemoResourceMusic/DemoResourceMusicTable", {"table": "Logged"})[0] == 200
    )
    group = next(
        g["logGroupName"]
        for g in logs.describe_log_groups()["logGroups"]
        if g["logGroupName"].startswith("API-Gateway-Execution-Logs_")
    )
    assert group.endswith("/Test")
    events = [e["message"] for e in _events(logs, group, 36)]
    request_id = next(e for e in events if "HTTP Method: PUT" in e)[1:37]
    messages = [e[len(request_id) + 3 :] for e in events if e.startswith(f"({request_id}) ")]
    assert messages[0].startswith("Extended Request Id: ")
    assert messages[2] == (
        "API Key  authorized because method 'PUT /DemoResourceMusic/DemoResourceMusicTable' does "
        "not require API Key. Request will not contribute to throttle or quota limits"
    )
    assert messages[4] == f"Starting execution for request: {request_id}"
    assert "Method request headers: {" in "\n".join(messages)
    assert any(m.startswith("Received response. Status: 200, Integration latency: ") for m in messages)
    assert (
        'Endpoint response body before transformations: {"statusCode": 200, "body": "\\"Table created\\""}'
        in messages
    )
    assert messages[-2:] == ["Successfully completed execution", "Method completed with status: 200"]


def test_unrouted_request_is_access_logged_without_resource(logged):
    server, logs = logged
    assert server.request("GET", "/Test/nowhere")[0] == 403
    lines = [json.loads(e["message"]) for e in _events(logs, "DemoRESTAPI", 3)]
    unrouted = [line for line in lines if line["status"] == "403"]
    assert unrouted and unrouted[0]["resourcePath"] == "-"


def test_access_log_readable_with_serverlite_logs_and_the_aws_cli(logged):
    """Issue 6: `serverlite logs DemoRESTAPI` and `aws logs filter-log-events --endpoint-url ...`."""
    import subprocess
    import sys
    from pathlib import Path

    server, logs = logged
    assert server.request("GET", "/Test/DemoResourceMusic")[0] == 403
    _events(logs, "DemoRESTAPI", 2)
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "serverlite",
            "logs",
            "DemoRESTAPI",
            "--since",
            "1h",
            "--data-dir",
            str(server.data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in shown.stdout.splitlines() if line.strip()]
    assert shown.returncode == 0 and lines
    assert all(json.loads(line.split(" ", 2)[2])["requestId"] for line in lines)
    aws = Path(sys.executable).parent / "aws"
    done = subprocess.run(
        [
            str(aws),
            "logs",
            "filter-log-events",
            "--log-group-name",
            "DemoRESTAPI",
            "--endpoint-url",
            f"http://127.0.0.1:{server.lambda_port}",
            "--region",
            "us-east-1",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    events = json.loads(done.stdout)["events"]
    assert len(events) == len(lines)
    assert {json.loads(e["message"])["requestId"] for e in events} == {
        json.loads(line.split(" ", 2)[2])["requestId"] for line in lines
    }
