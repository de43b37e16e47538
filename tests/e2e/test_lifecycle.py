"""Start, stop, crash and restart `serverlite start`; the CLI's other commands against it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

from tests.processes import spawn

from .conftest import REPO, TEMPLATE, Serverlite, free_port, wait_gone

TABLE = "/Test/DemoResourceMusic/DemoResourceMusicTable"
ITEM = "/Test/DemoResourceMusic/DemoResourceMusicItem"
SONG = {"table": "Music", "artist": "No One You Know", "songtitle": "Call Me Today"}


def _add_song(server: Serverlite, album: str) -> None:
    assert server.request("PUT", TABLE, {"table": "Music"}) == (200, "Table created")
    assert server.request("PUT", ITEM, {**SONG, "albumtitle": album}) == (200, "Item added")


def test_item_survives_stop_and_restart(start_serverlite, tmp_path):
    first = start_serverlite().wait_ready()
    _add_song(first, "Somewhat Famous")
    assert first.stop(signal.SIGINT) == 0
    assert wait_gone(first.data_dir) == []
    second = start_serverlite().wait_ready()
    status, item = second.request("GET", ITEM, SONG)
    assert (status, item["AlbumTitle"]) == (200, {"S": "Somewhat Famous"})


def test_acknowledged_write_survives_kill_9(start_serverlite, tmp_path):
    first = start_serverlite().wait_ready()
    _add_song(first, "Written Before The Crash")
    first.stop(signal.SIGKILL)
    # Workers and the DynamoDB child die with their parent (PR_SET_PDEATHSIG): nothing is left behind.
    assert wait_gone(first.data_dir) == []
    second = start_serverlite().wait_ready()
    status, item = second.request("GET", ITEM, SONG)
    assert (status, item["AlbumTitle"]) == (200, {"S": "Written Before The Crash"})


def test_external_dynamodb_endpoint(start_serverlite, tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "serverlite", "dynamodb", "--port", str(port)]
    with spawn(
        [*command, "--data-dir", str(tmp_path / "ddb")], stdout=subprocess.PIPE, text=True
    ) as dynamodb:
        assert dynamodb.stdout is not None
        assert dynamodb.stdout.readline().strip() == f"DynamoDB: http://127.0.0.1:{port}"
        assert dynamodb.stdout.readline().strip() == "Ready"
        server = start_serverlite("--dynamodb-endpoint", f"http://127.0.0.1:{port}").wait_ready()
        assert f"DynamoDB: http://127.0.0.1:{port}" in server.lines
        _add_song(server, "Elsewhere")
        assert not (server.data_dir / "dynamodb.sqlite3").exists()
        assert (tmp_path / "ddb" / "dynamodb.sqlite3").exists()
        dynamodb.send_signal(signal.SIGTERM)
        assert dynamodb.wait(30) == 0
        assert dynamodb.wait(10) == 0


def _invoke(function: str, event: dict, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "serverlite", "invoke", function, "--event", "-", *args],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )


def test_invoke_runs_the_console_test_event(start_serverlite):
    """The tutorial's Lambda console test: event DemoEventCreateTable `{"headers":{"table":"Music"}}`."""
    server = start_serverlite().wait_ready()
    done = _invoke(
        "DemoCreateTable",
        {"headers": {"table": "Music"}},
        "--dynamodb-port",
        str(server.dynamodb_port),
        "--data-dir",
        str(server.data_dir),
    )
    assert done.returncode == 0, done.stderr
    # The tutorial shows {"statusCode": 200, "body": "\"Table created\""}.
    assert json.loads(done.stdout) == {"statusCode": 200, "body": '"Table created"'}
    assert "[DemoCreateTable] REPORT RequestId: " in done.stderr
    status, _ = server.request("PUT", ITEM, {**SONG, "albumtitle": "x"})
    assert status == 200


def test_invoke_without_any_parameter_source():
    """SEED-API.md: no headers, query string or body at all (only possible outside API Gateway)."""
    nothing = {"headers": None, "queryStringParameters": None, "body": None}
    for function, message in [
        ("DemoCreateTable", "Name of the table to be created is not specified."),
        ("DemoDeleteTable", "Name of the table to be deleted is not specified."),
        ("DemoHandleItem", "Item to be processed is not specified."),
    ]:
        done = _invoke(function, {**nothing, "httpMethod": "GET"})
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {"statusCode": 400, "body": json.dumps(message)}


def test_invoke_undefined_method():
    done = _invoke("DemoHandleItem", {"httpMethod": "PATCH", "headers": {"table": "Music"}})
    assert json.loads(done.stdout) == {"statusCode": 400, "body": '"Undefined request."'}


def test_invoke_unknown_function_names_the_choices():
    done = _invoke("Nope", {})
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: template.yaml: no function named 'Nope' "
        "(functions: DemoCreateTable, DemoDeleteTable, DemoHandleItem)"
    )


def test_template_error_names_file_line_and_resource(tmp_path):
    template = tmp_path / "broken.yaml"
    template.write_text(
        textwrap.dedent("""\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              CodeUri: .
              Environment:
                Variables:
                  TABLE: !Ref NoSuchThing
        """)
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "serverlite",
            "start",
            "--template",
            str(template),
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.startswith(f"Error: {template}:")
    assert "resource 'Fn'" in done.stderr and "NoSuchThing" in done.stderr


def test_default_template_and_data_dir_beside_it(tmp_path):
    """`serverlite start` with no options reads ./template.yaml and keeps data in ./.serverlite/."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "template.yaml").write_text(
        TEMPLATE.read_text().replace("CodeUri: music_api/", f"CodeUri: {REPO / 'music_api'}/")
    )
    port, dynamodb_port = free_port(), free_port()
    command = [sys.executable, "-m", "serverlite", "start", "--port", str(port)]
    command += ["--dynamodb-port", str(dynamodb_port), "--lambda-port", str(free_port())]
    command += ["--console-port", str(free_port())]
    with spawn(command, cwd=project, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip() == "Ready":
                break
        assert (project / ".serverlite" / "dynamodb.sqlite3").exists()
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0


def test_unsupported_runtime_is_refused_at_start(tmp_path):
    template = tmp_path / "node.yaml"
    template.write_text(
        textwrap.dedent("""\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          NodeFn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: index.handler
              Runtime: nodejs20.x
              CodeUri: .
        """)
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "serverlite",
            "start",
            "--template",
            str(template),
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Error: {template}: function 'NodeFn': Runtime nodejs20.x is not supported "
        "(serverlite runs Python functions only)"
    )


def test_test_invoke_is_the_console_method_test(start_serverlite):
    """The tutorial's API console Test: `table:Music` in the Headers box on PUT .../DemoResourceMusicTable."""
    server = start_serverlite().wait_ready()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "serverlite",
            "test-invoke",
            "PUT",
            "/DemoResourceMusic/DemoResourceMusicTable",
            "-H",
            "table:Music",
            "--dynamodb-port",
            str(server.dynamodb_port),
            "--data-dir",
            str(server.data_dir),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["Request: /DemoResourceMusic/DemoResourceMusicTable", "Status: 200"]
    assert lines[3:5] == ["Response body", '"Table created"']
    assert lines[5] == "Response headers" and json.loads(lines[6])["Content-Type"] == "application/json"
    assert lines[7] == "Logs" and lines[8].startswith("Execution log for request ")
    messages = [line.split(" : ", 1)[1] for line in lines[9:]]
    assert messages[0].startswith("Starting execution for request: ")
    assert messages[1] == "HTTP Method: PUT, Resource Path: /DemoResourceMusic/DemoResourceMusicTable"
    assert "Method request headers: {table=Music}" in messages
    assert messages[-2:] == ["Successfully completed execution", "Method completed with status: 200"]
    # The table really exists now: the running API sees it.
    assert server.request("PUT", TABLE, {"table": "Music"})[0] == 409


def test_resource_policy_parameter(start_serverlite, tmp_path):
    """template.yaml's optional policy (issue 6): deny execute-api:Invoke unless aws:SourceVpc is AllowedSourceVpc;
    locally a VPC is a set of source CIDRs given with --vpc."""
    allowed = start_serverlite(
        "--parameter-overrides",
        "AllowedSourceVpc=vpc-local",
        "--vpc",
        "vpc-local=127.0.0.0/8",
        data_dir=tmp_path / "a",
    ).wait_ready()
    assert allowed.request("PUT", TABLE, {"table": "Music"}) == (200, "Table created")
    denied = start_serverlite(
        "--parameter-overrides",
        "AllowedSourceVpc=vpc-local",
        "--vpc",
        "vpc-local=10.99.0.0/16",
        data_dir=tmp_path / "b",
    ).wait_ready()
    status, body = denied.request("PUT", TABLE, {"table": "Music"})
    api_id = next(line for line in denied.lines if "stage Test:" in line).split("(")[1].split(")")[0]
    assert status == 403
    assert body == {
        "Message": "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:us-east-1:********9012:{api_id}/Test/PUT/DemoResourceMusic/DemoResourceMusicTable "
        "with an explicit deny"
    }
