"""The environment of a worker: reference apigateway-lambda.md 7.2."""

import datetime as dt
import re
from pathlib import Path

from serverlite.runtime.context import RuntimeSettings, lambda_environment, new_log_stream_name
from serverlite.template.model import Function

FUNCTION = Function(
    logical_id="DemoHandleItem",
    name="DemoHandleItem",
    arn="arn:aws:lambda:us-west-2:123456789012:function:DemoHandleItem",
    handler="handle_item.lambda_handler",
    runtime="python3.12",
    code_dir=Path("/code"),
    memory_size=512,
    environment={"TABLE": "Music", "AWS_LAMBDA_FUNCTION_NAME": "spoofed", "TZ": "Europe/Paris"},
)


def _env():
    settings = RuntimeSettings(
        region="us-west-2",
        data_dir=Path("/data"),
        endpoint_environment={"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000"},
    )
    return lambda_environment(
        FUNCTION,
        settings,
        runtime_api="127.0.0.1:9001",
        log_stream="2026/11/26/[$LATEST]abc",
        tmp_dir=Path("/data/tmp/x"),
    )


def test_reserved_variables():
    env = _env()
    assert {
        k: env[k]
        for k in (
            "_HANDLER",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE",
            "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_LAMBDA_RUNTIME_API",
            "LAMBDA_TASK_ROOT",
        )
    } == {
        "_HANDLER": "handle_item.lambda_handler",
        "AWS_REGION": "us-west-2",
        "AWS_DEFAULT_REGION": "us-west-2",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_LAMBDA_FUNCTION_NAME": "DemoHandleItem",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/DemoHandleItem",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/26/[$LATEST]abc",
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        "LAMBDA_TASK_ROOT": "/code",
    }
    assert env["AWS_ACCESS_KEY_ID"] == env["AWS_ACCESS_KEY"] and env["AWS_SECRET_ACCESS_KEY"]
    assert env["AWS_SESSION_TOKEN"]


def test_template_variables_merge_but_cannot_override_reserved_ones():
    env = _env()
    assert env["TABLE"] == "Music"
    assert env["TZ"] == "Europe/Paris"  # unreserved defaults may be overridden
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "DemoHandleItem"
    assert env["AWS_ENDPOINT_URL_DYNAMODB"] == "http://127.0.0.1:8000"


def test_private_tmp_and_no_user_aws_config():
    env = _env()
    assert env["TMPDIR"] == "/data/tmp/x"
    assert env["AWS_CONFIG_FILE"].startswith("/data/tmp/x/")
    assert env["AWS_SHARED_CREDENTIALS_FILE"].startswith("/data/tmp/x/")


def test_log_stream_name_shape():
    name = new_log_stream_name(dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert re.fullmatch(r"2026/01/02/\[\$LATEST\][0-9a-f]{32}", name)


def test_log_level_is_set_for_json_logs_only_info_by_default():
    """Log-level filtering applies with the JSON format only, at INFO unless ApplicationLogLevel says
    otherwise (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html)."""
    import dataclasses

    def level(**changes):
        function = dataclasses.replace(FUNCTION, **changes)
        env = lambda_environment(
            function, RuntimeSettings(), runtime_api="127.0.0.1:9001", log_stream="s", tmp_dir=Path("/t")
        )
        return env.get("AWS_LAMBDA_LOG_FORMAT"), env.get("AWS_LAMBDA_LOG_LEVEL")

    assert level() == ("Text", None)
    assert level(log_format="JSON") == ("JSON", "INFO")
    assert level(log_format="JSON", application_log_level="DEBUG") == ("JSON", "DEBUG")
