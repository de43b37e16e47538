"""AWS managed policies that SAM and the tutorial attach, shipped as data (managed/<Name>.json).

Documents as AWS publishes them in the AWS Managed Policy Reference
(https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html), default versions:
AmazonDynamoDBFullAccess v15, AmazonDynamoDBReadOnlyAccess v15, AWSLambdaBasicExecutionRole v1,
AWSLambdaDynamoDBExecutionRole v1, AWSLambdaExecute v1. A managed policy not shipped grants nothing.
"""

from __future__ import annotations

import json
import typing as t
from functools import lru_cache
from importlib import resources

__all__ = ["managed_policy", "shipped"]


def shipped() -> tuple[str, ...]:
    """Names of the managed policies shipped with serverlite."""
    folder = resources.files(__package__).joinpath("managed")
    return tuple(sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json")))


@lru_cache(maxsize=64)
def managed_policy(arn: str) -> dict[str, t.Any] | None:
    """The document of `arn:aws:iam::aws:policy/[service-role/]<Name>`, or None when not shipped."""
    if ":iam::aws:policy/" not in arn:
        return None
    name = arn.rsplit("/", 1)[-1]
    if name not in shipped():
        return None
    text = resources.files(__package__).joinpath("managed", f"{name}.json").read_text(encoding="utf-8")
    document: dict[str, t.Any] = json.loads(text)
    return document
