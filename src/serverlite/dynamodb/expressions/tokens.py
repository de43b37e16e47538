"""The one tokenizer for every DynamoDB expression (condition, update, projection, and later
filter and key-condition expressions).

The tokenizer never fails: a character it does not know becomes a one-character ``ERROR`` token
and the parser reports it as DynamoDB does (``Syntax error; token: "!", near: "!!"`` for
``!!! INVALID !!!``, nubo-db/dynamodb-conformance tests/tier3/error-messages/getItem.test.ts).
Whitespace is kept as tokens because DynamoDB's ``near:`` text quotes it. A name starts with a
letter: ``_`` is an error token of its own (observed: ``__typename`` in a KeyConditionExpression is
``Syntax error; token: "_", near: "AND __"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

__all__ = ["Kind", "Token", "tokenize"]


class Kind(Enum):
    """Token kinds."""

    NAME = "name"
    ATTRIBUTE_NAME = "#name"
    ATTRIBUTE_VALUE = ":value"
    NUMBER = "number"
    OPERATOR = "operator"
    WHITESPACE = "whitespace"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its exact text and where it starts."""

    kind: Kind
    text: str
    position: int


_PATTERN = re.compile(
    r"(?P<whitespace>\s+)"
    r"|(?P<attribute_name>#[A-Za-z0-9_]+)"
    r"|(?P<attribute_value>:[A-Za-z0-9_]+)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<number>[0-9]+)"
    r"|(?P<operator><>|<=|>=|[=<>()\[\],.+-])"
)
_KINDS = {
    "whitespace": Kind.WHITESPACE,
    "attribute_name": Kind.ATTRIBUTE_NAME,
    "attribute_value": Kind.ATTRIBUTE_VALUE,
    "name": Kind.NAME,
    "number": Kind.NUMBER,
    "operator": Kind.OPERATOR,
}


def tokenize(text: str) -> list[Token]:
    """Split an expression into tokens, whitespace included."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _PATTERN.match(text, position)
        if match is None or match.lastgroup is None:
            tokens.append(Token(Kind.ERROR, text[position], position))
            position += 1
            continue
        tokens.append(Token(_KINDS[match.lastgroup], match.group(), position))
        position = match.end()
    return tokens
