"""IAM on the Lambda and CloudWatch Logs endpoint (issue 10): real boto3 clients signing with role sessions.

Expected wire forms (sources in serverlite/aws_endpoint.py and serverlite/iam/guard.py):

* Lambda Invoke denial: 403, `x-amzn-ErrorType: AccessDeniedException`, `{"Message": "User: <assumed-role
  ARN> is not authorized to perform: lambda:InvokeFunction on resource: <function ARN> because no
  identity-based policy allows the lambda:InvokeFunction action"}` (awslabs/aws-deployment-framework#460:
  the text, "Status Code: 403; Error Code: AccessDeniedException"; danilop/LambdAuth#37: a raw body
  with `Message`).
* CloudWatch Logs denial: 400, `{"__type":"AccessDeniedException","message":"User: ... is not authorized
  to perform: logs:CreateLogGroup on resource: arn:aws:logs:<region>:<account>:log-group:<group>:log-stream:
  because no identity-based policy allows the logs:CreateLogGroup action"}` (elastic/apm-aws-lambda#526);
  DescribeLogGroups is authorized on `log-group::log-stream:` (hashicorp/terraform-provider-aws#8804).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import typing as t
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from serverlite.aws_endpoint import AwsEndpoint
from serverlite.iam.registry import CREDENTIALS_FILE, write_registry
from serverlite.iam.sessions import RoleSession, role_session
from serverlite.logs.cloudwatch import CloudWatchLogsServer
from serverlite.logs.store import LogStore

ACCOUNT = "123456789012"
CALLER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/CallerRole"
BARE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/BareRole"
CALLER = role_session(CALLER_ROLE, "Caller")
BARE = role_session(BARE_ROLE, "Bare")
CALLEE_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:Callee"
CALLER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": CALLEE_ARN},
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/Caller:*",
        },
        {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "*:function:Forbidden"},
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*:function:Forbidden"},
    ],
}


class FakeInvokeApi:
    """Stands in for LambdaInvokeApi: answers every invoke with the function name it was given."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def handle(
        self, method: str, target: str, headers: t.Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        self.calls.append(target)
        return 200, {"Content-Type": "application/json"}, b'{"ok":true}'


def _write(credentials: Path, mode: str = "enforce", record: bool = False) -> None:
    write_registry(
        credentials,
        [CALLER, BARE],
        {CALLER_ROLE: [("CallerPolicy", CALLER_POLICY)], BARE_ROLE: []},
        mode=mode,
        record=record,
    )
    time.sleep(0.15)  # the endpoint looks at the file at most every 0.1 s


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, FakeInvokeApi]]:
    data = tmp_path_factory.mktemp("iam-endpoint")
    credentials = data / CREDENTIALS_FILE
    _write(credentials)
    store = LogStore(data / "logs")
    api = FakeInvokeApi()
    server = AwsEndpoint(
        t.cast(t.Any, api),
        CloudWatchLogsServer(store, account_id=ACCOUNT),
        "127.0.0.1",
        0,
        credentials=credentials,
        account_id=ACCOUNT,
    )
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    yield f"http://127.0.0.1:{server.port}", credentials, api
    asyncio.run_coroutine_threadsafe(server.close(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    store.close()


@pytest.fixture
def enforce(endpoint: tuple[str, Path, FakeInvokeApi]) -> Iterator[str]:
    yield endpoint[0]
    _write(endpoint[1])  # tests that change the mode put enforce back


def _client(service: str, url: str, session: RoleSession | None, **overrides: str) -> t.Any:
    credentials = (
        {
            "aws_access_key_id": session.access_key_id,
            "aws_secret_access_key": session.secret_access_key,
            "aws_session_token": session.session_token,
        }
        if session is not None
        else {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    )
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
        **{**credentials, **overrides},
    )


def _denied(call: t.Callable[[], t.Any]) -> dict[str, t.Any]:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response


def _message(session: RoleSession, action: str, resource: str) -> str:
    return (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{session.role_arn.rsplit('/', 1)[1]}/"
        f"{session.session_name} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )


def test_allowed_invoke_goes_through(enforce):
    response = _client("lambda", enforce, CALLER).invoke(FunctionName="Callee", Payload=b"{}")
    assert response["StatusCode"] == 200 and json.loads(response["Payload"].read()) == {"ok": True}


def test_invoke_without_permission_is_denied_as_lambda_answers(enforce):
    response = _denied(lambda: _client("lambda", enforce, BARE).invoke(FunctionName="Callee", Payload=b"{}"))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["Error"]["Code"] == "AccessDeniedException"
    assert response["Error"]["Message"] == _message(BARE, "lambda:InvokeFunction", CALLEE_ARN)
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "AccessDeniedException"


def test_denied_invoke_raw_body(endpoint, enforce):
    api = endpoint[2]
    before = len(api.calls)
    client = _client("lambda", enforce, CALLER)
    raw: dict[str, t.Any] = {}
    client.meta.events.register(
        "after-call.lambda.Invoke", lambda http_response, **_: raw.update(r=http_response)
    )
    with pytest.raises(ClientError):
        client.invoke(FunctionName="Other", Payload=b"{}")
    assert json.loads(raw["r"].content) == {
        "Message": _message(
            CALLER, "lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:Other"
        )
    }
    assert len(api.calls) == before  # a denied call never reaches the function


def test_qualified_invoke_is_authorized_on_the_qualified_arn(enforce):
    client = _client("lambda", enforce, CALLER)
    response = _denied(lambda: client.invoke(FunctionName="Callee", Qualifier="live", Payload=b"{}"))
    assert response["Error"]["Message"] == _message(CALLER, "lambda:InvokeFunction", CALLEE_ARN + ":live")
    response = _denied(lambda: client.invoke(FunctionName=CALLEE_ARN + ":2", Payload=b"{}"))
    assert response["Error"]["Message"] == _message(CALLER, "lambda:InvokeFunction", CALLEE_ARN + ":2")
    assert client.invoke(FunctionName=CALLEE_ARN, Payload=b"{}")["StatusCode"] == 200


def test_explicit_deny_wins(enforce):
    response = _denied(lambda: _client("lambda", enforce, CALLER).invoke(FunctionName="Forbidden"))
    assert response["Error"]["Message"] == (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/CallerRole/Caller is not authorized to perform: "
        f"lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:{ACCOUNT}:function:Forbidden "
        "with an explicit deny in an identity-based policy"
    )


def test_callers_outside_the_map_are_not_checked(enforce):
    assert _client("lambda", enforce, None).invoke(FunctionName="Anything")["StatusCode"] == 200
    assert requests.get(enforce + "/", timeout=5).status_code == 200


def test_bad_signature_and_bad_token(enforce):
    wrong_secret = _client("lambda", enforce, CALLER, aws_secret_access_key="x" * 40)
    response = _denied(lambda: wrong_secret.invoke(FunctionName="Callee"))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["Error"]["Code"] == "InvalidSignatureException"
    wrong_token = _client("logs", enforce, CALLER, aws_session_token="forged")
    response = _denied(lambda: wrong_token.create_log_group(logGroupName="/aws/lambda/Caller"))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"] == {
        "Code": "UnrecognizedClientException",
        "Message": "The security token included in the request is invalid.",
    }


def test_logs_allowed_on_own_group_and_denied_elsewhere(enforce):
    logs = _client("logs", enforce, CALLER)
    logs.create_log_group(logGroupName="/aws/lambda/Caller")
    logs.create_log_stream(logGroupName="/aws/lambda/Caller", logStreamName="s1")
    logs.put_log_events(
        logGroupName="/aws/lambda/Caller",
        logStreamName="s1",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "hello"}],
    )
    response = _denied(lambda: logs.create_log_group(logGroupName="/aws/lambda/Other"))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"] == {
        "Code": "AccessDeniedException",
        "Message": _message(
            CALLER,
            "logs:CreateLogGroup",
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/Other:log-stream:",
        ),
    }
    response = _denied(lambda: logs.get_log_events(logGroupName="/aws/lambda/Caller", logStreamName="s1"))
    assert response["Error"]["Message"] == _message(
        CALLER,
        "logs:GetLogEvents",
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/Caller:log-stream:s1",
    )
    response = _denied(logs.describe_log_groups)
    assert response["Error"]["Message"] == _message(
        CALLER, "logs:DescribeLogGroups", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group::log-stream:"
    )
    # The admin principal (the CLI, tests) sees everything.
    assert _client("logs", enforce, None).describe_log_groups()["logGroups"]


def test_warn_and_off_let_denials_through(endpoint, enforce, capfd):
    _write(endpoint[1], mode="warn")
    assert _client("lambda", enforce, BARE).invoke(FunctionName="Callee")["StatusCode"] == 200
    err = capfd.readouterr().err
    assert "[iam] would deny: " + _message(BARE, "lambda:InvokeFunction", CALLEE_ARN) in err
    assert 'missing statement: {"Effect":"Allow","Action":"lambda:InvokeFunction"' in err
    _write(endpoint[1], mode="off")
    assert _client("lambda", enforce, BARE).invoke(FunctionName="Callee")["StatusCode"] == 200
    assert "would deny" not in capfd.readouterr().err


def test_record_appends_what_functions_used(endpoint, enforce):
    _write(endpoint[1], record=True)
    _client("lambda", enforce, CALLER).invoke(FunctionName="Callee")
    lines = (endpoint[1].parent / "access.jsonl").read_text().splitlines()
    assert {
        "function": "Caller",
        "action": "lambda:InvokeFunction",
        "resource": CALLEE_ARN,
        "allowed": True,
    } in [json.loads(line) for line in lines]
