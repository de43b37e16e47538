"""What an execution environment knows about itself: its environment variables and log stream.

The variables follow https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
(reference apigateway-lambda.md 7.2). Paths that are fixed on Lambda (`/var/task`, `/var/runtime`) are the
function's real code folder and this interpreter's folder here.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from serverlite.iam.sessions import role_session
from serverlite.template.model import Function

__all__ = ["RuntimeSettings", "lambda_environment", "new_log_stream_name"]

# Unreserved variables Lambda sets by default; the template may override them.
_DEFAULTS = {
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
    "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
}


@dataclass(frozen=True)
class RuntimeSettings:
    """What every execution environment of one `serverlite start` shares."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    data_dir: Path = Path(".serverlite")
    # Variables that aim the SDK at local services, e.g. AWS_ENDPOINT_URL_DYNAMODB.
    endpoint_environment: Mapping[str, str] = field(default_factory=dict)
    python: str = sys.executable
    max_concurrency: int = 16
    init_timeout: float = 10.0
    idle_timeout: float = 600.0  # Lambda keeps an idle environment warm for minutes, not forever
    hot_reload: bool = True
    # An environment is replaced after this many invocations. Lambda recycles environments after hours
    # even under steady traffic; without that, awslambdaric's per-invocation os.environ["_X_AMZN_TRACE_ID"]
    # (glibc setenv keeps every old value, ~110 bytes each) would grow a busy worker without bound.
    max_invocations: int = 20_000
    # The runtime hop: "pipe" (awslambdaric with serverlite's socket client, runtime/pipe_api.py) or
    # "http" (awslambdaric's own client against a Runtime API listener, runtime/runtime_api.py).
    runtime_transport: str = "pipe"


def new_log_stream_name(now: dt.datetime | None = None) -> str:
    """`YYYY/MM/DD/[$LATEST]<32 hex>`, the stream name of a new execution environment."""
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y/%m/%d}/[$LATEST]{secrets.token_hex(16)}"


def lambda_environment(
    function: Function,
    settings: RuntimeSettings,
    *,
    runtime_api: str,
    log_stream: str,
    tmp_dir: Path,
    task_root: Path | None = None,
    runtime_dir: Path | None = None,
) -> dict[str, str]:
    """The complete environment of a worker process: defaults, the template's variables, reserved ones.

    `task_root` stands in for `/var/task` (default: the function's code folder), `runtime_dir` for
    `/var/runtime` (default: this interpreter's folder).
    """
    task_root = task_root or function.code_dir
    runtime_dir = runtime_dir or Path(settings.python).parent
    environment = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), **_DEFAULTS}
    environment.update(settings.endpoint_environment)
    environment.update(function.environment)
    environment.update(_reserved(function, settings, runtime_api, log_stream))
    environment.update({"LAMBDA_TASK_ROOT": str(task_root), "LAMBDA_RUNTIME_DIR": str(runtime_dir)})
    if function.application_log_level or function.log_format == "JSON":
        # LoggingConfig.ApplicationLogLevel, read by the runtime client (awslambdaric bootstrap). With the
        # JSON format Lambda filters by level, INFO unless the template says otherwise; in Text mode it
        # does not filter (monitoring-cloudwatchlogs-log-level.html), so nothing is set there by default.
        environment["AWS_LAMBDA_LOG_LEVEL"] = function.application_log_level or "INFO"
    environment.update(_sandbox(task_root, tmp_dir))
    return environment


def _reserved(
    function: Function, settings: RuntimeSettings, runtime_api: str, log_stream: str
) -> dict[str, str]:
    access_key, secret_key, session_token = _credentials(function)
    return {
        "_HANDLER": function.handler,
        "AWS_REGION": settings.region,
        "AWS_DEFAULT_REGION": settings.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": function.log_group_name,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_LAMBDA_LOG_FORMAT": function.log_format,
        "AWS_ACCESS_KEY": access_key,
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "AWS_SESSION_TOKEN": session_token,
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
    }


def _sandbox(task_root: Path, tmp_dir: Path) -> dict[str, str]:
    # The handler's folder first, as /var/task is on Lambda; no shared config file of the user's leaks in.
    return {
        "PYTHONPATH": str(task_root),
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TMPDIR": str(tmp_dir),
        "HOME": str(tmp_dir),
        "AWS_CONFIG_FILE": str(tmp_dir / ".aws-config-absent"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_dir / ".aws-credentials-absent"),
    }


def _credentials(function: Function) -> tuple[str, str, str]:
    """The session credentials of the function's role, session named after the function as on Lambda.

    The composition root writes the same session (derived from role ARN and name) to the credentials
    map the DynamoDB server checks. A function without a role gets unchecked stand-in credentials.
    """
    if function.role_arn:
        session = role_session(function.role_arn, function.name)
        return session.access_key_id, session.secret_access_key, session.session_token
    suffix = "".join(ch for ch in function.name.upper() if ch.isalnum())[:12].ljust(12, "X")
    return f"ASIASERVERL{suffix}"[:20], "serverlite-local-secret-access-key", "serverlite-local-session-token"
