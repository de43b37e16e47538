"""Lambda event filter patterns over DynamoDB stream records."""

from __future__ import annotations

import json

import pytest

from serverlite.runtime.event_filters import FilterError, RecordFilter

RECORD = {
    "eventName": "INSERT",
    "dynamodb": {
        "Keys": {"Artist": {"S": "Acme Band"}},
        "NewImage": {"Artist": {"S": "Acme Band"}, "Plays": {"N": "12"}, "Tags": {"SS": ["rock", "pop"]}},
    },
}


def _matches(*patterns: dict) -> bool:
    return RecordFilter([json.dumps(pattern) for pattern in patterns]).matches(RECORD)


@pytest.mark.parametrize(
    "pattern",
    [
        {"eventName": ["INSERT"]},
        {"eventName": ["MODIFY", "INSERT"]},
        {"dynamodb": {"Keys": {"Artist": {"S": [{"prefix": "Acme"}]}}}},
        {"dynamodb": {"Keys": {"Artist": {"S": [{"suffix": "Band"}]}}}},
        {"dynamodb": {"Keys": {"Artist": {"S": [{"equals-ignore-case": "acme band"}]}}}},
        {"eventName": [{"anything-but": ["REMOVE"]}]},
        {"dynamodb": {"NewImage": {"Plays": {"N": [{"exists": True}]}}}},
        {"dynamodb": {"OldImage": [{"exists": False}]}},
        {"dynamodb": {"NewImage": {"Tags": {"SS": ["pop"]}}}},
        {"dynamodb": {"Keys": {"Artist": {"S": [{"wildcard": "Acme*"}]}}}},
        {"$or": [{"eventName": ["REMOVE"]}, {"dynamodb": {"Keys": {"Artist": {"S": ["Acme Band"]}}}}]},
    ],
)
def test_matching_patterns(pattern):
    assert _matches(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        {"eventName": ["REMOVE"]},
        {"dynamodb": {"Keys": {"Artist": {"S": [{"prefix": "Other"}]}}}},
        {"eventName": [{"anything-but": "INSERT"}]},
        {"dynamodb": {"OldImage": {"Plays": {"N": [{"exists": True}]}}}},
        {"dynamodb": {"NewImage": {"Plays": {"N": [{"numeric": [">", 5]}]}}}},  # N values are strings
        {"missing": ["x"]},
    ],
)
def test_non_matching_patterns(pattern):
    assert not _matches(pattern)


def test_filters_are_ored_and_no_filter_keeps_everything():
    assert _matches({"eventName": ["REMOVE"]}, {"eventName": ["INSERT"]})
    assert RecordFilter([]).matches(RECORD)


def test_numeric_on_numbers():
    assert RecordFilter(['{"n": [{"numeric": [">", 0, "<=", 5]}]}']).matches({"n": 5})
    assert not RecordFilter(['{"n": [{"numeric": [">", 0, "<=", 5]}]}']).matches({"n": 6})


def test_invalid_pattern():
    with pytest.raises(FilterError):
        RecordFilter(["{not json"])
