"""AttributeValue model: wire validation, number rules, equality, ordering and item size.

Values stay in their wire form (``{"S": "x"}``, ``{"N": "1.5"}``, B as base64 text) so items
round-trip byte for byte; numbers are canonicalised the way DynamoDB returns them
(``"1.50"`` -> ``"1.5"``, ``"1E+2"`` -> ``"100"``).
"""

from __future__ import annotations

import base64
import binascii
import decimal
import json
import json.encoder
import re
from decimal import Decimal
from typing import Any

from serverlite.dynamodb.errors import ValidationException

__all__ = [
    "SCALAR_TYPES",
    "SET_TYPES",
    "TYPES",
    "AttributeValue",
    "Item",
    "add_numbers",
    "blob",
    "canonical_number",
    "compact_json",
    "compare",
    "item_size",
    "parse_number",
    "type_of",
    "validate_value",
    "values_equal",
]

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
SCALAR_TYPES = ("S", "N", "B")
SET_TYPES = ("SS", "NS", "BS")

_INVALID = "One or more parameter values were invalid: "
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# Wide enough that canonicalising, and the sum or difference of two numbers within DynamoDB's range
# (1E-130 .. 1E+126, 38 digits), never round; the 38-digit limit is checked explicitly.
_EXACT = decimal.Context(prec=400, Emax=999_999, Emin=-999_999)
# DynamoDB limits (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html):
# magnitude 1E-130 .. 9.99...E+125, 38 significant digits. Messages as dynalite validations/index.js.
_MAX_EXPONENT = 125
_MIN_EXPONENT = -130
_MAX_DIGITS = 38
# Integers that are their own canonical form: no sign but "-", no leading zero, at most 38 digits.
_CANONICAL_INTEGER = re.compile(r"-?[1-9][0-9]{0,37}")
_INTEGER_BOUND = 10**38
# Plain decimals (no exponent), whose significant digits can be counted on the text.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def type_of(value: AttributeValue) -> str:
    """The single type key of a validated AttributeValue."""
    return next(iter(value))


def blob(value: str) -> bytes:
    """Decode a wire B value (base64 text)."""
    return base64.b64decode(value)


def parse_number(text: Any) -> Decimal:
    """Parse a wire number, enforcing DynamoDB's range and precision.

    Raises:
        ValidationException: with DynamoDB's message for each rule.
    """
    if not isinstance(text, str) or not text:
        raise ValidationException("The parameter cannot be converted to a numeric value")
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise ValidationException(f"The parameter cannot be converted to a numeric value: {text}")
    try:
        number = Decimal(text)  # exact, whatever its length: the constructor does not round
    except decimal.InvalidOperation:  # an exponent of 19 digits or more: only its sign matters
        number = _beyond_range(text, match)
    return check_number(number)


def _beyond_range(text: str, match: re.Match[str]) -> Decimal:
    """A number whose exponent Decimal cannot hold, as one that check_number classifies alike."""
    if Decimal(match.group(1)).is_zero():
        return Decimal(0)
    sign = "-" if text.startswith("-") else ""
    exponent = match.group(2)
    return Decimal(f"{sign}1E{'-' if exponent[1] == '-' else ''}999999999")


def check_number(number: Decimal) -> Decimal:
    """Apply DynamoDB's magnitude and precision limits to an exact number."""
    if number.is_zero():
        return Decimal(0)
    if number.adjusted() > _MAX_EXPONENT:
        raise ValidationException(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        )
    if number.adjusted() < _MIN_EXPONENT:
        raise ValidationException(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        )
    if _significant_digits(number) > _MAX_DIGITS:
        raise ValidationException("Attempting to store more than 38 significant digits in a Number")
    return number


def _significant_digits(number: Decimal) -> int:
    """Digits without the trailing zeros, counted exactly (normalize would round first)."""
    digits = number.as_tuple().digits
    count = len(digits)
    while count > 1 and digits[count - 1] == 0:
        count -= 1
    return count


def add_numbers(left: str, right: str, operator: str) -> str:
    """``left + right`` or ``left - right`` of two wire numbers, exactly, then DynamoDB's limits.

    Raises:
        ValidationException: a result beyond the magnitude or the 38 digits a Number holds.
    """
    if _CANONICAL_INTEGER.fullmatch(left) and _CANONICAL_INTEGER.fullmatch(right):  # counters, mostly
        exact = int(left) + int(right) if operator == "+" else int(left) - int(right)
        if -_INTEGER_BOUND < exact < _INTEGER_BOUND:  # at most 38 digits: its own canonical form
            return str(exact)
    a, b = Decimal(left), Decimal(right)
    total = _EXACT.add(a, b) if operator == "+" else _EXACT.subtract(a, b)
    return canonical_number(check_number(total))


def canonical_number(number: Decimal) -> str:
    """Render a number as DynamoDB returns it: plain notation, no trailing zeros."""
    if number.is_zero():
        return "0"
    return format(_EXACT.normalize(number), "f")


def validate_value(value: Any) -> AttributeValue:
    """Validate one wire AttributeValue and return it with numbers canonicalised.

    Raises:
        ValidationException: with DynamoDB's message (dynalite validations/index.js,
            nubo-db/dynamodb-conformance tests/tier3/error-messages/putItem.test.ts).
    """
    if not isinstance(value, dict):  # `"Artist": null` where an AttributeValue belongs
        raise ValidationException(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    if len(value) == 1:  # the common case: one member, no need to look for the others
        for kind, raw in value.items():
            if kind == "S" and raw is not None:
                return {"S": raw}
            validator = _VALIDATORS.get(kind)
            if validator is not None and raw is not None:
                return {kind: validator(raw)}
    present = [key for key in TYPES if key in value and value[key] is not None]
    if not present:
        raise ValidationException(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    checked = _VALIDATORS[present[0]](value[present[0]])
    if len(present) > 1:
        raise ValidationException(
            "Supplied AttributeValue has more than one datatypes set, "
            "must contain exactly one of the supported datatypes"
        )
    return {present[0]: checked}


def _same(raw: Any) -> Any:
    return raw


def _number(raw: Any) -> str:
    if type(raw) is str and _CANONICAL_INTEGER.fullmatch(raw):
        return raw  # already as DynamoDB returns it, and within range and precision
    return canonical_number(parse_number(raw))


def _null(raw: Any) -> bool:
    if raw is not True:
        raise ValidationException(_INVALID + "Null attribute value types must have the value of true")
    return True


def _string_set(raw: list[str]) -> list[str]:
    if not raw:
        raise ValidationException(_INVALID + "An string set  may not be empty")
    if None in raw:  # a JSON null member: dynalite validations/index.js (empty strings are members now)
        raise ValidationException(_INVALID + "An string set may not have a empty string as a member")
    if len(set(raw)) != len(raw):
        raise ValidationException(_INVALID + f"Input collection [{', '.join(raw)}] contains duplicates.")
    return raw


def _number_set(raw: list[str]) -> list[str]:
    if not raw:
        raise ValidationException(_INVALID + "An number set  may not be empty")
    numbers = [parse_number(member) for member in raw]
    if len(set(numbers)) != len(numbers):
        raise ValidationException("Input collection contains duplicates")
    return [canonical_number(number) for number in numbers]


def _binary_set(raw: list[str]) -> list[str]:
    if not raw:
        raise ValidationException(_INVALID + "Binary sets should not be empty")
    if None in raw:  # dynalite validations/index.js
        raise ValidationException(_INVALID + "Binary sets may not contain null or empty values")
    if len(set(raw)) != len(raw):
        raise ValidationException(
            _INVALID + f"Input collection [{', '.join(raw)}]of type BS contains duplicates."
        )
    return raw


def _map(raw: dict[str, Any]) -> dict[str, AttributeValue]:
    return {name: validate_value(member) for name, member in raw.items()}


def _list(raw: list[Any]) -> list[AttributeValue]:
    return [validate_value(member) for member in raw]


_VALIDATORS = {
    "S": _same,
    "N": _number,
    "B": _same,
    "BOOL": _same,
    "NULL": _null,
    "SS": _string_set,
    "NS": _number_set,
    "BS": _binary_set,
    "M": _map,
    "L": _list,
}


def _set_members(kind: str, members: list[str]) -> frozenset[Any]:
    if kind == "NS":
        return frozenset(Decimal(member) for member in members)
    if kind == "BS":
        return frozenset(blob(member) for member in members)
    return frozenset(members)


def values_equal(left: AttributeValue | None, right: AttributeValue | None) -> bool:
    """DynamoDB equality: same type and same value (sets unordered, numbers numerically)."""
    if left is None or right is None:
        return False
    kind = type_of(left)
    if kind != type_of(right):
        return False
    a, b = left[kind], right[kind]
    if kind == "N":
        return bool(Decimal(a) == Decimal(b))
    if kind == "B":
        return blob(a) == blob(b)
    if kind in SET_TYPES:
        return _set_members(kind, a) == _set_members(kind, b)
    if kind == "M":
        return a.keys() == b.keys() and all(values_equal(a[name], b[name]) for name in a)
    if kind == "L":
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def compare(left: AttributeValue, right: AttributeValue) -> int | None:
    """Order two scalars of the same type (N numerically, S and B by bytes); None if incomparable."""
    kind = type_of(left)
    if kind != type_of(right) or kind not in SCALAR_TYPES:
        return None
    keys = {"N": Decimal, "S": lambda text: text.encode(), "B": blob}[kind]
    a, b = keys(left[kind]), keys(right[kind])
    return int((a > b) - (a < b))


def item_size(item: Item) -> int:
    """Approximate DynamoDB item size in bytes (names + values, per the item-size rules).

    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
    Query, Scan and every capacity figure size whole items, so S and N are handled inline.
    """
    size = 0
    for name, value in item.items():
        ((kind, raw),) = value.items()
        if kind == "S":
            size += len(name.encode()) + len(raw.encode())
        elif kind == "N":
            size += len(name.encode()) + (_NUMBER_SIZES.get(raw) or _number_size(raw))
        else:
            size += len(name.encode()) + _value_size(value)
    return size


# Sizes of number texts seen lately: items repeat the same few numbers.
_NUMBER_SIZES: dict[str, int] = {}


def _number_size(text: str) -> int:
    if _PLAIN_NUMBER.fullmatch(text):
        significant = len(text.lstrip("-").replace(".", "", 1).strip("0")) or 1  # zero has one digit
    else:
        significant = len(_EXACT.normalize(Decimal(text)).as_tuple().digits)
    size = (significant + 1) // 2 + 1
    if len(_NUMBER_SIZES) >= 4096:
        _NUMBER_SIZES.clear()
    _NUMBER_SIZES[text] = size
    return size


def _value_size(value: AttributeValue) -> int:
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode())
    if kind == "N":
        return _number_size(raw)
    if kind == "M":
        return 3 + len(raw) + item_size(raw)
    if kind == "L":
        size = 3
        for member in raw:
            size += 1 + _value_size(member)
        return size
    if kind == "B":
        return len(blob(raw))
    if kind == "SS":
        return sum(len(member.encode()) for member in raw)
    if kind == "NS":
        return sum(_number_size(member) for member in raw)
    if kind == "BS":
        return sum(len(blob(member)) for member in raw)
    return 1


def is_base64(text: str) -> bool:
    """True when text is canonical base64 (what botocore sends for B)."""
    try:
        return base64.b64encode(base64.b64decode(text, validate=True)).decode() == text
    except (binascii.Error, ValueError):
        return False


def _compact_encoder() -> Any:
    """json's C encoder with "," and ":" separators, built once.

    ``json.dumps(..., separators=...)`` builds a new encoder on every call: a third of the cost of
    encoding a small item.
    """
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # a Python without the _json accelerator
        return json.JSONEncoder(separators=(",", ":")).iterencode
    default, escape = json.JSONEncoder().default, json.encoder.encode_basestring_ascii
    # (markers, default, encoder, indent, key and item separators, sort_keys, skipkeys, allow_nan)
    return c_make_encoder(None, default, escape, None, ":", ",", False, False, True)


_ENCODE = _compact_encoder()


def compact_json(value: Any) -> str:
    """``json.dumps(value, separators=(",", ":"))``, faster."""
    return "".join(_ENCODE(value, 0))
