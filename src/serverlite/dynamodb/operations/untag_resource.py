"""UntagResource: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UntagResource.html

Check order (operations/tagging.py has the sources): ResourceArn present, TagKeys present, the
ARN (before an empty TagKeys list: dynalite test/untagResource.js; it needs the server's region
and account, so it and what follows run in execute), at least one key, each key (``aws:`` keys
are refused here too), more than 50 keys, then the table.
Removing a key that is not set is a no-op (DDB-TABLE-105).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.operations import tagging
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.metadata import metadata_of

__all__ = ["UntagResourceRequest", "execute", "execute_encoded", "validate"]

OPERATION = "UntagResource"


@dataclass(frozen=True, slots=True)
class UntagResourceRequest:
    """An UntagResource request with both members present; ARN and key rules are checked in execute."""

    resource_arn: str
    tag_keys: tuple[Any, ...]


def validate(request: dict[str, Any]) -> UntagResourceRequest:
    """Shape and required members; the rest waits for the ARN check, which needs the region."""
    check_shape(request, {"ResourceArn": "String", "TagKeys": ("List", "String")})
    arn = tagging.require_arn(request)
    constraints = Constraints()
    constraints.not_null(request.get("TagKeys"), "tagKeys")
    constraints.raise_if_any()
    return UntagResourceRequest(arn, tuple(request["TagKeys"]))


def _checked_keys(keys: tuple[Any, ...]) -> list[str]:
    if not keys:
        raise ValidationException("Atleast one Tag Key needs to be provided as Input.")
    checked = [tagging.check_tag_key(key) for key in keys]
    if len(checked) > tagging.MAX_TAGS:
        raise ValidationException(tagging.TOO_MANY_TAGS)
    return checked


def execute(request: UntagResourceRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Remove the keys; the response body is empty."""
    name = tagging.table_name_of(request.resource_arn, OPERATION, environment)
    keys = _checked_keys(request.tag_keys)
    with storage.transaction():
        table = tagging.resolve_table(storage, request.resource_arn, name)
        metadata_of(storage).delete_tags(table, keys)
    return {}


def execute_encoded(request: UntagResourceRequest, storage: Database, environment: Environment) -> bytes:
    """The answer's body: none at all (scylladb test/alternator/test_manual_requests.py
    test_tags_return_empty_body, run against AWS)."""
    execute(request, storage, environment)
    return b""
