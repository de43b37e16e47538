"""Order-preserving byte encoding of key values, so SQLite's memcmp BLOB order is DynamoDB's order.

S sorts by UTF-8 bytes and B by raw bytes (DynamoDB compares both as unsigned bytes:
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html).
N is encoded as sign byte, exponent byte, then mantissa digits:

* zero            ``0x80``
* positive        ``0xC0``, ``adjusted + 130``, the significant digits as ASCII
* negative        ``0x40``, ``255 - (adjusted + 130)``, each digit as ``9 - d`` then ``~``

The terminator ``~`` (above every digit) makes a shorter negative mantissa sort after a longer one
that it prefixes (-0.12 > -0.123). DynamoDB's exponent range (-130..125) fits one byte.
"""

from __future__ import annotations

from decimal import Decimal

from serverlite.dynamodb.values import AttributeValue, blob, type_of

__all__ = ["encode_key", "encode_number"]

_ZERO = b"\x80"
_POSITIVE = b"\xc0"
_NEGATIVE = b"\x40"
_EXPONENT_BIAS = 130
_TERMINATOR = b"~"
_COMPLEMENT = bytes.maketrans(b"0123456789", b"9876543210")


def encode_number(number: Decimal) -> bytes:
    """Encode a number (within DynamoDB's range) so byte order equals numeric order."""
    if number.is_zero():
        return _ZERO
    sign, digits, _ = number.normalize().as_tuple()
    exponent = number.adjusted() + _EXPONENT_BIAS
    mantissa = "".join(map(str, digits)).encode()
    if not sign:
        return _POSITIVE + bytes([exponent]) + mantissa
    return _NEGATIVE + bytes([255 - exponent]) + mantissa.translate(_COMPLEMENT) + _TERMINATOR


def encode_key(value: AttributeValue) -> bytes:
    """Encode one key attribute value (S, N or B)."""
    kind = type_of(value)
    if kind == "S":
        return str(value["S"]).encode()
    if kind == "B":
        return blob(value["B"])
    return encode_number(Decimal(value["N"]))
