"""The PartiQL for DynamoDB grammar: SELECT, INSERT, UPDATE, DELETE (and EXISTS in transactions).

Grammar from the statement pages of
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.statements.html and
the operator and function pages (ql-operators.html, ql-functions.html). Messages: DynamoDB
Local's ValidationExceptionMessages (see errors.py); a statement that starts with anything else
is ``Expected data manipulation`` (nubo-db/dynamodb-conformance batchExecuteStatement.test.ts);
ordering operators reject a BOOL, NULL, set, list or map operand
(nubo-db/dynamodb-conformance tests/tier2/partiql/comparison.test.ts, captured from AWS).
"""

from __future__ import annotations

from typing import Any

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
from serverlite.dynamodb.expressions.parser import room_to_nest
from serverlite.dynamodb.partiql.ast import Delete, Exists, Insert, Select, Source, Statement, Update
from serverlite.dynamodb.partiql.errors import malformed
from serverlite.dynamodb.partiql.operands import OperandParser
from serverlite.dynamodb.partiql.tokens import tokenize
from serverlite.dynamodb.values import AttributeValue, type_of

__all__ = ["parse"]

_COMPARATORS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ORDERED_TYPES = ("S", "N", "B")
_CONDITION_FUNCTIONS = ("begins_with", "contains", "attribute_type")
# IS <type>: DynamoDB Local ValidationExceptionMessages UNSUPPORTED_DATA_TYPE_IS lists the types.
_IS_TYPES = {
    "NULL": "NULL",
    "BOOLEAN": "BOOL",
    "BLOB": "B",
    "STRING": "S",
    "NUMERIC": "N",
    "STRUCT": "M",
    "TUPLE": "M",
    "LIST": "L",
}
_RETURNING = ("ALL OLD", "MODIFIED OLD", "ALL NEW", "MODIFIED NEW")


def parse(statement: str, parameters: list[AttributeValue], *, allow_exists: bool = False) -> Statement:
    """Parse one statement, binding ``?`` to Parameters in order.

    Raises:
        ValidationException: a malformed statement or a parameter count that does not match.
    """
    parser = _StatementParser(tokenize(statement), parameters)
    with room_to_nest():  # a statement of 8,192 characters nests parentheses thousands deep
        parsed = parser.statement(allow_exists)
    if parser.current.kind != "end":
        raise malformed("Unexpected token after expression")
    if parser.used_parameters != len(parameters):
        raise ValidationException("Number of parameters in request and statement don't match.")
    return parsed


class _StatementParser(OperandParser):
    """Statements and conditions, on top of the operand reader."""

    def statement(self, allow_exists: bool) -> Statement:
        if self.accept_word("SELECT"):
            return self.select()
        if self.accept_word("INSERT"):
            return self.insert()
        if self.accept_word("UPDATE"):
            return self.update()
        if self.accept_word("DELETE"):
            return self.delete()
        if allow_exists and self.accept_word("EXISTS"):
            self.expect_punct("(")
            self.expect_word("SELECT")
            select = self.select()
            self.expect_punct(")")
            return Exists(select)
        raise malformed("Expected data manipulation")

    # -- statements ----------------------------------------------------------------------------

    def select(self) -> Select:
        projection = self.projection()
        self.expect_word("FROM")
        source = self.source()
        where = self.condition() if self.accept_word("WHERE") else None
        order: list[tuple[str, bool]] = []
        if self.accept_word("ORDER"):
            self.expect_word("BY")
            order.append(self.ordering())
            while self.accept_punct(","):
                order.append(self.ordering())
            if where is None:
                raise ValidationException(
                    "Must have WHERE clause in the statement when using ORDER BY clause."
                )
        return Select(projection, source, where, tuple(order))

    def projection(self) -> tuple[Path, ...] | None:
        items: list[Path | None] = [self.projected()]
        while self.accept_punct(","):
            items.append(self.projected())
        if None in items and len(items) > 1:
            raise ValidationException(
                "Other attributes should not be present in the projection when '*' is used."
            )
        return None if items == [None] else tuple(item for item in items if item is not None)

    def projected(self) -> Path | None:
        return None if self.accept_punct("*") else self.path()

    def ordering(self) -> tuple[str, bool]:
        name = self.name()
        descending = self.accept_word("DESC")
        if not descending:
            self.accept_word("ASC")
        return name, descending

    def source(self) -> Source:
        """``"Table"`` or ``"Table"."Index"`` (conformance partiqlIndexQualifier.test.ts)."""
        parts = [self.source_part()]
        while self.accept_punct("."):
            parts.append(self.source_part())
        if len(parts) > 2:
            raise ValidationException("A path may contain at most 2 components in the FROM clause")
        return Source(parts[0], parts[1] if len(parts) > 1 else None)

    def source_part(self) -> str:
        token = self.current
        if token.kind == "name" and token.text == "":
            raise ValidationException("Path component cannot be an empty string")
        return self.name()

    def insert(self) -> Insert:
        self.expect_word("INTO")
        source = self.source()
        self.expect_word("VALUE")
        if not self.current.is_punct("{"):
            raise ValidationException(
                "Unsupported format in item expression. Please use struct format {...} to express item "
                "values for insert statement."
            )
        item = self.tuple_members()
        if self.current.is_word("RETURNING"):
            raise ValidationException("RETURNING is not supported in INSERT")
        return Insert(source, item)

    def update(self) -> Update:
        source = self.source()
        actions: list[SetAction | PathAction] = []
        while True:
            if self.accept_word("SET"):
                actions.append(self.assignment())
                while self.accept_punct(","):
                    actions.append(self.assignment())
            elif self.accept_word("REMOVE"):
                actions.append(PathAction("REMOVE", self.path()))
                while self.accept_punct(","):
                    actions.append(PathAction("REMOVE", self.path()))
            else:
                break
        if not actions:
            raise self.unexpected()
        self.expect_word("WHERE")
        where = self.condition()
        return Update(source, tuple(actions), where, self.returning())

    def assignment(self) -> SetAction | PathAction:
        """``path = value``; ``set_add``/``set_delete`` become ADD/DELETE actions."""
        target = self.path()
        self.expect_punct("=")
        value = self.arithmetic()
        if isinstance(value, Function) and value.name in ("set_add", "set_delete"):
            return _set_action(target, value)
        return SetAction(target, value)

    def arithmetic(self) -> Any:
        value = self.operand()
        while self.current.is_punct("+", "-"):
            operator = self.advance().text
            value = Arithmetic(operator, value, self.operand())
        return value

    def delete(self) -> Delete:
        self.expect_word("FROM")
        source = self.source()
        self.expect_word("WHERE")
        where = self.condition()
        return Delete(source, where, self.returning())

    def returning(self) -> str | None:
        if not self.accept_word("RETURNING"):
            return None
        scope = self.advance().text.upper()
        image = self.advance().text.upper()
        choice = f"{scope} {image}"
        if choice not in _RETURNING:
            raise self.unexpected()
        if not self.accept_punct("*"):
            raise ValidationException(
                "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"
            )
        return choice

    # -- conditions ----------------------------------------------------------------------------

    def condition(self) -> Any:
        node = self.conjunction()
        while self.accept_word("OR"):
            node = Or(node, self.conjunction())
        return node

    def conjunction(self) -> Any:
        node = self.negation()
        while self.accept_word("AND"):
            node = And(node, self.negation())
        return node

    def negation(self) -> Any:
        if self.accept_word("NOT"):
            return Not(self.negation())
        return self.predicate()

    def predicate(self) -> Any:
        if self.accept_punct("("):
            grouped = self.condition()
            self.expect_punct(")")
            return grouped
        left = self.operand()
        operator = self.current.text if self.current.kind == "punct" else ""
        if operator in _COMPARATORS:
            self.advance()
            return _comparison(_COMPARATORS[operator], left, self.operand())
        negated = self.accept_word("NOT")
        if self.accept_word("BETWEEN"):
            node: Any = self.between(left)
        elif self.accept_word("IN"):
            node = In(left, tuple(Value("literal", value) for value in self.in_list()))
        elif not negated and self.accept_word("IS"):
            return self.is_check(left)
        elif not negated and isinstance(left, Function) and left.name in _CONDITION_FUNCTIONS:
            return _condition_function(left)
        else:
            raise self.unexpected()
        return Not(node) if negated else node

    def between(self, operand: Any) -> Between:
        low = self.operand()
        self.expect_word("AND")
        high = self.operand()
        for bound in (operand, low, high):
            _check_ordered("BETWEEN", bound)
        return Between(operand, low, high)

    def in_list(self) -> list[AttributeValue]:
        """``IN ['a', 'b']`` (or parentheses); at least one member."""
        closing = {"[": "]", "(": ")"}.get(self.current.text if self.current.kind == "punct" else "")
        if closing is None:
            raise self.unexpected()
        values = self.members(self.current.text, closing)
        if not values:
            raise ValidationException(
                "IN operator must have a left hand argument of type Variable Reference and right hand "
                "argument of type Seq with at least one member"
            )
        return values

    def is_check(self, operand: Any) -> Any:
        """``IS [NOT] MISSING`` and ``IS [NOT] <type>``."""
        negated = self.accept_word("NOT")
        word = self.advance()
        kind = word.text.upper()
        if word.kind != "word" or (kind != "MISSING" and kind not in _IS_TYPES):
            raise ValidationException(
                f"Unsupported data type for IS operator: {word.text}. Supported data types are "
                "[MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
            )
        if kind == "MISSING":
            return Function("attribute_exists" if negated else "attribute_not_exists", (operand,))
        check = Function("attribute_type", (operand, Value("literal", {"S": _IS_TYPES[kind]})))
        return Not(check) if negated else check


def _comparison(operator: str, left: Any, right: Any) -> Comparison:
    if operator not in ("=", "<>"):
        _check_ordered(operator, left)
        _check_ordered(operator, right)
    return Comparison(operator, left, right)


def _check_ordered(operator: str, operand: Any) -> None:
    if isinstance(operand, Value) and operand.value is not None:
        kind = type_of(operand.value)
        if kind not in _ORDERED_TYPES:
            raise ValidationException(
                f"Incorrect operand type for operator or function; operator or function: {operator}, "
                f"operand type: {kind}"
            )


def _condition_function(function: Function) -> Function:
    """begins_with/contains take two operands, attribute_type a path and an S type name."""
    if len(function.args) != 2:
        raise ValidationException(
            "Incorrect number of operands for operator or function; operator or function: "
            f"{function.name}, number of operands: {len(function.args)}"
        )
    if function.name == "attribute_type":
        kind = function.args[1]
        if isinstance(kind, Value) and kind.value is not None and type_of(kind.value) != "S":
            raise ValidationException(
                "Incorrect operand type for operator or function; operator or function: attribute_type, "
                f"operand type: {type_of(kind.value)}"
            )
    return function


def _set_action(target: Path, function: Function) -> PathAction:
    """``a = set_add(a, <<...>>)`` is ``ADD a``; the messages name the function upper-cased."""
    name = function.name.upper()
    if len(function.args) != 2:
        raise ValidationException(f"{name} must have exactly two arguments")
    first, second = function.args
    if first != target:
        raise ValidationException(f"The first argument to {name} must equal the assignment value")
    if (
        not isinstance(second, Value)
        or second.value is None
        or type_of(second.value) not in ("SS", "NS", "BS")
    ):
        raise ValidationException(f"The second argument to {name} must be a value with type SET")
    return PathAction("ADD" if name == "SET_ADD" else "DELETE", target, second)
