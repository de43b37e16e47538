"""expressions/legacy.py: Expected, ConditionalOperator and AttributeUpdates as the expression AST.

Semantics: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.Expected.html
and LegacyConditionalParameters.AttributeUpdates.html; messages: dynalite validations/index.js
validateAttributeConditions and validations/updateItem.js (observed AWS).
"""

from __future__ import annotations

from typing import Any

import pytest

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.evaluate import evaluate
from serverlite.dynamodb.expressions.legacy import attribute_updates, expected_condition
from serverlite.dynamodb.expressions.update import apply_update
from serverlite.dynamodb.values import Item

ITEM: Item = {"pk": {"S": "k"}, "a": {"N": "5"}, "s": {"SS": ["x", "y"]}, "l": {"L": [{"S": "1"}]}}


@pytest.mark.parametrize(
    ("expected", "operator", "matches"),
    [
        ({"a": {"Value": {"N": "5"}}}, None, True),
        ({"a": {"Exists": True, "Value": {"N": "6"}}}, None, False),
        ({"zz": {"Exists": False}}, None, True),
        ({"a": {"Exists": False}}, None, False),
        ({"a": {"ComparisonOperator": "GT", "Value": {"N": "4"}}}, None, True),
        ({"s": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "x"}]}}, None, True),
        ({"a": {"ComparisonOperator": "NOT_NULL"}, "zz": {"ComparisonOperator": "NOT_NULL"}}, "AND", False),
        ({"a": {"ComparisonOperator": "NOT_NULL"}, "zz": {"ComparisonOperator": "NOT_NULL"}}, "OR", True),
    ],
)
def test_expected_matches_like_the_expression_form(
    expected: dict[str, Any], operator: str | None, matches: bool
) -> None:
    assert evaluate(expected_condition(expected, operator), ITEM) is matches


def test_absent_expected_is_no_condition() -> None:
    assert expected_condition(None, None) is None


@pytest.mark.parametrize(
    ("expected", "operator", "message"),
    [
        (
            {"a": {"Exists": False, "Value": {"N": "1"}}},
            None,
            "Value cannot be used when Exists is false for Attribute: a",
        ),
        (
            {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"S": "2"}]}},
            None,
            "AttributeValues inside AttributeValueList must be of same type",
        ),
        (
            {"a": {"Value": {"N": "1"}}},
            "OR",
            "ConditionalOperator can only be used when Filter or Expected has two or more elements",
        ),
        (None, "AND", "ConditionalOperator cannot be used without Filter or Expected"),
    ],
)
def test_expected_errors(expected: dict[str, Any] | None, operator: str | None, message: str) -> None:
    with pytest.raises(ValidationException) as excinfo:
        expected_condition(expected, operator)
    assert str(excinfo.value.message).endswith(message)


def test_attribute_updates_apply_like_update_expressions() -> None:
    update = attribute_updates(
        {
            "a": {"Action": "ADD", "Value": {"N": "-2"}},
            "s": {"Action": "DELETE", "Value": {"SS": ["x"]}},
            "l": {"Action": "ADD", "Value": {"L": [{"S": "2"}]}},
            "new": {"Action": "ADD", "Value": {"L": [{"S": "n"}]}},
            "p": {"Value": {"BOOL": True}},
            "pk2": {"Action": "DELETE"},
        }
    )
    assert update is not None
    assert update.sections == ("ADD", "DELETE", "SET", "REMOVE")
    assert apply_update(update, ITEM) == {
        "pk": {"S": "k"},
        "a": {"N": "3"},
        "s": {"SS": ["y"]},
        "l": {"L": [{"S": "1"}, {"S": "2"}]},
        "new": {"L": [{"S": "n"}]},
        "p": {"BOOL": True},
    }


def test_absent_attribute_updates_is_no_update() -> None:
    assert attribute_updates(None) is None
