"""Semantic checks and placeholder resolution for parsed expressions.

An ExpressionContext holds one request's ExpressionAttributeNames/Values; each expression of the
request goes through it, then ``finish()`` reports unused placeholders. Checks run after a clean
parse and report the first error of the first failing category, in DynamoDB's precedence as
recorded by dynalite (architect/dynalite db/updateParser.pegjs and db/conditionParser.pegjs):

* update:    reserved, unknown function, repeated section, undefined name, undefined value,
             overlapping paths, conflicting paths, ADD/DELETE operand, function operands
* condition: unknown function, misused function, reserved, undefined name or value,
             operand count, distinct operands, function operands
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from importlib import resources
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions import parser
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
from serverlite.dynamodb.values import AttributeValue, compare, type_of

__all__ = ["MAX_EXPRESSION_BYTES", "RESERVED_WORDS", "ExpressionContext", "path_heads"]

RESERVED_WORDS = frozenset(
    word
    for line in resources.files(__package__).joinpath("reserved_words.txt").read_text().splitlines()
    if not line.startswith("#")
    for word in line.split()
)

_UPDATE_ORDER = (
    "reserved",
    "unknown_function",
    "section",
    "name",
    "value",
    "overlap",
    "conflict",
    "operand",
    "function",
)
_CONDITION_ORDER = (
    "unknown_function",
    "misused_function",
    "reserved",
    "name",
    "count",
    "distinct",
    "function",
)
_UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
_ORDERINGS = ("<", "<=", ">", ">=")
_CONDITION_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}
_LONG_TYPE_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "NULL": "NULL",
    "BOOL": "BOOLEAN",
    "L": "LIST",
    "M": "MAP",
}
_VALID_TYPES = ("B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M")
_OPERAND_TYPE = "Incorrect operand type for operator or function; operator or function: {}, operand type: {}"


# AST node class -> its field names in declaration order; None for anything that is not a node.
_NODE_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _node_fields(kind: type) -> tuple[str, ...] | None:
    try:
        return _NODE_FIELDS[kind]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
        _NODE_FIELDS[kind] = names
        return names


# Walks of recent trees by id, each kept with its tree so that the id stays its own: parsed trees
# are cached (parser.py), so a request mostly walks a tree walked before.
_WALKS: dict[int, tuple[Any, list[Any]]] = {}
_MAX_WALKS = 1024


def _walk(node: Any) -> list[Any]:
    """Every AST node in source order (pre-order, fields in declaration order)."""
    known = _WALKS.get(id(node))
    if known is not None and known[0] is node:
        return known[1]
    found: list[Any] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, tuple):
            pending.extend(reversed(current))
            continue
        names = _node_fields(type(current))
        if names is not None:
            found.append(current)
            pending.extend([getattr(current, name) for name in reversed(names)])
    if len(_WALKS) >= _MAX_WALKS:
        _WALKS.clear()
    _WALKS[id(node)] = (node, found)
    return found


class _Findings:
    """The first message found in each error category."""

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}

    def add(self, category: str, message: str) -> None:
        self.messages.setdefault(category, message)

    def raise_first(self, order: tuple[str, ...]) -> None:
        for category in order:
            if category in self.messages:
                raise InvalidExpression(self.messages[category])


class ExpressionContext:
    """One request's placeholders; checks, resolves and tracks use of them."""

    def __init__(self, names: dict[str, str] | None, values: dict[str, AttributeValue] | None) -> None:
        self.names = names or {}
        self.values = values or {}
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    # -- public entry points -------------------------------------------------------------------

    def update(self, text: str) -> UpdateExpression:
        """Parse, check and resolve an UpdateExpression (raises ValidationException)."""
        result: UpdateExpression = self._analyse(
            "UpdateExpression", text, parser.parse_update, self._check_update, _UPDATE_ORDER
        )
        return result

    def condition(self, text: str, kind: str = "ConditionExpression") -> Any:
        """Parse, check and resolve a condition (raises ValidationException)."""
        return self._analyse(kind, text, parser.parse_condition, self._check_condition, _CONDITION_ORDER)

    def projection(self, text: str) -> Projection:
        """Parse, check and resolve a ProjectionExpression (raises ValidationException)."""
        result: Projection = self._analyse(
            "ProjectionExpression", text, parser.parse_projection, self._check_projection, _UPDATE_ORDER
        )
        return result

    def finish(self) -> None:
        """Reject placeholders no expression used (names first, as DynamoDB does)."""
        unused_names = [name for name in self.names if name not in self.used_names]
        if unused_names:
            raise ValidationException(
                "Value provided in ExpressionAttributeNames unused in expressions: "
                f"keys: {{{', '.join(unused_names)}}}"
            )
        unused_values = [name for name in self.values if name not in self.used_values]
        if unused_values:
            raise ValidationException(
                "Value provided in ExpressionAttributeValues unused in expressions: "
                f"keys: {{{', '.join(unused_values)}}}"
            )

    # -- machinery -----------------------------------------------------------------------------

    def _analyse(
        self,
        kind: str,
        text: str,
        parse: Callable[[str], Any],
        check: Callable[[Any, _Findings], None],
        order: tuple[str, ...],
    ) -> Any:
        try:
            if text == "":
                raise InvalidExpression("The expression can not be empty;")
            _check_size(kind, text)
            tree = parse(text)
            if len(text) <= _SHALLOW_TEXT:  # too short to nest deep: no need to make room
                return self._checked(tree, check, order)
            with parser.room_to_nest():
                return self._checked(tree, check, order)
        except InvalidExpression as error:
            raise ValidationException(f"Invalid {kind}: {error.message}") from None

    def _checked(self, tree: Any, check: Callable[[Any, _Findings], None], order: tuple[str, ...]) -> Any:
        findings = _Findings()
        check(tree, findings)
        findings.raise_first(order)
        return self._resolved(tree)

    def _resolved(self, node: Any) -> Any:
        """A new tree with names and values filled in (the parsed tree is cached and shared)."""
        kind = type(node)
        if kind is str:  # an operator, a function or section name
            return node
        if kind is Path:
            return self._resolved_path(node)
        if kind is Value:
            return Value(node.name, self.values[node.name])
        if isinstance(node, tuple):
            return tuple([self._resolved(child) for child in node])
        names = _node_fields(kind)
        if names is None:
            return node
        return kind(*[self._resolved(getattr(node, name)) for name in names])

    def _resolved_path(self, path: Path) -> Path:
        names = self.names
        return Path(tuple([names.get(p, p) if isinstance(p, str) else p for p in path.parts]))

    def _check_placeholders(self, node: Any, findings: _Findings, value_category: str) -> None:
        if isinstance(node, Path):
            for part in node.parts:
                if not isinstance(part, str):
                    continue
                if part.startswith("#"):
                    self._check_name(part, findings)
                elif part.upper() in RESERVED_WORDS:
                    findings.add(
                        "reserved", f"Attribute name is a reserved keyword; reserved keyword: {part}"
                    )
        elif isinstance(node, Value):
            if node.name in self.values:
                self.used_values.add(node.name)
            else:
                findings.add(
                    value_category,
                    "An expression attribute value used in expression is not "
                    f"defined; attribute value: {node.name}",
                )

    def _check_name(self, name: str, findings: _Findings) -> None:
        if name in self.names:
            self.used_names.add(name)
        else:
            findings.add(
                "name",
                "An expression attribute name used in the document path is not defined; "
                f"attribute name: {name}",
            )

    def _check_paths(self, tree: Any, findings: _Findings) -> None:
        for node in _walk(tree):
            self._check_placeholders(node, findings, "value")

    def _check_projection(self, tree: Projection, findings: _Findings) -> None:
        """Paths, then overlaps: ``a, a`` and ``a, a.b`` are rejected on the resolved names
        (nubo-db/dynamodb-conformance tests/tier3/error-messages/query.test.ts)."""
        self._check_paths(tree, findings)
        earlier: list[Path] = []
        for path in tree.paths:
            resolved = self._resolved_path(path)
            for other in earlier:
                _compare_paths(other, resolved, findings)
            earlier.append(resolved)

    # -- update expressions --------------------------------------------------------------------

    def _check_update(self, tree: UpdateExpression, findings: _Findings) -> None:
        self._check_paths(tree, findings)
        seen: set[str] = set()
        for section in tree.sections:
            if section in seen:
                findings.add(
                    "section", f'The "{section}" section can only be used once in an update expression;'
                )
            seen.add(section)
        self._check_overlaps(tree, findings)
        for action in tree.actions:
            self._check_action(action, findings)

    def _check_overlaps(self, tree: UpdateExpression, findings: _Findings) -> None:
        earlier: list[Path] = []
        for action in tree.actions:
            path = self._resolved_path(action.path)
            for other in earlier:
                _compare_paths(other, path, findings)
            earlier.append(path)

    def _check_action(self, action: SetAction | PathAction, findings: _Findings) -> None:
        if isinstance(action, PathAction):
            if action.value is not None:
                self._check_set_operand(action.section, action.value, findings)
            return
        for node in _walk(action.value):
            if isinstance(node, Function):
                self._check_update_function(node, findings)
            elif isinstance(node, Arithmetic):
                for operand in (node.left, node.right):
                    kind = self._immediate_type(operand)
                    if kind not in (None, "N"):
                        findings.add("function", _OPERAND_TYPE.format(node.operator, kind))

    def _check_set_operand(self, section: str, value: Value, findings: _Findings) -> None:
        kind = self._immediate_type(value)
        allowed = ("N", "SS", "NS", "BS") if section == "ADD" else ("SS", "NS", "BS")
        if kind is not None and kind not in allowed:
            findings.add(
                "operand",
                "Incorrect operand type for operator or function; "
                f"operator: {section}, operand type: {_LONG_TYPE_NAMES[kind]}",
            )

    def _check_update_function(self, function: Function, findings: _Findings) -> None:
        if function.name in _CONDITION_FUNCTIONS:
            findings.add("unknown_function", _not_allowed(function, "an update"))
            return
        if function.name not in _UPDATE_FUNCTIONS:
            findings.add("unknown_function", f"Invalid function name; function: {function.name}")
            return
        if not _check_count(function, _UPDATE_FUNCTIONS, findings, "function"):
            return
        if function.name == "if_not_exists" and not isinstance(function.args[0], Path):
            findings.add(
                "function",
                f"Operator or function requires a document path; operator or function: {function.name}",
            )
        if function.name == "list_append":
            for arg in function.args:
                kind = self._immediate_type(arg)
                if kind not in (None, "L"):
                    findings.add("function", _OPERAND_TYPE.format(function.name, kind))

    def _immediate_type(self, operand: Any) -> str | None:
        if isinstance(operand, Value) and operand.name in self.values:
            return type_of(self.values[operand.name])
        return None

    # -- conditions ----------------------------------------------------------------------------

    def _check_condition(self, tree: Any, findings: _Findings) -> None:
        for node in _walk(tree):
            self._check_placeholders(node, findings, "name")
            self._check_condition_node(node, findings)
        if isinstance(tree, Function) and tree.name == "size":
            findings.add("misused_function", _misused(tree))
        for node in _walk(tree):
            for child in _boolean_children(node):
                if isinstance(child, Function) and child.name == "size":
                    findings.add("misused_function", _misused(child))

    def _check_condition_node(self, node: Any, findings: _Findings) -> None:
        if isinstance(node, Function):
            self._check_condition_function(node, findings)
        elif isinstance(node, (Comparison, Between, In)):
            for operand in _operands(node):
                if isinstance(operand, Function) and operand.name != "size":
                    findings.add("misused_function", _misused(operand))
            if isinstance(node, Comparison):
                self._check_distinct(node.operator, (node.left, node.right), findings)
                if node.operator in _ORDERINGS:
                    self._check_orderable(node.operator, (node.left, node.right), findings)
            if isinstance(node, Between):
                self._check_orderable("BETWEEN", (node.operand, node.low, node.high), findings)
                self._check_between(node, findings)

    def _check_condition_function(self, function: Function, findings: _Findings) -> None:
        if function.name in _UPDATE_FUNCTIONS:
            findings.add("unknown_function", _not_allowed(function, "a condition"))
            return
        if function.name not in _CONDITION_FUNCTIONS:
            findings.add("unknown_function", f"Invalid function name; function: {function.name}")
            return
        for arg in function.args:
            if isinstance(arg, Function) and arg.name != "size":
                findings.add("misused_function", _misused(arg))
        if not _check_count(function, _CONDITION_FUNCTIONS, findings, "count"):
            return
        self._check_distinct(function.name, function.args, findings)
        _FUNCTION_CHECKS.get(function.name, _no_check)(self, function, findings)

    def _check_distinct(self, operator: str, args: tuple[Any, ...], findings: _Findings) -> None:
        if len(args) == 2 and isinstance(args[0], Path) and isinstance(args[1], Path):
            first, second = self._resolved_path(args[0]), self._resolved_path(args[1])
            if first == second:
                findings.add(
                    "distinct",
                    "The first operand must be distinct from the remaining operands for "
                    f"this operator or function; operator: {operator}, first operand: {first}",
                )

    def _check_orderable(self, operator: str, operands: tuple[Any, ...], findings: _Findings) -> None:
        """A value operand of an ordering comparison or BETWEEN must be S, N or B, whether or not the
        comparison is ever evaluated; a path of another type just compares false. Verified against
        DynamoDB by ExtendDB (tests/test_expr_operand_type_and_size.py): ``Incorrect operand type for
        operator or function; operator or function: <, operand type: BOOL``, with the short type code."""
        for operand in operands:
            kind = self._immediate_type(operand)
            if kind is not None and kind not in ("S", "N", "B"):
                findings.add("function", _OPERAND_TYPE.format(operator, kind))
                return

    def _check_between(self, node: Between, findings: _Findings) -> None:
        low, high = self._immediate_value(node.low), self._immediate_value(node.high)
        if low is None or high is None:
            return
        bounds = (
            f"lower bound operand: AttributeValue: {_render(low)}, upper bound operand: AttributeValue: "
            f"{_render(high)}"
        )
        if type_of(low) != type_of(high):
            findings.add(
                "function",
                f"The BETWEEN operator requires same data type for lower and upper bounds; {bounds}",
            )
        elif (compare(low, high) or 0) > 0:
            findings.add(
                "function",
                "The BETWEEN operator requires upper bound to be greater than or equal to "
                f"lower bound; {bounds}",
            )

    def _immediate_value(self, operand: Any) -> AttributeValue | None:
        if isinstance(operand, Value):
            return self.values.get(operand.name)
        return None

    def _requires_path(self, function: Function, findings: _Findings) -> None:
        if not isinstance(function.args[0], Path):
            findings.add(
                "function",
                f"Operator or function requires a document path; operator or function: {function.name}",
            )

    def _begins_with(self, function: Function, findings: _Findings) -> None:
        for arg in function.args:
            kind = self._immediate_type(arg)
            if kind not in (None, "S", "B"):
                findings.add("function", _OPERAND_TYPE.format(function.name, kind))

    def _attribute_type(self, function: Function, findings: _Findings) -> None:
        value = self._immediate_value(function.args[1])
        if value is None or type_of(value) != "S":
            kind = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}" if value is None else type_of(value)
            findings.add("function", _OPERAND_TYPE.format(function.name, kind))
        elif value["S"] not in _VALID_TYPES:
            findings.add(
                "function",
                f"Invalid attribute type name found; type: {value['S']}, "
                "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
            )

    def _size(self, function: Function, findings: _Findings) -> None:
        argument = function.args[0]
        # size() of size() is the size of a number (dynalite db/conditionParser.pegjs checkFunction: a
        # function operand has the type of its result).
        kind = "N" if isinstance(argument, Function) and argument.name == "size" else None
        kind = kind or self._immediate_type(argument)
        if kind in ("N", "BOOL", "NULL"):
            findings.add("function", _OPERAND_TYPE.format(function.name, kind))


# 4 KB per expression, counted in bytes of the text as sent (placeholders unresolved); only Condition and
# Filter expressions add the size to the message. Captured from AWS by ExtendDB
# (tests/test_expression_size_limit.py, us-east-1) and scylladb test/alternator/test_limits.py.
MAX_EXPRESSION_BYTES = 4096
# The checks and the resolution recurse at most twice per nesting level, and a level takes at least one
# character: texts up to this length fit Python's default recursion limit with room to spare.
_SHALLOW_TEXT = 300
_SIZE_SHOWN = ("ConditionExpression", "FilterExpression")


def _check_size(kind: str, text: str) -> None:
    if len(text) * 4 <= MAX_EXPRESSION_BYTES:  # no character takes more than 4 bytes in UTF-8
        return
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_EXPRESSION_BYTES:
        shown = f" expression size: {size}" if kind in _SIZE_SHOWN else ""
        raise InvalidExpression(f"Expression size has exceeded the maximum allowed size;{shown}")


def _no_check(context: ExpressionContext, function: Function, findings: _Findings) -> None:
    """Functions without operand-type rules."""


_FUNCTION_CHECKS: dict[str, Callable[[ExpressionContext, Function, _Findings], None]] = {
    "attribute_exists": ExpressionContext._requires_path,
    "attribute_not_exists": ExpressionContext._requires_path,
    "begins_with": ExpressionContext._begins_with,
    "attribute_type": ExpressionContext._attribute_type,
    "size": ExpressionContext._size,
}


def _check_count(function: Function, arities: dict[str, int], findings: _Findings, category: str) -> bool:
    if len(function.args) == arities[function.name]:
        return True
    findings.add(
        category,
        "Incorrect number of operands for operator or function; operator or function: "
        f"{function.name}, number of operands: {len(function.args)}",
    )
    return False


def _compare_paths(first: Path, second: Path, findings: _Findings) -> None:
    for a, b in zip(first.parts, second.parts, strict=False):
        if isinstance(a, int) != isinstance(b, int):
            findings.add(
                "conflict",
                "Two document paths conflict with each other; must remove or rewrite one of "
                f"these paths; path one: {first}, path two: {second}",
            )
            return
        if a != b:
            return
    findings.add(
        "overlap",
        "Two document paths overlap with each other; must remove or rewrite one of these "
        f"paths; path one: {first}, path two: {second}",
    )


def path_heads(tree: Any) -> list[str]:
    """The first name of every document path in a resolved expression, in source order."""
    return [str(node.parts[0]) for node in _walk(tree) if isinstance(node, Path)]


def _operands(node: Comparison | Between | In) -> tuple[Any, ...]:
    if isinstance(node, Comparison):
        return (node.left, node.right)
    if isinstance(node, Between):
        return (node.operand, node.low, node.high)
    return (node.operand, *node.options)


def _boolean_children(node: Any) -> tuple[Any, ...]:
    if isinstance(node, (And, Or)):
        return (node.left, node.right)
    if isinstance(node, Not):
        return (node.operand,)
    return ()


def _not_allowed(function: Function, expression: str) -> str:
    """An update function in a condition, or a condition function in an update (observed AWS text:
    "The function is not allowed in a condition expression" for if_not_exists, quoted by projects
    whose conditions it broke; the function named as in DynamoDB's other function errors)."""
    return f"The function is not allowed in {expression} expression; function: {function.name}"


def _misused(function: Function) -> str:
    return f"The function is not allowed to be used this way in an expression; function: {function.name}"


def _render(value: AttributeValue) -> str:
    kind = type_of(value)
    return f"{{{kind}:{value[kind]}}}"
