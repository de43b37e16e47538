"""Filter patterns, with examples from AWS's "Filter pattern syntax for metric filters, subscription
filters, filter log events, and Live Tail"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html), its JSON page
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html) and the
Lightsail filterPattern reference ("ERROR Exception", "?ERROR ?Exception", "-ERROR")."""

from __future__ import annotations

import json

import pytest

from serverlite.logs.errors import InvalidParameterException
from serverlite.logs.patterns import compile_pattern

LAMBDA_ERROR = "[ERROR]\t2024-03-12T10:11:12.534Z\tr1\tValueError: boom\rTraceback (most recent call last):"
CLOUDTRAIL = json.dumps(
    {
        "eventType": "UpdateTrail",
        "sourceIPAddress": "123.123.1.7",
        "latency": 1500,
        "error": True,
        "user": {"id": 1, "name": "Ana"},
        "users": [{"email": "user@example.com"}],
        "actions": ["GET", "PUT", "DELETE"],
        "nothing": None,
    }
)


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("", "anything", True),
        ("   ", "anything", True),
        ("ERROR", LAMBDA_ERROR, True),
        ("error", LAMBDA_ERROR, False),  # terms are case sensitive
        ("ERROR Exception", "ERROR but no exception", False),
        ("ERROR Exception", "ERROR Exception here", True),
        ("?ERROR ?Exception", "an Exception", True),
        ("?ERROR ?Exception", "all fine", False),
        ("-ERROR", "INFO ok", True),
        ("-ERROR", LAMBDA_ERROR, False),
        ("ERROR -ValueError", LAMBDA_ERROR, False),
        ('"INTERNAL SERVER ERROR"', "500 INTERNAL SERVER ERROR", True),
        ('"INTERNAL SERVER ERROR"', "INTERNAL ERROR SERVER", False),
        ('"user@example.com"', "login user@example.com", True),
        ('"say \\"hi\\""', 'they say "hi"', True),
        ('-"Version: $LATEST"', "START RequestId: r Version: $LATEST", False),
        ("%Duration: [0-9]+\\.[0-9]+ ms%", "REPORT RequestId: r\tDuration: 15.74 ms", True),
        ("%^START%", "REPORT START", False),
        ("Traceback", LAMBDA_ERROR, True),  # \r inside the message does not hide terms
    ],
)
def test_term_patterns(pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern).matches(message) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.eventType = "UpdateTrail" }', True),
        ('{$.eventType="UpdateTrail"}', True),
        ('{ $.eventType = "Update*" }', True),
        ('{ $.eventType = "*Trail" }', True),
        ('{ $.eventType = "Trail" }', False),
        ("{ $.eventType = UpdateTrail }", True),
        ('{ $.eventType != "UpdateTrail" }', False),
        ("{ $.sourceIPAddress != 123.123.* }", False),
        ("{ $.sourceIPAddress = 123.123.* }", True),
        ("{ $.latency > 1000 }", True),
        ("{ $.latency >= 1500 }", True),
        ("{ $.latency < 1500 }", False),
        ("{ $.latency <= 1500.0 }", True),
        ("{ $.latency = 1500 }", True),
        ("{ $.latency != 1500 }", False),
        ('{ $.latency = "1500" }', False),  # a string value never equals a number field
        ("{ $.user.id = 1 }", True),
        ('{ $.users[0].email = "user@example.com" }', True),
        ('{ $.actions[2] = "DELETE" }', True),
        ('{ $.actions[5] = "DELETE" }', False),
        ('{ ($.user.id = 1) && ($.users[0].email = "user@example.com") }', True),
        ('{ ($.user.id = 2 && $.users[0].email = "user@example.com") || $.actions[2] = "GET" }', False),
        ('{ $.user.id = 2 && $.users[0].email = "x" || $.actions[2] = "DELETE" }', True),
        ("{ $.error IS TRUE }", True),
        ("{ $.error IS FALSE }", False),
        ("{ $.nothing IS NULL }", True),
        ("{ $.missing IS NULL }", False),
        ("{ $.missing NOT EXISTS }", True),
        ("{ $.user NOT EXISTS }", False),
        ('{ $.missing != "x" }', False),  # a selector that matches nothing never matches
        ("{ $.user.name = %^A.a$% }", True),
    ],
)
def test_json_patterns(pattern: str, expected: bool) -> None:
    assert compile_pattern(pattern).matches(CLOUDTRAIL) is expected


@pytest.mark.parametrize("message", ["not json", '["a list"]', '{"eventType": "UpdateTrail"'])
def test_json_patterns_never_match_non_objects(message: str) -> None:
    assert compile_pattern('{ $.eventType = "UpdateTrail" }').matches(message) is False


def test_json_pattern_on_a_lambda_line_with_leading_whitespace() -> None:
    pattern = compile_pattern("{ $.level = ERROR }")
    assert pattern.matches('  {"level": "ERROR"}\n') is True


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{ $.a = 1", "If a filter pattern starts with '{' it must end with '}'"),
        ('""', "Invalid filter pattern: Invalid character(s) in term '\"\"'"),
        ("user@example.com", "Invalid filter pattern: Invalid character(s) in term 'user@example.com'"),
        ("[ip, user]", "Invalid filter pattern"),
        ("{ $.a = }", "Invalid filter pattern"),
        ('{ $.a < "x" }', "Invalid filter pattern"),
        ("{ ($.a = 1 }", "Invalid filter pattern"),
        ("{ a = 1 }", "Invalid filter pattern"),
    ],
)
def test_invalid_patterns_raise_like_cloudwatch(pattern: str, message: str) -> None:
    with pytest.raises(InvalidParameterException) as raised:
        compile_pattern(pattern)
    assert raised.value.message == message


@pytest.mark.parametrize(
    ("pattern", "line", "expected"),
    [
        ("ERROR", b'{"timestamp":1,"message":"x","ingestionTime":2}\n', False),
        ("ERROR", b'{"timestamp":1,"message":"ERROR","ingestionTime":2}\n', True),
        ("?A ?B", b'{"timestamp":1,"message":"B","ingestionTime":2}\n', True),
        ("?A ?B", b'{"timestamp":1,"message":"C","ingestionTime":2}\n', False),
        ('"a\\"b"', b'{"timestamp":1,"message":"x","ingestionTime":2}\n', True),  # escaped: no shortcut
        ("-ERROR", b'{"timestamp":1,"message":"ERROR","ingestionTime":2}\n', True),
        ("{ $.a = 1 }", b'{"timestamp":1,"message":"x","ingestionTime":2}\n', False),
        ("{ $.a = 1 }", b'{"timestamp":1,"message":"\\n {\\"a\\":1}","ingestionTime":2}\n', True),
    ],
)
def test_may_match_only_rules_out_lines_that_cannot_match(pattern: str, line: bytes, expected: bool) -> None:
    assert compile_pattern(pattern).may_match(line) is expected
