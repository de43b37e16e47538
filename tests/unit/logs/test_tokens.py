"""Pagination tokens: AWS-shaped GetLogEvents tokens and opaque JSON tokens."""

from __future__ import annotations

import pytest

from serverlite.logs.errors import InvalidParameterException
from serverlite.logs.tokens import (
    decode_events_token,
    decode_index_token,
    decode_positions_token,
    encode_events_token,
    encode_index_token,
    encode_positions_token,
)


def test_events_tokens_look_like_aws() -> None:
    token = encode_events_token("f", 1234)
    assert token == "f/00000000000000000000000000000000000000000000000000001234/s"
    assert decode_events_token(token) == ("f", 1234)
    assert decode_events_token(encode_events_token("b", 0)) == ("b", 0)


def test_positions_and_index_tokens_round_trip() -> None:
    positions = {"2026/11/26/[$LATEST]abc": 120, "b": 64}
    assert decode_positions_token(encode_positions_token(positions)) == positions
    assert decode_index_token(encode_index_token(50)) == 50


@pytest.mark.parametrize(
    ("decode", "token"),
    [
        (decode_events_token, "f/1/s"),
        (decode_events_token, "g/" + "0" * 56 + "/s"),
        (decode_positions_token, "!!!"),
        (decode_positions_token, encode_index_token(3)),
        (decode_positions_token, "eyJwIjp7ImEiOi0xfX0="),  # {"p":{"a":-1}}
        (decode_index_token, "WzFd"),  # [1]
        (decode_index_token, encode_positions_token({})),
    ],
)
def test_bad_tokens_are_invalid_parameter(decode, token: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidParameterException) as raised:
        decode(token)
    assert raised.value.message == "The specified nextToken is invalid."
