"""values.py fast paths give exactly what the general rules give."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from serverlite.dynamodb.values import (
    _EXACT,
    canonical_number,
    compact_json,
    item_size,
    parse_number,
    validate_value,
)

NUMBERS = [
    "0",
    "-0",
    "0.0",
    "100",
    "1.50",
    "0.05",
    "-10.01",
    "00012.3400",
    "-0.000",
    "9" * 38,
    "1e5",
    "-2.5E-3",
]


def _slow_number_size(text: str) -> int:
    return (len(_EXACT.normalize(Decimal(text)).as_tuple().digits) + 1) // 2 + 1


@pytest.mark.parametrize("text", NUMBERS)
def test_number_size_counts_significant_digits(text: str) -> None:
    assert item_size({"n": {"N": text}}) == 1 + _slow_number_size(text)


@pytest.mark.parametrize("text", [*NUMBERS, "12", "-7", "1" + "0" * 37, "1" + "0" * 38, "+5", "05"])
def test_number_validation_matches_the_decimal_path(text: str) -> None:
    assert validate_value({"N": text}) == {"N": canonical_number(parse_number(text))}


def test_item_size_of_every_type() -> None:
    item: dict[str, Any] = {
        "s": {"S": "é"},
        "m": {"M": {"x": {"NULL": True}, "l": {"L": [{"N": "1.50"}, {"BOOL": True}]}}},
        "sets": {"L": [{"SS": ["a", "bb"]}, {"NS": ["1", "-2.5e3"]}, {"BS": ["AAE="]}]},
        "b": {"B": "AAEC"},
    }
    # s 1+2; m 1 + 3 + (1+1+1) + (1+1 + 3 + (1+2) + (1+1)); sets 4 + 3 + (1+3) + (1+2+2) + (1+2); b 1+3,
    # as the generator-based implementation before the fast paths computed it.
    assert item_size(item) == 3 + 17 + 19 + 4


@pytest.mark.parametrize("value", [{"a": [1, 2.5, 'é"\n', None, True, {"b": {}}]}, [], "x", 1e300])
def test_compact_json_is_json_dumps_without_spaces(value: Any) -> None:
    assert compact_json(value) == json.dumps(value, separators=(",", ":"))
