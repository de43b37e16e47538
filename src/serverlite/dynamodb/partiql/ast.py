"""Parsed PartiQL statements. Conditions and update actions reuse the expression AST
(expressions/ast.py): a literal or a ``?`` parameter is a resolved ``Value``, so the one evaluator
(expressions/evaluate.py) and the one updater (expressions/update.py) run them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.expressions.ast import Path, PathAction, SetAction
from serverlite.dynamodb.values import Item

__all__ = ["Delete", "Exists", "Insert", "Select", "Source", "Statement", "Update"]


@dataclass(frozen=True, slots=True)
class Source:
    """``"Table"`` or ``"Table"."Index"`` in a FROM, INTO or UPDATE clause."""

    table: str
    index: str | None = None


@dataclass(frozen=True, slots=True)
class Select:
    """``SELECT paths|* FROM source [WHERE ...] [ORDER BY key [ASC|DESC], ...]``."""

    projection: tuple[Path, ...] | None
    source: Source
    where: Any
    order_by: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class Insert:
    """``INSERT INTO source VALUE {...}``."""

    source: Source
    item: Item


@dataclass(frozen=True, slots=True)
class Update:
    """``UPDATE source SET ... REMOVE ... WHERE ... [RETURNING ...]``."""

    source: Source
    actions: tuple[SetAction | PathAction, ...]
    where: Any
    returning: str | None = None


@dataclass(frozen=True, slots=True)
class Delete:
    """``DELETE FROM source WHERE ... [RETURNING ALL OLD *]``."""

    source: Source
    where: Any
    returning: str | None = None


@dataclass(frozen=True, slots=True)
class Exists:
    """``EXISTS(SELECT ...)``: a condition check inside ExecuteTransaction."""

    select: Select


Statement = Select | Insert | Update | Delete | Exists
