"""The AST shared by condition, update and projection expressions (and later filter and
key-condition expressions: they reuse Condition and Path).

A Path holds names as written: ``#x`` placeholders until names.py resolves them. A Value holds
the ``:x`` placeholder and, once resolved, the AttributeValue it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.values import AttributeValue

__all__ = [
    "And",
    "Arithmetic",
    "Between",
    "Comparison",
    "Condition",
    "Function",
    "In",
    "InvalidExpression",
    "Not",
    "Operand",
    "Or",
    "Path",
    "PathAction",
    "Projection",
    "SetAction",
    "UpdateExpression",
    "Value",
]


class InvalidExpression(Exception):
    """An expression DynamoDB rejects; the message omits the ``Invalid XExpression: `` prefix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Path:
    """A document path such as ``a.#b[0]``: names (str) and list indexes (int)."""

    parts: tuple[str | int, ...]

    def __str__(self) -> str:
        """DynamoDB's rendering in messages: ``[a, b, [0]]``."""
        return "[" + ", ".join(f"[{p}]" if isinstance(p, int) else p for p in self.parts) + "]"


@dataclass(frozen=True, slots=True)
class Value:
    """An ``:x`` placeholder; ``value`` is filled in by names.resolve."""

    name: str
    value: AttributeValue | None = None


@dataclass(frozen=True, slots=True)
class Function:
    """A function call: ``size(a)``, ``if_not_exists(a, :v)`` ..."""

    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """``left + right`` or ``left - right`` in a SET action."""

    operator: str
    left: Any
    right: Any


Operand = Path | Value | Function | Arithmetic


@dataclass(frozen=True, slots=True)
class Comparison:
    """``left <op> right`` with op one of = <> < <= > >=."""

    operator: str
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    """``operand BETWEEN low AND high``."""

    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    """``operand IN (a, b, ...)``."""

    operand: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class And:
    """``left AND right``."""

    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Or:
    """``left OR right``."""

    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Not:
    """``NOT operand``."""

    operand: Any


Condition = Comparison | Between | In | And | Or | Not | Function


@dataclass(frozen=True, slots=True)
class SetAction:
    """``SET path = value``."""

    path: Path
    value: Operand


@dataclass(frozen=True, slots=True)
class PathAction:
    """``REMOVE path``, ``ADD path :v`` or ``DELETE path :v`` (value None for REMOVE)."""

    section: str
    path: Path
    value: Value | None = None


@dataclass(frozen=True, slots=True)
class UpdateExpression:
    """All actions in written order, with the section keywords as written (upper-cased)."""

    actions: tuple[SetAction | PathAction, ...]
    sections: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Projection:
    """A ProjectionExpression: comma-separated paths."""

    paths: tuple[Path, ...]
