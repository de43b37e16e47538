"""The TableName member of the table operations (CreateTable's siblings DeleteTable, DescribeTable)."""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.shapes import Constraints, check_shape

__all__ = ["validate_table_name"]


def validate_table_name(request: dict[str, Any]) -> str:
    """Required (``The parameter 'TableName' is required ...``), then pattern and length.

    Wording: nubo-db/dynamodb-conformance tests/tier3/error-messages/createTable.test.ts.
    """
    check_shape(request, {"TableName": "String"})
    name = request.get("TableName")
    if name is None:
        raise ValidationException("The parameter 'TableName' is required but was not present in the request")
    constraints = Constraints()
    constraints.table_name(name)
    constraints.raise_if_any()
    return str(name)
