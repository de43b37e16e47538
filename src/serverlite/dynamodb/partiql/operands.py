"""Operands of PartiQL conditions and SET values: paths, literals, ``?`` parameters, function calls.

Literals become AttributeValues (PartiQL for DynamoDB data types,
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.data-types.html):
'text' is S, numbers N, TRUE/FALSE BOOL, NULL, ``[...]`` L, ``{'k': v}`` M and ``<<...>>`` a string
or number set. Messages: DynamoDB Local's ValidationExceptionMessages (see errors.py).
"""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import Function, Path, Value
from serverlite.dynamodb.partiql.errors import malformed
from serverlite.dynamodb.partiql.tokens import Token
from serverlite.dynamodb.values import AttributeValue, canonical_number, parse_number, validate_value

__all__ = ["KEYWORDS", "OperandParser"]

# Words that end an operand; they must be "quoted" to be used as attribute names.
KEYWORDS = frozenset(
    "SELECT FROM WHERE AND OR NOT IN BETWEEN IS MISSING NULL TRUE FALSE INSERT INTO VALUE UPDATE SET "
    "REMOVE DELETE RETURNING ORDER BY ASC DESC EXISTS".split()
)
_MAX_INDEX = 2**31 - 1
_FUNCTIONS = frozenset(
    ("begins_with", "contains", "attribute_type", "size", "list_append", "set_add", "set_delete")
)


class OperandParser:
    """A cursor over tokens that reads operands; statement parsers build on it."""

    def __init__(self, tokens: list[Token], parameters: list[AttributeValue]) -> None:
        self.tokens = tokens
        self.position = 0
        self.parameters = parameters
        self.used_parameters = 0

    # -- cursor --------------------------------------------------------------------------------

    @property
    def current(self) -> Token:
        """The token at the cursor."""
        return self.tokens[self.position]

    def advance(self) -> Token:
        """Return the current token and move past it."""
        token = self.current
        self.position = min(self.position + 1, len(self.tokens) - 1)
        return token

    def accept_word(self, *words: str) -> bool:
        """Skip one of the keywords if it is next."""
        if self.current.is_word(*words):
            self.advance()
            return True
        return False

    def accept_punct(self, *marks: str) -> bool:
        """Skip one of the punctuation marks if it is next."""
        if self.current.is_punct(*marks):
            self.advance()
            return True
        return False

    def expect_word(self, word: str) -> None:
        """Skip a keyword or reject the statement."""
        if not self.accept_word(word):
            raise self.unexpected()

    def expect_punct(self, mark: str) -> None:
        """Skip a punctuation mark or reject the statement."""
        if not self.accept_punct(mark):
            raise self.unexpected()

    def unexpected(self) -> ValidationException:
        """The error for the token at the cursor (serverlite's detail wording)."""
        if self.current.kind == "end":
            return malformed("Unexpected end of statement")
        return malformed(f"Unexpected token: {self.current.text}")

    # -- operands ------------------------------------------------------------------------------

    def operand(self) -> Any:
        """A path, literal, parameter or function call."""
        token = self.current
        if token.is_punct("?"):
            return self.parameter()
        if token.kind == "word" and self.tokens[self.position + 1].is_punct("("):
            if token.text.lower() in _FUNCTIONS:
                return self.function()
            if token.text.upper() not in KEYWORDS:
                raise ValidationException(f"Unrecognized function: {token.text}")
        if token.kind == "name" or (token.kind == "word" and token.text.upper() not in KEYWORDS):
            return self.path()
        return Value("literal", self.literal())

    def parameter(self) -> Value:
        """A ``?``: the next member of Parameters (checked for count once the statement is read)."""
        self.expect_punct("?")
        index = self.used_parameters
        self.used_parameters += 1
        value = self.parameters[index] if index < len(self.parameters) else None
        return Value("?", value)

    def function(self) -> Function:
        """``name(arg, ...)`` for the functions PartiQL for DynamoDB supports."""
        name = self.advance().text.lower()
        self.expect_punct("(")
        args = [self.operand()]
        while self.accept_punct(","):
            args.append(self.operand())
        self.expect_punct(")")
        return Function(name, tuple(args))

    def path(self) -> Path:
        """``a.b[1]."c"``: names and list indexes."""
        parts: list[str | int] = [self.name()]
        while True:
            if self.accept_punct("."):
                parts.append(self.name())
            elif self.accept_punct("["):
                parts.append(self.list_index())
                self.expect_punct("]")
            else:
                return Path(tuple(parts))

    def name(self) -> str:
        """A bare or "quoted" identifier."""
        token = self.current
        if token.kind == "name" or (token.kind == "word" and token.text.upper() not in KEYWORDS):
            self.advance()
            return token.text
        raise self.unexpected()

    def list_index(self) -> int:
        negative = self.accept_punct("-")
        token = self.current
        if token.kind != "number" or not token.text.isdigit():
            raise self.unexpected()
        self.advance()
        index = -int(token.text) if negative else int(token.text)
        if index < 0 or index > _MAX_INDEX:
            raise ValidationException(f"List index is not within the allowable range; index: [{index}]")
        return index

    # -- literals ------------------------------------------------------------------------------

    def literal(self) -> AttributeValue:
        """One literal value (a ``?`` is allowed inside collections)."""
        token = self.current
        if token.is_punct("?"):
            value = self.parameter().value
            return value if value is not None else {"NULL": True}
        if token.kind == "string":
            self.advance()
            return {"S": token.text}
        if token.kind == "number" or token.is_punct("-", "+"):
            return {"N": self.number()}
        if token.is_word("TRUE", "FALSE"):
            self.advance()
            return {"BOOL": token.text.upper() == "TRUE"}
        if token.is_word("NULL"):
            self.advance()
            return {"NULL": True}
        if token.is_punct("["):
            return {"L": self.members("[", "]")}
        if token.is_punct("{"):
            return {"M": self.tuple_members()}
        if token.is_punct("<<"):
            return self.bag()
        raise self.unexpected()

    def number(self) -> str:
        sign = 1
        while self.current.is_punct("-", "+"):
            sign = -sign if self.advance().text == "-" else sign
        token = self.current
        if token.kind != "number":
            raise self.unexpected()
        self.advance()
        number = parse_number(token.text)  # exact; a product in the default context would round
        return canonical_number(number if sign > 0 else number.copy_negate())

    def members(self, opening: str, closing: str) -> list[AttributeValue]:
        self.expect_punct(opening)
        values: list[AttributeValue] = []
        if self.accept_punct(closing):
            return values
        values.append(self.literal())
        while self.accept_punct(","):
            values.append(self.literal())
        self.expect_punct(closing)
        return values

    def tuple_members(self) -> dict[str, AttributeValue]:
        """``{'name': value, ...}``; names are string literals."""
        self.expect_punct("{")
        members: dict[str, AttributeValue] = {}
        while not self.accept_punct("}"):
            if members:
                self.expect_punct(",")
            key = self.current
            if key.kind != "string":
                raise self.unexpected()
            self.advance()
            self.expect_punct(":")
            members[key.text] = self.literal()
        return members

    def bag(self) -> AttributeValue:
        """``<<'a', 'b'>>`` is SS, ``<<1, 2>>`` NS; other members are rejected."""
        members = self.members("<<", ">>")
        if not members:
            raise ValidationException("Empty bags are not supported")
        kinds = {next(iter(member)) for member in members}
        if kinds not in ({"S"}, {"N"}):
            raise ValidationException(
                "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
            )
        kind = kinds.pop()
        return validate_value({kind + "S": [member[kind] for member in members]})
