"""ARN helpers: role names, assumed-role session ARNs, DynamoDB resource ARNs.

Formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html (role and
assumed-role ARNs) and https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
("Resource types defined by Amazon DynamoDB": table, index, stream).
"""

from __future__ import annotations

__all__ = [
    "account_of",
    "assumed_role_arn",
    "function_arn",
    "index_arn",
    "log_group_arn",
    "role_name",
    "stream_arn",
    "table_arn",
]


def role_name(role_arn: str) -> str:
    """`arn:aws:iam::123456789012:role/path/Name` -> `Name` (an assumed-role ARN drops the path)."""
    return role_arn.rsplit("/", 1)[-1]


def account_of(arn: str) -> str:
    """The account field of an ARN (empty when the ARN has none)."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) > 4 else ""


def assumed_role_arn(role_arn: str, session_name: str) -> str:
    """`arn:aws:sts::<account>:assumed-role/<role name>/<session>`: the caller a role session signs as."""
    partition = role_arn.split(":", 2)[1] if role_arn.count(":") >= 2 else "aws"
    return f"arn:{partition}:sts::{account_of(role_arn)}:assumed-role/{role_name(role_arn)}/{session_name}"


def table_arn(region: str, account_id: str, table: str) -> str:
    """`arn:aws:dynamodb:<region>:<account>:table/<name>`."""
    return f"arn:aws:dynamodb:{region}:{account_id}:table/{table}"


def index_arn(region: str, account_id: str, table: str, index: str) -> str:
    """`arn:aws:dynamodb:<region>:<account>:table/<name>/index/<index>`."""
    return f"{table_arn(region, account_id, table)}/index/{index}"


def stream_arn(region: str, account_id: str, table: str, label: str) -> str:
    """`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`."""
    return f"{table_arn(region, account_id, table)}/stream/{label}"


def function_arn(region: str, account_id: str, name: str, qualifier: str | None = None) -> str:
    """`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`: what `lambda:InvokeFunction` is
    authorized on (the qualified ARN when the call names a version or alias)."""
    arn = f"arn:aws:lambda:{region}:{account_id}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def log_group_arn(region: str, account_id: str, group: str, stream: str | None = None) -> str:
    """`arn:aws:logs:<region>:<account>:log-group:<group>:log-stream:<stream>`, the form CloudWatch Logs
    authorizes and prints in denials: `log-group:<group>:log-stream:` for group-level operations,
    `log-group::log-stream:` for DescribeLogGroups (vectordotdev/vector#714,
    hashicorp/terraform-provider-aws#8804, elastic/apm-aws-lambda#526). A policy `Resource`
    `...:log-group:<group>:*` matches every one of them; `...:log-group:<group>` alone matches none
    (aws-solutions/instance-scheduler-on-aws#578)."""
    return f"arn:aws:logs:{region}:{account_id}:log-group:{group}:log-stream:{stream or ''}"
