"""Tokens of a PartiQL statement: words, "quoted names", 'strings', numbers, ``?`` and punctuation.

Comments (``-- line`` and ``/* block */``) are skipped and a trailing ``;`` is allowed, as AWS
does (floci DynamoDbPartiQLEdgeCaseIntegrationTest ``skipsLineAndBlockComments``, captured from
DynamoDB). Inside 'strings' and "names" a doubled quote stands for one quote (PartiQL spec,
https://partiql.org/assets/PartiQL-Specification.pdf section 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from serverlite.dynamodb.partiql.errors import malformed

__all__ = ["Token", "tokenize"]

_PATTERN = re.compile(
    r"""
    (?P<space>\s+|--[^\n]*|/\*.*?\*/)
    | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    | (?P<name>"(?:[^"]|"")*")
    | (?P<string>'(?:[^']|'')*')
    | (?P<punct><<|>>|<=|>=|<>|!=|\|\||[()\[\]{},.*?=<>+\-:;])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: kind (word, name, string, number, punct, end), its text (unquoted) and offset."""

    kind: str
    text: str
    offset: int

    def is_word(self, *words: str) -> bool:
        """True for an unquoted word equal (case-insensitively) to one of ``words``."""
        return self.kind == "word" and self.text.upper() in words

    def is_punct(self, *marks: str) -> bool:
        """True for one of the punctuation marks."""
        return self.kind == "punct" and self.text in marks


def tokenize(statement: str) -> list[Token]:
    """The statement's tokens, ending with an ``end`` token.

    Raises:
        ValidationException: an unterminated string, name or comment, or a stray character.
    """
    tokens: list[Token] = []
    offset = 0
    while offset < len(statement):
        match = _PATTERN.match(statement, offset)
        if match is None:
            raise malformed(f"Unexpected character: {statement[offset]}")
        kind = match.lastgroup or "space"
        text = match.group()
        if kind in ("name", "string"):
            text = text[1:-1].replace(text[0] * 2, text[0])
        if kind != "space":
            tokens.append(Token(kind, text, offset))
        offset = match.end()
    while tokens and tokens[-1].is_punct(";"):
        tokens.pop()
    tokens.append(Token("end", "", len(statement)))
    return tokens
