"""ARN helpers: role names, assumed-role session ARNs, DynamoDB resource ARNs.

Formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html (role and
assumed-role ARNs) and https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
("Resource types defined by Amazon DynamoDB": table, index, stream).
"""

from __future__ import annotations

__all__ = ["account_of", "assumed_role_arn", "index_arn", "role_name", "stream_arn", "table_arn"]


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
