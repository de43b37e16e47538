"""expressions/update.py: applying update expressions."""

from __future__ import annotations

from typing import Any

import pytest

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.names import ExpressionContext
from serverlite.dynamodb.expressions.update import apply_update

VALUES: dict[str, Any] = {
    ":one": {"N": "1"},
    ":s": {"S": "v"},
    ":l": {"L": [{"S": "z"}]},
    ":set": {"SS": ["b", "c"]},
    ":nums": {"NS": ["2"]},
    ":half": {"N": "0.5"},
}


def _apply(text: str, item: dict[str, Any]) -> dict[str, Any]:
    return apply_update(ExpressionContext(None, VALUES).update(text), item)


def test_set_arithmetic_and_if_not_exists() -> None:
    assert _apply("SET a = if_not_exists(a, :one) + :half", {}) == {"a": {"N": "1.5"}}
    assert _apply("SET a = a - :half", {"a": {"N": "1"}}) == {"a": {"N": "0.5"}}


def test_operands_read_the_old_item() -> None:
    assert _apply("SET a = :s, b = a", {"a": {"S": "old"}}) == {"a": {"S": "v"}, "b": {"S": "old"}}


def test_nested_set_and_list_index_past_end_appends() -> None:
    item = {"m": {"M": {"l": {"L": [{"S": "x"}]}}}}
    assert _apply("SET m.l[5] = :s, m.k = :one", item) == {
        "m": {"M": {"l": {"L": [{"S": "x"}, {"S": "v"}]}, "k": {"N": "1"}}}
    }


def test_list_append_remove_add_delete() -> None:
    item = {"l": {"L": [{"S": "a"}]}, "gone": {"S": "x"}, "tags": {"SS": ["a", "b"]}, "n": {"N": "1"}}
    result = _apply("SET l = list_append(:l, l) REMOVE gone ADD tags :set, n :one DELETE nums :nums", item)
    assert result == {"l": {"L": [{"S": "z"}, {"S": "a"}]}, "tags": {"SS": ["a", "b", "c"]}, "n": {"N": "2"}}
    assert item["gone"] == {"S": "x"}


def test_delete_last_members_removes_attribute() -> None:
    assert _apply("DELETE nums :nums", {"nums": {"NS": ["2"]}}) == {}


def test_remove_list_element() -> None:
    assert _apply("REMOVE l[0]", {"l": {"L": [{"S": "a"}, {"S": "b"}]}}) == {"l": {"L": [{"S": "b"}]}}


@pytest.mark.parametrize(
    ("text", "item", "message"),
    [
        # moto dynamodb/exceptions.py and dynalite actions/updateItem.js (observed AWS):
        ("SET a = b", {}, "The provided expression refers to an attribute that does not exist in the item"),
        (
            "SET a = b + :one",
            {"b": {"S": "x"}},
            "An operand in the update expression has an incorrect data type",
        ),
        (
            "SET a = list_append(b, :l)",
            {"b": {"S": "x"}},
            "An operand in the update expression has an incorrect data type",
        ),
        ("ADD a :one", {"a": {"S": "x"}}, "An operand in the update expression has an incorrect data type"),
        ("SET a.b = :s", {}, "The document path provided in the update expression is invalid for update"),
        (
            "SET a[0] = :s",
            {"a": {"S": "x"}},
            "The document path provided in the update expression is invalid for update",
        ),
    ],
)
def test_runtime_errors(text: str, item: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationException) as excinfo:
        _apply(text, item)
    assert excinfo.value.message == message
