"""The settings of one `serverlite start`, frozen once the command line is read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Config", "parse_env_vars", "parse_jwks", "parse_layer", "parse_parameter_overrides", "parse_vpc"]


@dataclass(frozen=True)
class Config:
    """Everything `app.serve` needs; paths are absolute."""

    template: Path
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 3000
    dynamodb_port: int = 8000
    aws_port: int = 3001
    console_port: int = 3002
    function_url_port: int = 3010  # the first function URL's; the next ones follow (0: free ports)
    iam_mode: str = "enforce"  # off | warn | enforce: how function calls to DynamoDB are checked
    record_access: bool = False  # append what functions' DynamoDB calls used to <data dir>/iam/access.jsonl
    region: str = "us-east-1"
    account_id: str = "123456789012"
    dynamodb_endpoint: str | None = None
    parameter_overrides: Mapping[str, str] = field(default_factory=dict)
    vpcs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    max_concurrency: int = 16
    hot_reload: bool = True
    # Cognito user pool (id, ARN or logical id) -> JWKS file its tokens are verified with (`--jwks`).
    jwks: Mapping[str, Path] = field(default_factory=dict)
    # ini file of SigV4 keys for AWS_IAM methods (`--credentials`), like ~/.aws/credentials.
    credentials: Path | None = None
    # One environment per function is initialised right after start (`--no-prewarm`: cold first requests).
    prewarm: bool = True
    # Layer version ARN -> local folder standing in for it (`--layer ARN=DIR`).
    layers: Mapping[str, Path] = field(default_factory=dict)
    # Host names and page origins serverlite's own endpoints answer besides the defaults
    # (`--allowed-host`, `--allow-origin`; serverlite.endpoint_policy).
    allowed_hosts: tuple[str, ...] = ()
    allow_origins: tuple[str, ...] = ()
    # Whether the console's API needs the token printed with its URL (`--no-console-token`: loopback only).
    console_token: bool = True
    # `--env-vars env.json` (SAM CLI's format): function logical id or name -> variables; `Parameters`: all.
    env_vars: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Processes serving the gateway port (`--gateway-processes`): this one and N-1 more (gateway/processes).
    gateway_processes: int = 1


def parse_parameter_overrides(text: str | None) -> dict[str, str]:
    """`'K=V K2=V2'` (also `ParameterKey=K,ParameterValue=V`, as sam deploy accepts) -> dict."""
    import shlex

    overrides: dict[str, str] = {}
    for token in shlex.split(text or ""):
        if token.startswith("ParameterKey="):
            fields = dict(part.split("=", 1) for part in token.split(",") if "=" in part)
            overrides[fields["ParameterKey"]] = fields.get("ParameterValue", "")
            continue
        key, sep, value = token.partition("=")
        if not sep or not key:
            raise ValueError(f"expected KEY=VALUE, got {token!r}")
        overrides[key] = value
    return overrides


def parse_vpc(text: str) -> tuple[str, tuple[str, ...]]:
    """`vpc-ID=CIDR[,CIDR]` -> (vpc id, cidrs)."""
    vpc, sep, cidrs = text.partition("=")
    if not sep or not vpc.startswith("vpc") or not cidrs:
        raise ValueError(f"expected vpc-ID=CIDR[,CIDR], got {text!r}")
    return vpc, tuple(c.strip() for c in cidrs.split(",") if c.strip())


def parse_env_vars(path: Path | None) -> dict[str, dict[str, str]]:
    """SAM CLI's `--env-vars` JSON: `{"Parameters": {...}, "<Function>": {...}}`, values as text."""
    import json

    if path is None:
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"--env-vars {path}: {error}") from None
    if not isinstance(document, dict) or not all(isinstance(v, dict) for v in document.values()):
        raise ValueError(
            f'--env-vars {path}: expected an object of objects, e.g. {{"Parameters": {{"K": "V"}}}}'
        )
    return {str(key): {str(k): _text(v) for k, v in value.items()} for key, value in document.items()}


def _text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def parse_layer(text: str) -> tuple[str, Path]:
    """`arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION=DIR` -> (ARN, absolute folder)."""
    arn, sep, path = text.rpartition("=")
    if not sep or not arn.startswith("arn:") or ":layer:" not in arn or not path:
        raise ValueError(f"expected LAYER_VERSION_ARN=DIR, got {text!r}")
    folder = Path(path).resolve()
    if not folder.is_dir():
        raise ValueError(f"--layer {arn}: {folder} is not a folder")
    return arn, folder


def parse_jwks(text: str) -> tuple[str, Path]:
    """`POOL_ID_OR_ARN=PATH` -> (pool, absolute path)."""
    pool, sep, path = text.rpartition("=")
    if not sep or not pool or not path:
        raise ValueError(f"expected POOL_ID_OR_ARN=PATH, got {text!r}")
    return pool, Path(path).resolve()
