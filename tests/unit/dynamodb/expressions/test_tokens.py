"""expressions/tokens.py."""

from __future__ import annotations

from serverlite.dynamodb.expressions.tokens import Kind, tokenize


def test_kinds_and_texts() -> None:
    tokens = tokenize("SET #a.b[10] = :v + size(x) <> ")
    assert [(t.kind, t.text) for t in tokens if t.kind is not Kind.WHITESPACE] == [
        (Kind.NAME, "SET"),
        (Kind.ATTRIBUTE_NAME, "#a"),
        (Kind.OPERATOR, "."),
        (Kind.NAME, "b"),
        (Kind.OPERATOR, "["),
        (Kind.NUMBER, "10"),
        (Kind.OPERATOR, "]"),
        (Kind.OPERATOR, "="),
        (Kind.ATTRIBUTE_VALUE, ":v"),
        (Kind.OPERATOR, "+"),
        (Kind.NAME, "size"),
        (Kind.OPERATOR, "("),
        (Kind.NAME, "x"),
        (Kind.OPERATOR, ")"),
        (Kind.OPERATOR, "<>"),
    ]


def test_whitespace_is_kept_and_positions_recorded() -> None:
    tokens = tokenize("a  =\t:b")
    assert [t.text for t in tokens] == ["a", "  ", "=", "\t", ":b"]
    assert [t.position for t in tokens] == [0, 1, 3, 4, 5]


def test_unknown_characters_become_single_error_tokens() -> None:
    assert [(t.kind, t.text) for t in tokenize("!!:")] == [
        (Kind.ERROR, "!"),
        (Kind.ERROR, "!"),
        (Kind.ERROR, ":"),
    ]
    assert next(t.kind for t in tokenize("# x")) is Kind.ERROR
