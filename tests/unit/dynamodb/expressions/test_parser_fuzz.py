"""Generated expressions (issue 19): whatever the text, parsing and checking end in a ValidationException
or a tree, never another exception. Deep nesting, long texts and odd tokens once raised RecursionError.

Expressions within 4 KB still nest thousands of levels; their answers are checked in
tests/functional/dynamodb/test_never_500.py with the sources that record AWS's words.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.names import ExpressionContext

_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
_TOKENS = [
    " ", "(", ")", ",", ".", "[", "]", "=", "<>", "<", "<=", ">", ">=", "+", "-", ":v", ":w", "#n", "a", "b",
    "0", "99999999999999999999999", "AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE",
    "size", "attribute_exists", "attribute_type", "begins_with", "contains", "if_not_exists", "list_append",
    "_", "__x", "f", "\u00e9", "\x00", "'",
]  # fmt: skip
# (opening, middle, closing) pieces repeated n times around a core: nesting of every kind.
_NESTINGS = [
    ("(", "a = :v", ")"),
    ("NOT ", "a = :v", ""),
    ("size(", "a", ") = :v"),
    ("f(", "a", ") = :v"),
    ("a < :v OR (", "b < :v", ")"),
    ("list_append(", "a", ", b)"),
    ("if_not_exists(a, ", ":v", ")"),
    ("", "a", ".b"),
    ("", "a", "[0]"),
]


def _nested(kind: tuple[str, str, str], depth: int) -> str:
    opening, core, closing = kind
    return opening * depth + core + closing * depth


_texts = (
    st.lists(st.sampled_from(_TOKENS), max_size=60).map("".join)
    | st.builds(_nested, st.sampled_from(_NESTINGS), st.integers(0, 3000))
    | st.builds(
        lambda part, n, glue: glue.join([part] * n),
        st.sampled_from(["a = :v", "a", "a = a + :v"]),
        st.integers(1, 900),
        st.sampled_from([" AND ", " OR ", ", "]),
    )  # fmt: skip
)
_KINDS = ["condition", "update", "projection", "KeyConditionExpression", "FilterExpression"]


def _analyse(kind: str, text: str) -> None:
    context = ExpressionContext({"#n": "name"}, {":v": {"N": "1"}, ":w": {"L": []}})
    if kind == "update":
        context.update(text)
    elif kind == "projection":
        context.projection(text)
    elif kind == "condition":
        context.condition(text)
    else:
        context.condition(text, kind)


@_SETTINGS
@given(kind=st.sampled_from(_KINDS), text=_texts)
def test_any_text_is_a_tree_or_a_validation_exception(kind: str, text: str) -> None:
    try:
        _analyse(kind, text)
    except ValidationException:
        pass


@_SETTINGS
@given(kind=st.sampled_from(_KINDS), depth=st.integers(2, 4096))
def test_parentheses_as_deep_as_4_kb_allows(kind: str, depth: int) -> None:
    """Two or more around one condition are redundant, or a syntax error once cut at 4 KB."""
    text = ("(" * depth + "a = :v" + ")" * depth)[:4096]
    with pytest.raises(ValidationException):
        _analyse(kind, text)
