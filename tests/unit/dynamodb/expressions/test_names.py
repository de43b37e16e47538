"""expressions/names.py: placeholder checks and semantic errors with DynamoDB's wording."""

from __future__ import annotations

from typing import Any

import pytest

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import Path, SetAction, Value
from serverlite.dynamodb.expressions.names import RESERVED_WORDS, ExpressionContext

VALUES: dict[str, Any] = {":s": {"S": "x"}, ":n": {"N": "1"}, ":big": {"N": "9"}, ":l": {"L": []}}


def _message(call: Any) -> str:
    with pytest.raises(ValidationException) as excinfo:
        call()
    return str(excinfo.value.message)


def test_reserved_word_list_is_complete() -> None:
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html has 573 words.
    assert len(RESERVED_WORDS) == 573
    assert {"NAME", "STATUS", "DATA", "YEAR", "COUNT"} <= RESERVED_WORDS


def test_resolution_replaces_placeholders() -> None:
    context = ExpressionContext({"#n": "name"}, {":s": {"S": "x"}})
    update = context.update("SET #n = :s")
    context.finish()
    assert update.actions == (SetAction(Path(("name",)), Value(":s", {"S": "x"})),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SET name = :s", "Attribute name is a reserved keyword; reserved keyword: name"),
        ("SET a = nope(b)", "Invalid function name; function: nope"),
        (
            "SET a = :s REMOVE b SET c = :s",
            'The "SET" section can only be used once in an update expression;',
        ),
        (
            "SET #x = :s",
            "An expression attribute name used in the document path is not defined; attribute name: #x",
        ),
        (
            "SET a = :x",
            "An expression attribute value used in expression is not defined; attribute value: :x",
        ),
        (
            "SET a = :s REMOVE a",
            (
                "Two document paths overlap with each other; must remove or rewrite one of these paths; "
                "path one: [a], path two: [a]"
            ),
        ),
        (
            "SET a[0] = :s REMOVE a.b",
            (
                "Two document paths conflict with each other; must remove or rewrite one of these "
                "paths; path one: [a, [0]], path two: [a, b]"
            ),
        ),
        ("ADD a :s", "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"),
        (
            "DELETE a :n",
            "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER",
        ),
        (
            "SET a = :s + :n",
            "Incorrect operand type for operator or function; operator or function: +, operand type: S",
        ),
        (
            "SET a = list_append(:s, :l)",
            (
                "Incorrect operand type for operator or function; operator or function: "
                "list_append, operand type: S"
            ),
        ),
        (
            "SET a = if_not_exists(:s, :s)",
            ("Operator or function requires a document path; operator or function: if_not_exists"),
        ),
        (
            "SET a = if_not_exists(a)",
            (
                "Incorrect number of operands for operator or function; operator or function: "
                "if_not_exists, number of operands: 1"
            ),
        ),
        ("", "The expression can not be empty;"),
    ],
)
def test_update_errors(text: str, message: str) -> None:
    # Wording: dynalite db/updateParser.pegjs and moto dynamodb/exceptions.py (both record AWS responses).
    assert (
        _message(lambda: ExpressionContext(None, VALUES).update(text))
        == f"Invalid UpdateExpression: {message}"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("size(a)", "The function is not allowed to be used this way in an expression; function: size"),
        (
            "begins_with(a, :s) = :s",
            ("The function is not allowed to be used this way in an expression; function: begins_with"),
        ),
        ("foo(a)", "Invalid function name; function: foo"),
        ("a = :x", "An expression attribute value used in expression is not defined; attribute value: :x"),
        (
            "#x = :s",
            "An expression attribute name used in the document path is not defined; attribute name: #x",
        ),
        (
            "attribute_exists(a, b)",
            (
                "Incorrect number of operands for operator or function; operator or function: "
                "attribute_exists, number of operands: 2"
            ),
        ),
        (
            "a = a",
            (
                "The first operand must be distinct from the remaining operands for this operator or function; "
                "operator: =, first operand: [a]"
            ),
        ),
        (
            "a BETWEEN :big AND :n",
            (
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
                "lower bound operand: AttributeValue: {N:9}, upper bound operand: AttributeValue: {N:1}"
            ),
        ),
        (
            "a BETWEEN :s AND :n",
            (
                "The BETWEEN operator requires same data type for lower and upper bounds; lower bound "
                "operand: AttributeValue: {S:x}, upper bound operand: AttributeValue: {N:1}"
            ),
        ),
        (
            "attribute_type(a, :n)",
            (
                "Incorrect operand type for operator or function; operator or function: "
                "attribute_type, operand type: N"
            ),
        ),
        (
            "attribute_type(a, :s)",
            "Invalid attribute type name found; type: x, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
        ),
        (
            "begins_with(a, :n)",
            (
                "Incorrect operand type for operator or function; operator or function: begins_with, "
                "operand type: N"
            ),
        ),
        (
            "size(:n) > :n",
            "Incorrect operand type for operator or function; operator or function: size, operand type: N",
        ),
        ("data = :s", "Attribute name is a reserved keyword; reserved keyword: data"),
    ],
)
def test_condition_errors(text: str, message: str) -> None:
    # Wording: dynalite db/conditionParser.pegjs (observed AWS); the distinct-operand text also in
    # nubo-db/dynamodb-conformance putItem.test.ts.
    assert (
        _message(lambda: ExpressionContext(None, VALUES).condition(text))
        == f"Invalid ConditionExpression: {message}"
    )


def test_unused_names_reported_before_values() -> None:
    context = ExpressionContext({"#a": "a", "#b": "b"}, {":v": {"S": "x"}, ":w": {"S": "y"}})
    context.condition("#a = :v")
    # nubo-db/dynamodb-conformance tests/tier3/error-messages/updateItem.test.ts.
    assert (
        _message(context.finish)
        == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"
    )
    context.used_names.add("#b")
    assert (
        _message(context.finish)
        == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"
    )
