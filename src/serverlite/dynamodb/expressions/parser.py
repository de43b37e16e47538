"""The one recursive-descent parser for DynamoDB expressions.

Grammar (keywords case-insensitive; precedence NOT > AND > OR, per
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html):

    update     := section+ ; section := SET set (, set)* | REMOVE path (, path)*
                  | ADD path :v (, path :v)* | DELETE path :v (, path :v)*
    set        := path = value ; value := operand ((+|-) operand)?
    condition  := or ; or := and (OR and)* ; and := not (AND not)* ; not := NOT not | primary
    primary    := ( condition ) | operand comparator operand | operand BETWEEN operand AND operand
                  | operand IN ( operand (, operand)* ) | function
    operand    := ( operand ) | function | :v | path ; function := name ( operand (, operand)* )
    path       := (name | #name) (. (name | #name) | [ number ])*
    projection := path (, path)*

Syntax errors copy DynamoDB's text: ``Syntax error; token: "T", near: "N"`` where N is the previous
token (with the whitespace before T), T, and the next token (with the one after it if the next is
whitespace); ``<EOF>`` at the end. Observed: ``ADD hits : incr`` -> token ":", near "hits : incr"
(aws/aws-cdk#7591); ``INVALID SYNTAX HERE`` -> token "INVALID", near "INVALID SYNTAX"
(nubo-db/dynamodb-conformance tests/tier3/error-messages/updateItem.test.ts).

Limits (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-expression-parameters):
at most 300 operators, counted as they are read: comparisons, BETWEEN, IN, AND, OR, NOT and the ``+`` or
``-`` of a SET; neither parentheses nor function calls count. AWS's answer to the 301st, observed
(scylladb test/alternator/test_limits.py test_deeply_nested_expression_2): ``The expression contains
too many operators; operator count: 301``. A document path has at most 32 levels (``The document path
has too many nesting levels; nesting levels: 33``, observed: scylladb
test/alternator/test_projection_expression.py). An expression of 4 KB (checked before parsing,
names.py) can still nest parentheses or function calls thousands deep, and the descent recurses once
or twice per level: the parse runs with room for that many frames (`_room_to_nest`).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import NoReturn

from serverlite.dynamodb.expressions.ast import (
    And,
    Arithmetic,
    Between,
    Comparison,
    Function,
    In,
    InvalidExpression,
    Not,
    Or,
    Path,
    PathAction,
    Projection,
    SetAction,
    UpdateExpression,
    Value,
)
from serverlite.dynamodb.expressions.tokens import Kind, Token, tokenize

__all__ = [
    "MAX_OPERATORS",
    "MAX_PATH_LEVELS",
    "parse_condition",
    "parse_projection",
    "parse_update",
    "room_to_nest",
]

_SECTIONS = ("SET", "REMOVE", "ADD", "DELETE")
_CONDITION_KEYWORDS = ("AND", "OR", "NOT", "BETWEEN", "IN")
_COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
_REDUNDANT_PARENTHESES = "The expression has redundant parentheses;"
# Clients send the same few expression texts over and over, and a parsed tree is immutable (frozen
# dataclasses and tuples, placeholders unresolved), so each text is parsed once. Errors are not cached.
_PARSED_TEXTS = 1024
MAX_OPERATORS = 300
MAX_PATH_LEVELS = 32
# Frames a parse may need: 4,096 characters of "(" nest 4,096 levels, four calls each. Python 3.11+
# calls Python functions without using the C stack, so the limit only bounds the frame count.
_NESTING_FRAMES = 20_000


@contextlib.contextmanager
def room_to_nest() -> Iterator[None]:
    """Raise the recursion limit for the duration of a parse (and the checks that walk its tree)."""
    limit = sys.getrecursionlimit()
    if limit >= _NESTING_FRAMES:
        yield
        return
    sys.setrecursionlimit(_NESTING_FRAMES)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


class _Parser:
    """Cursor over significant tokens; whitespace is skipped but kept for ``near:``."""

    def __init__(self, text: str, keywords: tuple[str, ...]) -> None:
        self.tokens = tokenize(text)
        self.keywords = keywords
        self.index = self._skip(0)
        self.parenthesized: set[int] = set()
        self.redundant = False
        self.operators = 0

    def _skip(self, index: int) -> int:
        while index < len(self.tokens) and self.tokens[index].kind is Kind.WHITESPACE:
            index += 1
        return index

    @property
    def current(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def advance(self) -> Token:
        token = self.current
        if token is None:
            self.fail()
        self.index = self._skip(self.index + 1)
        return token

    def fail(self) -> NoReturn:
        """Raise DynamoDB's syntax error for the current token."""
        i, tokens = self.index, self.tokens
        token = tokens[i].text if i < len(tokens) else "<EOF>"
        before = tokens[i - 1].text if i >= 1 else ""
        if i >= 2 and tokens[i - 1].kind is Kind.WHITESPACE:
            before = tokens[i - 2].text + before
        after = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if i + 2 < len(tokens) and tokens[i + 1].kind is Kind.WHITESPACE:
            after += tokens[i + 2].text
        middle = tokens[i].text if i < len(tokens) else ""
        raise InvalidExpression(f'Syntax error; token: "{token}", near: "{before}{middle}{after}"')

    def count_operator(self) -> None:
        """One more operator; past MAX_OPERATORS the expression is refused at once."""
        self.operators += 1
        if self.operators > MAX_OPERATORS:
            raise InvalidExpression(
                f"The expression contains too many operators; operator count: {self.operators}"
            )

    def at_end(self) -> bool:
        return self.current is None

    def is_operator(self, *texts: str) -> bool:
        token = self.current
        return token is not None and token.kind is Kind.OPERATOR and token.text in texts

    def is_keyword(self, word: str) -> bool:
        token = self.current
        return token is not None and token.kind is Kind.NAME and token.text.upper() == word

    def expect_operator(self, text: str) -> None:
        if not self.is_operator(text):
            self.fail()
        self.advance()

    def expect_keyword(self, word: str) -> None:
        if not self.is_keyword(word):
            self.fail()
        self.advance()

    def expect_end(self) -> None:
        if not self.at_end():
            self.fail()

    # -- shared pieces -------------------------------------------------------------------------

    def name(self) -> str:
        token = self.current
        if token is None or token.kind not in (Kind.NAME, Kind.ATTRIBUTE_NAME):
            self.fail()
        if token.kind is Kind.NAME and token.text.upper() in self.keywords:
            self.fail()
        return self.advance().text

    def path(self) -> Path:
        parts: list[str | int] = [self.name()]
        while self.is_operator(".", "["):
            if self.advance().text == ".":
                parts.append(self.name())
                continue
            token = self.current
            if token is None or token.kind is not Kind.NUMBER:
                self.fail()
            parts.append(int(self.advance().text))
            self.expect_operator("]")
        if len(parts) > MAX_PATH_LEVELS:
            raise InvalidExpression(
                f"The document path has too many nesting levels; nesting levels: {len(parts)}"
            )
        return Path(tuple(parts))

    def operand(self) -> Path | Value | Function:
        if self.is_operator("("):
            self.advance()
            inner = self.operand()
            self.expect_operator(")")
            return inner
        token = self.current
        if token is not None and token.kind is Kind.ATTRIBUTE_VALUE:
            return Value(self.advance().text)
        if token is not None and token.kind is Kind.NAME and self._next_is_parenthesis():
            return self.function()
        return self.path()

    def _next_is_parenthesis(self) -> bool:
        following = self._skip(self.index + 1)
        return following < len(self.tokens) and self.tokens[following].text == "("

    def function(self) -> Function:
        name = self.advance().text
        self.expect_operator("(")
        args = [self.operand()]
        while self.is_operator(","):
            self.advance()
            args.append(self.operand())
        self.expect_operator(")")
        return Function(name, tuple(args))

    # -- update expressions --------------------------------------------------------------------

    def update(self) -> UpdateExpression:
        actions: list[SetAction | PathAction] = []
        sections: list[str] = []
        if self.at_end():
            self.fail()
        while not self.at_end():
            token = self.current
            section = token.text.upper() if token is not None and token.kind is Kind.NAME else ""
            if section not in _SECTIONS:
                self.fail()
            self.advance()
            sections.append(section)
            actions.append(self.action(section))
            while self.is_operator(","):
                self.advance()
                actions.append(self.action(section))
        return UpdateExpression(tuple(actions), tuple(sections))

    def action(self, section: str) -> SetAction | PathAction:
        path = self.path()
        if section == "SET":
            self.expect_operator("=")
            return SetAction(path, self.set_value())
        if section == "REMOVE":
            return PathAction(section, path)
        token = self.current
        if token is None or token.kind is not Kind.ATTRIBUTE_VALUE:
            self.fail()
        return PathAction(section, path, Value(self.advance().text))

    def set_value(self) -> Path | Value | Function | Arithmetic:
        left = self.operand()
        if self.is_operator("+", "-"):
            operator = self.advance().text
            self.count_operator()
            return Arithmetic(operator, left, self.operand())
        return left

    # -- conditions ----------------------------------------------------------------------------

    def condition(self) -> object:
        left = self.conjunction()
        while self.is_keyword("OR"):
            self.advance()
            self.count_operator()
            left = Or(left, self.conjunction())
        return left

    def conjunction(self) -> object:
        left = self.negation()
        while self.is_keyword("AND"):
            self.advance()
            self.count_operator()
            left = And(left, self.negation())
        return left

    def negation(self) -> object:
        negations = 0
        while self.is_keyword("NOT"):  # a loop: hundreds of NOTs in a row must not recurse
            self.advance()
            self.count_operator()
            negations += 1
        node = self.primary()
        for _ in range(negations):
            node = Not(node)
        return node

    def primary(self) -> object:
        if not self.is_operator("("):
            return self.comparison()
        self.advance()
        inner = self.condition()
        self.expect_operator(")")
        if id(inner) in self.parenthesized:
            self.redundant = True
        self.parenthesized.add(id(inner))
        return inner

    def comparison(self) -> object:
        left = self.operand()
        if self.is_operator(*_COMPARATORS):
            operator = self.advance().text
            self.count_operator()
            return Comparison(operator, left, self.operand())
        if self.is_keyword("BETWEEN"):
            self.advance()
            self.count_operator()
            low = self.operand()
            self.expect_keyword("AND")
            return Between(left, low, self.operand())
        if self.is_keyword("IN"):
            self.advance()
            self.count_operator()
            self.expect_operator("(")
            options = [self.operand()]
            while self.is_operator(","):
                self.advance()
                options.append(self.operand())
            self.expect_operator(")")
            return In(left, tuple(options))
        if isinstance(left, Function):
            return left
        self.fail()


@lru_cache(maxsize=_PARSED_TEXTS)
def parse_update(text: str) -> UpdateExpression:
    """Parse an UpdateExpression.

    Raises:
        InvalidExpression: a syntax error, worded as DynamoDB words it.
    """
    with room_to_nest():
        parser = _Parser(text, _SECTIONS)
        result = parser.update()
        parser.expect_end()
    return result


@lru_cache(maxsize=_PARSED_TEXTS)
def parse_condition(text: str) -> object:
    """Parse a condition (ConditionExpression; later FilterExpression and KeyConditionExpression).

    Raises:
        InvalidExpression: a syntax error, or redundant parentheses such as ``((a = :v))``.
    """
    with room_to_nest():
        parser = _Parser(text, _CONDITION_KEYWORDS)
        result = parser.condition()
        parser.expect_end()
    if parser.redundant:
        raise InvalidExpression(_REDUNDANT_PARENTHESES)
    return result


@lru_cache(maxsize=_PARSED_TEXTS)
def parse_projection(text: str) -> Projection:
    """Parse a ProjectionExpression: ``a, b.c, d[0]``."""
    parser = _Parser(text, ())
    paths = [parser.path()]
    while parser.is_operator(","):
        parser.advance()
        paths.append(parser.path())
    parser.expect_end()
    return Projection(tuple(paths))
