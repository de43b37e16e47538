"""expressions/legacy.py: legacy condition checks and conversion to the AST."""

from __future__ import annotations

from typing import Any

import pytest

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.evaluate import evaluate
from serverlite.dynamodb.expressions.legacy import check_conditions, filter_condition

ITEM = {"a": {"N": "5"}, "s": {"S": "hello"}}


def _matches(conditions: dict[str, Any], operator: str | None = None) -> bool:
    return evaluate(filter_condition(conditions, check_conditions(conditions), operator), ITEM)


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"a": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "5"}]}}, True),
        ({"a": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "5"}]}}, False),
        ({"zz": {"ComparisonOperator": "NULL"}}, True),
        ({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "he"}]}}, True),
        ({"s": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "ll"}]}}, False),
        ({"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "5"}]}}, True),
        ({"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "4"}]}}, False),
    ],
)
def test_operators(conditions: dict[str, Any], expected: bool) -> None:
    assert _matches(conditions) is expected


def test_conditional_operator_or() -> None:
    conditions = {
        "a": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]},
        "s": {"ComparisonOperator": "NOT_NULL"},
    }
    assert (_matches(conditions), _matches(conditions, "OR")) == (False, True)


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        (
            {"a": {"ComparisonOperator": "EQ", "AttributeValueList": []}},
            "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator",
        ),
        (
            {"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"S": "x"}]}},
            "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type",
        ),
        (
            {"a": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"N": "1"}]}},
            "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N "
            "AttributeValue type",
        ),
        (
            {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "2"}, {"N": "1"}]}},
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
        ),
    ],
)
def test_errors(conditions: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationException) as excinfo:
        check_conditions(conditions)
    assert excinfo.value.message == message
