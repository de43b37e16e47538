"""expressions/evaluate.py: conditions against items."""

from __future__ import annotations

from typing import Any

import pytest

from serverlite.dynamodb.expressions.evaluate import evaluate
from serverlite.dynamodb.expressions.names import ExpressionContext

ITEM: dict[str, Any] = {
    "pk": {"S": "user#1"},
    "age": {"N": "30"},
    "tags": {"SS": ["a", "b"]},
    "nums": {"NS": ["1", "2"]},
    "arr": {"L": [{"S": "x"}, {"N": "2"}]},
    "doc": {"M": {"nested": {"S": "deep"}}},
    "bin": {"B": "AAEC"},
    "flag": {"BOOL": True},
}
VALUES: dict[str, Any] = {
    ":30": {"N": "30.0"},
    ":29": {"N": "29"},
    ":40": {"N": "40"},
    ":user": {"S": "user"},
    ":a": {"S": "a"},
    ":x": {"S": "x"},
    ":deep": {"S": "deep"},
    ":SS": {"S": "SS"},
    ":one": {"N": "1"},
    ":three": {"N": "3"},
    ":two": {"N": "2"},
    ":b0": {"B": "AA=="},
}


def _holds(text: str, item: dict[str, Any] | None = ITEM) -> bool:
    context = ExpressionContext(None, VALUES)
    return evaluate(context.condition(text), item)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("age = :30", True),
        ("age <> :30", False),
        ("age < :40", True),
        ("age <= :29", False),
        ("age > :29", True),
        ("age >= :30", True),
        ("age BETWEEN :29 AND :40", True),
        ("age BETWEEN :two AND :29", False),
        ("age IN (:29, :30)", True),
        ("age IN (:29, :40)", False),
        ("absent = :30", False),
        ("absent <> :30", True),
        ("absent < :30", False),
        ("pk < :30", False),
        ("attribute_exists(doc.nested)", True),
        ("attribute_not_exists(doc.nope)", True),
        ("attribute_exists(arr[1])", True),
        ("attribute_exists(arr[2])", False),
        ("attribute_type(tags, :SS)", True),
        ("begins_with(pk, :user)", True),
        ("begins_with(bin, :b0)", True),
        ("contains(tags, :a)", True),
        ("contains(pk, :user)", True),
        ("contains(arr, :x)", True),
        ("contains(nums, :one)", True),
        ("contains(nums, :three)", False),
        ("size(tags) = :two", True),
        ("size(pk) > :three", True),
        ("size(bin) = :three", True),
        ("size(doc) = :one", True),
        ("doc.nested = :deep AND NOT flag = :x", True),
        ("age = :29 OR (age = :30 AND contains(tags, :a))", True),
    ],
)
def test_conditions(text: str, expected: bool) -> None:
    assert _holds(text) is expected


def test_missing_item_behaves_as_empty() -> None:
    assert _holds("attribute_not_exists(pk)", None) is True
    assert _holds("attribute_exists(pk)", None) is False
