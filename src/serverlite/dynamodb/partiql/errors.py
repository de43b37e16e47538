"""The ``Statement wasn't well formed`` envelope of PartiQL parse errors.

Message texts: DynamoDB Local's decompiled ``ddb.partiql.shared.exceptions.ValidationExceptionMessages``
(the PartiQL front end AWS ships in DynamoDB Local), confirmed for the envelope and
``Expected data manipulation`` by nubo-db/dynamodb-conformance
tests/tier2/partiql/batchExecuteStatement.test.ts (captured from AWS).
"""

from __future__ import annotations

from serverlite.dynamodb.errors import ValidationException

__all__ = ["malformed"]


def malformed(detail: str) -> ValidationException:
    """``Statement wasn't well formed, can't be processed: <detail>``."""
    return ValidationException(f"Statement wasn't well formed, can't be processed: {detail}")
