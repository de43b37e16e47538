"""TagResource: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TagResource.html

Check order (operations/tagging.py has the sources): ResourceArn present, Tags present, the ARN
(before an empty Tags list: dynalite test/tagResource.js), at least one tag, each tag's key then
value, duplicate keys, the table, then the 50-tag limit on the merged set (upserting existing keys
at 50 is fine, DDB-TABLE-108). All or nothing. The ARN check needs the server's region and
account, so it and the checks AWS makes after it run at the start of execute.
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

__all__ = ["TagResourceRequest", "execute", "execute_encoded", "validate"]

OPERATION = "TagResource"


@dataclass(frozen=True, slots=True)
class TagResourceRequest:
    """A TagResource request with both members present; ARN and tag rules are checked in execute."""

    resource_arn: str
    tags: tuple[tuple[Any, Any], ...]


def validate(request: dict[str, Any]) -> TagResourceRequest:
    """Shape and required members; the rest waits for the ARN check, which needs the region."""
    check_shape(request, {"ResourceArn": "String", "Tags": ("List", {"Key": "String", "Value": "String"})})
    arn = tagging.require_arn(request)
    constraints = Constraints()
    constraints.not_null(request.get("Tags"), "tags")
    constraints.raise_if_any()
    return TagResourceRequest(arn, tuple((tag.get("Key"), tag.get("Value")) for tag in request["Tags"]))


def _checked_tags(tags: tuple[tuple[Any, Any], ...]) -> list[tuple[str, str]]:
    if not tags:
        raise ValidationException("Atleast one Tag needs to be provided as Input.")
    return tagging.checked_tags(list(tags))


def execute(request: TagResourceRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Upsert the tags; the response body is empty."""
    name = tagging.table_name_of(request.resource_arn, OPERATION, environment)
    tags = _checked_tags(request.tags)
    with storage.transaction():
        table = tagging.resolve_table(storage, request.resource_arn, name)
        metadata = metadata_of(storage)
        existing = {key for key, _ in metadata.tags(table)}
        if len(existing | {key for key, _ in tags}) > tagging.MAX_TAGS:
            raise ValidationException(tagging.TOO_MANY_TAGS)
        metadata.put_tags(table, tags)
    return {}


def execute_encoded(request: TagResourceRequest, storage: Database, environment: Environment) -> bytes:
    """The answer's body: none at all (scylladb test/alternator/test_manual_requests.py
    test_tags_return_empty_body, run against AWS)."""
    execute(request, storage, environment)
    return b""
