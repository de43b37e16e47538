"""expressions/key_condition.py: shapes of key conditions and their byte bounds."""

from __future__ import annotations

import pytest

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.key_condition import KeyCondition, bounds, from_expression
from serverlite.dynamodb.expressions.names import ExpressionContext

VALUES = {":p": {"S": "p"}, ":a": {"N": "1"}, ":b": {"N": "2"}}


def _conditions(text: str) -> dict[str, KeyCondition]:
    return from_expression(ExpressionContext(None, VALUES).condition(text, "KeyConditionExpression"))


def test_conditions_by_attribute_with_flipped_operands() -> None:
    assert _conditions("pk = :p AND :a < sk") == {
        "pk": KeyCondition("EQ", ({"S": "p"},)),
        "sk": KeyCondition("GT", ({"N": "1"},)),
    }
    assert _conditions("pk = :p AND sk BETWEEN :a AND :b")["sk"] == KeyCondition(
        "BETWEEN", ({"N": "1"}, {"N": "2"})
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pk = :p OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"),
        ("NOT pk = :p", "Invalid operator used in KeyConditionExpression: NOT"),
        ("pk IN (:p)", "Invalid operator used in KeyConditionExpression: IN"),
        ("pk <> :p", "Invalid operator used in KeyConditionExpression: <>"),
        ("contains(pk, :p)", "Invalid operator used in KeyConditionExpression: contains"),
        ("size(pk) = :a", "KeyConditionExpressions cannot contain nested operations"),
        (
            "pk = sk",
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
        ),
        (":p = :p", "Invalid condition in KeyConditionExpression: No key attribute specified"),
        ("pk.x = :p", "KeyConditionExpressions cannot have conditions on nested attributes"),
    ],
)
def test_rejected_shapes(text: str, message: str) -> None:
    with pytest.raises(ValidationException) as excinfo:
        _conditions(text)
    assert excinfo.value.message == message


def test_bounds() -> None:
    assert bounds(None) == (None, None)
    assert bounds(KeyCondition("LT", ({"S": "b"},))) == (None, (b"b", False))
    assert bounds(KeyCondition("BEGINS_WITH", ({"S": "ab"},))) == ((b"ab", True), (b"ac", False))
    assert bounds(KeyCondition("BEGINS_WITH", ({"B": "/w=="},))) == ((b"\xff", True), None)
    assert bounds(KeyCondition("EQ", ({"S": "a"},))) == ((b"a", True), (b"a", True))
