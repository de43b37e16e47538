"""values.py: AttributeValue validation (messages cited inline), equality, ordering, size."""

from __future__ import annotations

import pytest

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.values import compare, item_size, validate_value, values_equal

_INVALID = "One or more parameter values were invalid: "


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # dynalite validations/index.js validateAttributeValue / checkNum (observed AWS):
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (
            {"S": "a", "N": "1"},
            (
                "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
                "supported datatypes"
            ),
        ),
        ({"N": ""}, "The parameter cannot be converted to a numeric value"),
        ({"N": "1_000"}, "The parameter cannot be converted to a numeric value: 1_000"),
        ({"N": "Infinity"}, "The parameter cannot be converted to a numeric value: Infinity"),
        (
            {"N": "1E126"},
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        (
            {"N": "1E-131"},
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
        ),
        ({"N": "1" * 39}, "Attempting to store more than 38 significant digits in a Number"),
        ({"NULL": False}, _INVALID + "Null attribute value types must have the value of true"),
        # nubo-db/dynamodb-conformance tests/tier3/error-messages/putItem.test.ts (real AWS):
        ({"SS": []}, _INVALID + "An string set  may not be empty"),
        ({"NS": []}, _INVALID + "An number set  may not be empty"),
        ({"BS": []}, _INVALID + "Binary sets should not be empty"),
        ({"SS": ["a", "a"]}, _INVALID + "Input collection [a, a] contains duplicates."),
        ({"M": {"x": {"L": [{"N": "x"}]}}}, "The parameter cannot be converted to a numeric value: x"),
    ],
)
def test_invalid_values(value: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationException) as excinfo:
        validate_value(value)
    assert excinfo.value.message == message


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("1.50", "1.5"),
        ("1E+2", "100"),
        ("-0", "0"),
        ("0.000", "0"),
        ("00012", "12"),
        (".5", "0.5"),
        ("1" * 38, "1" * 38),
        ("1E125", "1" + "0" * 125),
        ("-1.0E-130", "-0." + "0" * 129 + "1"),
    ],
)
def test_numbers_are_canonical(raw: str, canonical: str) -> None:
    assert validate_value({"N": raw}) == {"N": canonical}


def test_number_sets_canonical_and_duplicates_detected_numerically() -> None:
    assert validate_value({"NS": ["1.0", "2"]}) == {"NS": ["1", "2"]}
    with pytest.raises(ValidationException) as excinfo:
        validate_value({"NS": ["1", "1.0"]})
    assert excinfo.value.message == "Input collection contains duplicates"


def test_equality_rules() -> None:
    assert values_equal({"N": "1"}, {"N": "1.00"})
    assert values_equal({"SS": ["a", "b"]}, {"SS": ["b", "a"]})
    assert not values_equal({"S": "1"}, {"N": "1"})
    assert values_equal({"M": {"a": {"L": [{"N": "2"}]}}}, {"M": {"a": {"L": [{"N": "2.0"}]}}})
    assert not values_equal(None, {"S": "a"})


def test_ordering_by_type() -> None:
    assert compare({"N": "10"}, {"N": "9"}) == 1
    assert compare({"S": "a"}, {"S": "b"}) == -1
    assert compare({"S": "Z"}, {"S": "a"}) == -1  # UTF-8 byte order
    assert compare({"B": "AA=="}, {"B": "AQ=="}) == -1
    assert compare({"S": "1"}, {"N": "1"}) is None


def test_item_size_counts_names_and_values() -> None:
    assert item_size({"ab": {"S": "xyz"}}) == 5
    assert item_size({"n": {"N": "123"}}) == 1 + 3
    assert item_size({"b": {"BOOL": True}}) == 2
