"""partiql/tokens.py and partiql/parser.py: statement shapes, literals and AWS's messages.

Messages: DynamoDB Local's decompiled ValidationExceptionMessages (PartiQL front end shipped by
AWS) and nubo-db/dynamodb-conformance tests (captured from AWS), as cited per test.
"""

from __future__ import annotations

import pytest

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import (
    And,
    Arithmetic,
    Between,
    Comparison,
    Function,
    In,
    Not,
    Or,
    Path,
    PathAction,
    SetAction,
    Value,
)
from serverlite.dynamodb.partiql.ast import Delete, Exists, Insert, Select, Source, Update
from serverlite.dynamodb.partiql.parser import parse
from serverlite.dynamodb.partiql.tokens import tokenize

MALFORMED = "Statement wasn't well formed, can't be processed: "


def _literal(value: dict[str, object]) -> Value:
    return Value("literal", value)


def _error(statement: str, parameters: list[dict[str, object]] | None = None, **options: bool) -> str:
    with pytest.raises(ValidationException) as caught:
        parse(statement, parameters or [], **options)
    return str(caught.value.message)


def test_tokens_skip_comments_unquote_and_drop_trailing_semicolon() -> None:
    tokens = tokenize("SELECT/**/\"a\"\"b\" -- c\nFROM 'it''s' 1.5e2;")
    assert [(t.kind, t.text) for t in tokens] == [
        ("word", "SELECT"),
        ("name", 'a"b'),
        ("word", "FROM"),
        ("string", "it's"),
        ("number", "1.5e2"),
        ("end", ""),
    ]


def test_select_with_index_where_and_order_by() -> None:
    statement = parse(
        'select a.b[1], "c" from "T"."I" where pk = ? and sk between 1 and 5 '
        "or not x is missing order by sk desc",
        [{"S": "p"}],
    )
    assert statement == Select(
        (Path(("a", "b", 1)), Path(("c",))),
        Source("T", "I"),
        Or(
            And(
                Comparison("=", Path(("pk",)), Value("?", {"S": "p"})),
                Between(Path(("sk",)), _literal({"N": "1"}), _literal({"N": "5"})),
            ),
            Not(Function("attribute_not_exists", (Path(("x",)),))),
        ),
        (("sk", True),),
    )


def test_select_star_in_list_and_functions() -> None:
    statement = parse("SELECT * FROM T WHERE pk IN ['a', 'b'] AND begins_with(s, 'x') AND n IS NOT NULL", [])
    assert isinstance(statement, Select)
    assert statement.projection is None
    assert statement.where == And(
        And(
            In(Path(("pk",)), (_literal({"S": "a"}), _literal({"S": "b"}))),
            Function("begins_with", (Path(("s",)), _literal({"S": "x"}))),
        ),
        Not(Function("attribute_type", (Path(("n",)), _literal({"S": "NULL"})))),
    )


def test_insert_literals_become_attribute_values() -> None:
    statement = parse(
        "INSERT INTO \"T\" VALUE {'pk': ?, 'n': -1.50, 'l': [true, null, 'x'], 'm': {'k': <<2, 1>>}, "
        "'s': <<'a'>>}",
        [{"S": "p"}],
    )
    assert statement == Insert(
        Source("T"),
        {
            "pk": {"S": "p"},
            "n": {"N": "-1.5"},
            "l": {"L": [{"BOOL": True}, {"NULL": True}, {"S": "x"}]},
            "m": {"M": {"k": {"NS": ["2", "1"]}}},
            "s": {"SS": ["a"]},
        },
    )


def test_update_actions_in_written_order() -> None:
    statement = parse(
        "UPDATE T SET a = a + 1, b.c = ? REMOVE d SET s = set_add(s, <<'x'>>) WHERE pk = 'k' RETURNING ALL NEW *",
        [{"S": "v"}],
    )
    assert statement == Update(
        Source("T"),
        (
            SetAction(Path(("a",)), Arithmetic("+", Path(("a",)), _literal({"N": "1"}))),
            SetAction(Path(("b", "c")), Value("?", {"S": "v"})),
            PathAction("REMOVE", Path(("d",))),
            PathAction("ADD", Path(("s",)), _literal({"SS": ["x"]})),
        ),
        Comparison("=", Path(("pk",)), _literal({"S": "k"})),
        "ALL NEW",
    )


def test_delete_and_exists() -> None:
    assert parse("DELETE FROM T WHERE pk = 'k' RETURNING ALL OLD *", []) == Delete(
        Source("T"), Comparison("=", Path(("pk",)), _literal({"S": "k"})), "ALL OLD"
    )
    exists = parse("EXISTS(SELECT * FROM T WHERE pk = 'k')", [], allow_exists=True)
    assert isinstance(exists, Exists)


def test_unknown_leading_word() -> None:
    # nubo-db/dynamodb-conformance tests/tier2/partiql/batchExecuteStatement.test.ts (AWS).
    assert _error("SLECT * FROM T") == MALFORMED + "Expected data manipulation"
    assert _error("EXISTS(SELECT * FROM T WHERE pk = 'k')") == MALFORMED + "Expected data manipulation"


def test_trailing_tokens() -> None:
    # floci DynamoDbPartiQLEdgeCaseIntegrationTest subtractsWithoutSpacesAndRefusesTrailingTokens (AWS).
    assert _error("UPDATE T SET t=1 WHERE pk='k' garbage") == MALFORMED + "Unexpected token after expression"


def test_from_clause_messages() -> None:
    # nubo-db/dynamodb-conformance tests/tier3/error-messages/partiqlIndexQualifier.test.ts (AWS).
    assert _error('SELECT * FROM "T"."I"."x"') == "A path may contain at most 2 components in the FROM clause"
    assert _error('SELECT * FROM "T".""') == "Path component cannot be an empty string"
    assert _error('SELECT * FROM ""') == "Path component cannot be an empty string"


def test_ordering_operators_reject_unordered_operands() -> None:
    # nubo-db/dynamodb-conformance tests/tier2/partiql/comparison.test.ts (AWS).
    message = "Incorrect operand type for operator or function; operator or function: {}, operand type: {}"
    assert _error("SELECT * FROM T WHERE v < ?", [{"BOOL": True}]) == message.format("<", "BOOL")
    assert _error("SELECT * FROM T WHERE v >= ?", [{"SS": ["a"]}]) == message.format(">=", "SS")
    assert _error("SELECT * FROM T WHERE v BETWEEN ? AND 2", [{"NULL": True}]) == message.format(
        "BETWEEN", "NULL"
    )


def test_parameter_count_must_match() -> None:
    # DynamoDB Local ValidationExceptionMessages PARAMETERS_IN_STATEMENT_AND_PARAMETERS_IN_REQUEST.
    expected = "Number of parameters in request and statement don't match."
    assert _error("SELECT * FROM T WHERE pk = ?") == expected
    assert _error("SELECT * FROM T WHERE pk = 'a'", [{"S": "x"}]) == expected


def test_returning_insert_and_bag_messages() -> None:
    # DynamoDB Local ValidationExceptionMessages INVALID_RV_INSERT, EMPTY_BAG, UNSUPPORTED_DATA_TYPE_IN_BAG.
    assert (
        _error("INSERT INTO T VALUE {'pk': 'a'} RETURNING ALL OLD *")
        == "RETURNING is not supported in INSERT"
    )
    assert _error("SELECT * FROM T WHERE s = <<>>") == "Empty bags are not supported"
    assert _error("SELECT * FROM T WHERE s = <<true>>") == (
        "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
    )


def test_duplicate_bag_members() -> None:
    # floci DynamoDbPartiQLEdgeCaseIntegrationTest refusesDuplicateMembersInABag (AWS).
    assert _error("SELECT * FROM T WHERE s = <<'a','a'>>") == (
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
    )


def test_set_add_arguments() -> None:
    # DynamoDB Local ValidationExceptionMessages SET_OPERATION_INCORRECT_*; floci refusesAValueThatIsNotASetInSetAdd.
    assert _error("UPDATE T SET s = set_add(t, <<'x'>>) WHERE pk = 'k'") == (
        "The first argument to SET_ADD must equal the assignment value"
    )
    assert _error("UPDATE T SET s = set_add(s, 'x') WHERE pk = 'k'") == (
        "The second argument to SET_ADD must be a value with type SET"
    )


def test_star_with_other_attributes_and_negative_index() -> None:
    assert (
        _error("SELECT *, a FROM T")
        == "Other attributes should not be present in the projection when '*' is used."
    )
    assert _error("SELECT l[-1] FROM T") == "List index is not within the allowable range; index: [-1]"
