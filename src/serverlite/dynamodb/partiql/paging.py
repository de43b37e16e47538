"""Pages of a SELECT: Limit across Query branches, and NextToken to continue where a page stopped.

The token is serverlite's own (base64 of JSON: request fingerprint, branch, start key). Its
messages are DynamoDB Local's (ValidationExceptionMessages INVALID_NEXT_TOKEN and
CONT_TOKEN_HASH_MISMATCH): ``Invalid NextToken`` and ``NextToken does not match request``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.partiql.ast import Select
from serverlite.dynamodb.partiql.projection import select_paths
from serverlite.dynamodb.partiql.reads import ReadPlan, run_branch
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import AttributeValue, Item

__all__ = ["fingerprint", "read_page"]


def fingerprint(statement: str, parameters: list[AttributeValue]) -> str:
    """A digest of the statement and its parameters, tying a NextToken to its request."""
    text = json.dumps([statement, parameters], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def read_page(
    select: Select,
    plan: ReadPlan,
    storage: Database,
    environment: Environment,
    page: tuple[int | None, str | None, str],
) -> dict[str, Any]:
    """Items of one page, projected; NextToken when the read stopped early.

    ``page`` is (Limit, NextToken, fingerprint).
    """
    limit, token, digest = page
    branch, start = _decode(token, digest) if token is not None else (0, None)
    branches = max(len(plan.hash_values), 1)
    items: list[Item] = []
    while branch < branches:
        response = run_branch(plan, storage, environment, branch, limit, start)
        items.extend(select_paths(item, select.projection) for item in response["Items"])
        if "LastEvaluatedKey" in response:
            return _page(items, _encode(digest, branch, response["LastEvaluatedKey"]))
        branch, start = branch + 1, None
        if limit is not None:
            limit -= response["ScannedCount"]
            if limit <= 0 and branch < branches:
                return _page(items, _encode(digest, branch, None))
    return _page(items, None)


def _page(items: list[Item], token: str | None) -> dict[str, Any]:
    response: dict[str, Any] = {"Items": items}
    if token is not None:
        response["NextToken"] = token
    return response


def _encode(digest: str, branch: int, start: Item | None) -> str:
    text = json.dumps({"f": digest, "b": branch, "k": start}, separators=(",", ":"))
    return base64.b64encode(text.encode()).decode()


def _decode(token: str, digest: str) -> tuple[int, Item | None]:
    try:
        decoded = json.loads(base64.b64decode(token, validate=True))
        found, branch, start = decoded["f"], int(decoded["b"]), decoded["k"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise ValidationException("Invalid NextToken") from None
    if found != digest:
        raise ValidationException("NextToken does not match request")
    return branch, start
