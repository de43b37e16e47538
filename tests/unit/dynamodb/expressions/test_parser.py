"""expressions/parser.py: AST shapes and DynamoDB's syntax-error wording."""

from __future__ import annotations

import pytest

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
    SetAction,
    Value,
)
from serverlite.dynamodb.expressions.parser import parse_condition, parse_projection, parse_update


def test_update_sections_and_actions() -> None:
    update = parse_update("set a = :v, #b.c[2] = if_not_exists(d, :z) - :one remove e ADD f :n delete g :s")
    assert update.sections == ("SET", "REMOVE", "ADD", "DELETE")
    assert update.actions == (
        SetAction(Path(("a",)), Value(":v")),
        SetAction(
            Path(("#b", "c", 2)),
            Arithmetic("-", Function("if_not_exists", (Path(("d",)), Value(":z"))), Value(":one")),
        ),
        PathAction("REMOVE", Path(("e",))),
        PathAction("ADD", Path(("f",)), Value(":n")),
        PathAction("DELETE", Path(("g",)), Value(":s")),
    )


def test_condition_precedence_not_and_or() -> None:
    condition = parse_condition("a = :a OR NOT b < :b AND c BETWEEN :x AND :y")
    assert condition == Or(
        Comparison("=", Path(("a",)), Value(":a")),
        And(Not(Comparison("<", Path(("b",)), Value(":b"))), Between(Path(("c",)), Value(":x"), Value(":y"))),
    )


def test_condition_in_functions_and_parentheses() -> None:
    condition = parse_condition("(attribute_exists(a) or size(b) >= :n) and c IN (:p, :q)")
    assert condition == And(
        Or(
            Function("attribute_exists", (Path(("a",)),)),
            Comparison(">=", Function("size", (Path(("b",)),)), Value(":n")),
        ),
        In(Path(("c",)), (Value(":p"), Value(":q"))),
    )


def test_projection_paths() -> None:
    assert parse_projection("a, #b.c, d[0][1]").paths == (Path(("a",)), Path(("#b", "c")), Path(("d", 0, 1)))


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        # Real AWS, quoted in aws/aws-cdk#7591:
        (parse_update, "ADD hits : incr", 'Syntax error; token: ":", near: "hits : incr"'),
        # Real AWS, nubo-db/dynamodb-conformance tests/tier3/error-messages/updateItem.test.ts:
        (parse_update, "INVALID SYNTAX HERE", 'Syntax error; token: "INVALID", near: "INVALID SYNTAX"'),
        # Real AWS, nubo-db/dynamodb-conformance tests/tier3/error-messages/getItem.test.ts:
        (parse_projection, "!!! INVALID !!!", 'Syntax error; token: "!", near: "!!"'),
        # Real AWS, quoted in getndazn/dazn-lambda-powertools#242:
        (parse_update, "SET a = :a, #, b = :b", 'Syntax error; token: "#", near: ", #,"'),
        (parse_update, "SET a =", 'Syntax error; token: "<EOF>", near: "="'),
        (parse_update, "SET a = :v SET", 'Syntax error; token: "<EOF>", near: "SET"'),
        (parse_condition, "a = :v AND", 'Syntax error; token: "<EOF>", near: "AND"'),
        (parse_condition, "a", 'Syntax error; token: "<EOF>", near: "a"'),
        # nubo-db/dynamodb-conformance putItem.test.ts "redundant parentheses":
        (parse_condition, "((attribute_not_exists(pk)))", "The expression has redundant parentheses;"),
    ],
)
def test_errors(parse: object, text: str, message: str) -> None:
    with pytest.raises(InvalidExpression) as excinfo:
        parse(text)  # type: ignore[operator]
    assert excinfo.value.message == message
