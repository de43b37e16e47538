"""storage/keys.py: byte order of encoded keys equals DynamoDB's order."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

from serverlite.dynamodb.storage.keys import encode_key, encode_number


def _random_decimal(rng: random.Random) -> Decimal:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 38)))
    sign = rng.choice(["", "-"])
    return Decimal(f"{sign}{digits}E{rng.randint(-120, 80)}")


def test_encoded_order_equals_numeric_order_for_random_decimals() -> None:
    rng = random.Random(20261125)
    numbers = [_random_decimal(rng) for _ in range(5000)] + [
        Decimal(s)
        for s in (
            "0",
            "-0",
            "1",
            "-1",
            "0.1",
            "-0.1",
            "0.12",
            "-0.12",
            "0.123",
            "-0.123",
            "10",
            "9.99",
            "1E-130",
            "-1E-130",
            "9.9999999999999999999999999999999999999E+125",
            "100",
            "1E+2",
        )
    ]
    assert sorted(numbers, key=encode_number) == sorted(numbers)
    pairs = itertools.pairwise(numbers)
    assert all((a < b) == (encode_number(a) < encode_number(b)) for a, b in pairs)


def test_equal_numbers_encode_equally() -> None:
    assert encode_number(Decimal("1.50")) == encode_number(Decimal("1.5")) == encode_number(Decimal("15E-1"))
    assert encode_number(Decimal("-0")) == encode_number(Decimal(0)) == b"\x80"


def test_exact_encodings() -> None:
    assert encode_number(Decimal("12.5")) == b"\xc0\x83125"
    assert encode_number(Decimal("-12.5")) == b"\x40\x7c874~"


def test_string_and_binary_keys_are_raw_bytes() -> None:
    assert encode_key({"S": "é"}) == "é".encode()
    assert encode_key({"B": "AP8="}) == b"\x00\xff"
    assert encode_key({"N": "-3"}) == encode_number(Decimal(-3))
