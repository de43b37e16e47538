"""The errors only PartiQL statements raise, and the ``Statement wasn't well formed`` envelope.

Message texts: DynamoDB Local's decompiled ``ddb.partiql.shared.exceptions.ValidationExceptionMessages``
(the PartiQL front end AWS ships in DynamoDB Local), confirmed for the envelope and
``Expected data manipulation`` by nubo-db/dynamodb-conformance
tests/tier2/partiql/batchExecuteStatement.test.ts (captured from AWS).
"""

from __future__ import annotations

from serverlite.dynamodb.errors import DynamoDBError, ValidationException

__all__ = ["DuplicateItemException", "malformed"]


class DuplicateItemException(DynamoDBError):
    """INSERT of an item whose key already exists (``Duplicate primary key exists in table``).

    Error name from nubo-db/dynamodb-conformance tests/tier2/partiql/executeStatement.test.ts
    (observed AWS); botocore dynamodb service-2.json models it with a lower-case ``message``.
    """

    aws_type = "com.amazonaws.dynamodb.v20120810#DuplicateItemException"
    default_message = "Duplicate primary key exists in table"


def malformed(detail: str) -> ValidationException:
    """``Statement wasn't well formed, can't be processed: <detail>``."""
    return ValidationException(f"Statement wasn't well formed, can't be processed: {detail}")
