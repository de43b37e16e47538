"""Request members the three PartiQL operations share: Statement and Parameters.

Shapes from botocore dynamodb service-2.json (PartiQLStatement: length 1..8192;
PreparedStatementParameters: at least 1 member). Parameter values are validated before the
statement is read (floci DynamoDbPartiQLEdgeCaseIntegrationTest
``refusesAnInvalidParameterBeforeReadingTheStatement``, captured from AWS).
"""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.shapes import ATTRIBUTE_VALUE, Constraints
from serverlite.dynamodb.values import AttributeValue, validate_value

__all__ = ["MEMBER_SHAPE", "check_member", "parameters"]

MEMBER_SHAPE: dict[str, Any] = {
    "Statement": "String",
    "Parameters": ("List", ATTRIBUTE_VALUE),
    "ConsistentRead": "Boolean",
    "ReturnValuesOnConditionCheckFailure": "String",
}


def check_member(member: dict[str, Any], where: str, constraints: Constraints) -> None:
    """Statement present and 1..8192 long, Parameters non-empty, the enum of the failure option."""
    prefix = f"{where}." if where else ""
    constraints.not_null(member.get("Statement"), f"{prefix}statement")
    constraints.length(member.get("Statement"), f"{prefix}statement", 1, 8192)
    constraints.length(member.get("Parameters"), f"{prefix}parameters", 1, None)
    constraints.one_of(
        member.get("ReturnValuesOnConditionCheckFailure"),
        f"{prefix}returnValuesOnConditionCheckFailure",
        ("ALL_OLD", "NONE"),
    )


def parameters(member: dict[str, Any]) -> list[AttributeValue]:
    """The Parameters, validated and with numbers canonicalised (raises ValidationException)."""
    return [validate_value(value) for value in member.get("Parameters") or ()]
