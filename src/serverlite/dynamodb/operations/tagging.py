"""What TagResource, UntagResource and ListTagsOfResource share: the ResourceArn and the tag rules.

Messages are DynamoDB's own, observed against AWS:

* ``Invalid TableArn`` for a missing ResourceArn, ``Invalid TableArn: Invalid ResourceArn provided
  as input ARN`` for a table ARN of another region or with an invalid table name, and
  ``Value null at 'tags'`` / ``'tagKeys'`` for a missing list: architect/dynalite
  validations/tagResource.js, untagResource.js, listTagsOfResource.js and test/*.js.
* ``ARNs must start with 'arn:'``, ``Provided Arn is not a DynamoDB resource arn``, ``Invalid
  resource arn provided, only table or stream is accepted`` (index ARNs), the tag texts (``The Tag
  Key provided is invalid``, ``Tag Key cannot be prefixed with aws:``, ``Duplicate Tag Keys``,
  ``Atleast one Tag ...``, ``Number of Tags exceed ...``) and the not-found text ``Requested
  resource not found: ResourceArn: ARN not found``: the ack-api-quirks DynamoDB catalogue
  (findings DDB-TABLE-105/106/107/108/372/374, DDB-BACKUP-013, verified against AWS 2026-10).
* A table ARN of another account is AccessDeniedException (nubo-db/dynamodb-conformance
  tests/tier2/tags/basic.test.ts); the wording is IAM's usual sentence.

AWS enforces a per-table tag lock (``LimitExceededException ... Table tags are being updated``)
and shows tag changes ~2 s late; serverlite applies tags at once and has no lock.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from serverlite.dynamodb.errors import DynamoDBError, ResourceNotFoundException, ValidationException
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.storage.database import Database

__all__ = [
    "MAX_TAGS",
    "TOO_MANY_TAGS",
    "AccessDeniedException",
    "check_tag_key",
    "check_tag_value",
    "checked_tags",
    "require_arn",
    "resolve_table",
    "table_name_of",
]

MAX_TAGS = 50
TOO_MANY_TAGS = "Number of Tags exceed the current limit for the provided ResourceArn"
_INVALID = "One or more parameter values were invalid: "
_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")
# The AWS tag character set: Unicode letters, digits and spaces, plus _ . : / = + - @
# (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html; DDB-TABLE-372).
_TAG_PUNCTUATION = frozenset("_.:/=+-@")


class AccessDeniedException(DynamoDBError):
    """The caller may not act on the resource (here: a table ARN of another account)."""

    aws_type = "com.amazon.coral.service#AccessDeniedException"
    message_key = "Message"


def require_arn(request: dict[str, Any]) -> str:
    """The ResourceArn member; ``Invalid TableArn`` when missing (dynalite, observed AWS)."""
    arn = request.get("ResourceArn")
    if arn is None:
        raise ValidationException("Invalid TableArn")
    return str(arn)


def table_name_of(arn: str, operation: str, environment: Environment) -> str:
    """Check a table ARN the way DynamoDB does and return the table name.

    Raises:
        ValidationException: malformed ARN, non-table resource, other region, bad name.
        AccessDeniedException: a table ARN of another account.
    """
    if not arn.startswith("arn:"):
        raise ValidationException(f"{_INVALID}ARNs must start with 'arn:': {arn}")
    parts = arn.split(":", 5)
    if len(parts) < 6 or not parts[5].startswith("table/"):
        raise ValidationException(f"{_INVALID}Provided Arn is not a DynamoDB resource arn: {arn}")
    if parts[4] != environment.account_id:
        raise AccessDeniedException(
            f"User: arn:aws:iam::{environment.account_id}:root is not authorized to perform: "
            f"dynamodb:{operation} on resource: {arn} because no resource-based policy allows "
            f"the dynamodb:{operation} action"
        )
    resource = parts[5].removeprefix("table/")
    if "/" in resource:
        raise ValidationException(
            f"{_INVALID}Invalid resource arn provided, only table or stream is accepted. "
            f"Provided resource arn: {arn}"
        )
    if parts[:3] != ["arn", "aws", "dynamodb"] or parts[3] != environment.region:
        raise ValidationException(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
    if not _TABLE_NAME.fullmatch(resource):
        raise ValidationException(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
    return resource


def resolve_table(storage: Database, arn: str, name: str) -> dict[str, Any]:
    """The table's description, or ResourceNotFoundException naming the ARN (DDB-TABLE-374)."""
    table = storage.tables.get(name)
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: ResourceArn: {arn} not found")
    return table


def _allowed(text: str) -> bool:
    return all(char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LNZ" for char in text)


def check_tag_key(key: Any) -> str:
    """A tag key: 1..128 allowed characters, not starting with ``aws:`` in any case."""
    if not isinstance(key, str) or not 1 <= len(key) <= 128 or not _allowed(key):
        raise ValidationException(f"The Tag Key provided is invalid, Key: {_shown(key)}")
    if key.lower().startswith("aws:"):
        raise ValidationException(f"Tag Key cannot be prefixed with aws:, Key: {key}")
    return key


def check_tag_value(value: Any) -> str:
    """A tag value: 0..256 allowed characters (empty values round-trip, DDB-TABLE-106)."""
    if not isinstance(value, str) or len(value) > 256 or not _allowed(value):
        raise ValidationException(f"The Tag Value provided is invalid, Value: {_shown(value)}")
    return value


def checked_tags(tags: list[tuple[Any, Any]]) -> list[tuple[str, str]]:
    """Each tag's key then value, then duplicate keys (TagResource and CreateTable's Tags)."""
    checked = [(check_tag_key(key), check_tag_value(value)) for key, value in tags]
    seen: set[str] = set()
    for key, _ in checked:
        if key in seen:
            raise ValidationException(f"Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}")
        seen.add(key)
    return checked


def _shown(value: Any) -> str:
    return "null" if value is None else str(value)
