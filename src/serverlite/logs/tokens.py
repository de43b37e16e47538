"""Opaque pagination tokens.

GetLogEvents tokens look like AWS's (``f/<56 digits>/s`` forward, ``b/<56 digits>/s`` backward, as in
responses quoted in boto/boto3#4472); here the digits are a byte offset in the stream file. FilterLogEvents
and the Describe operations use base64url JSON. A token that does not decode is
``InvalidParameterException: The specified nextToken is invalid.`` (observed, boto/boto3#1467).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from serverlite.logs.errors import InvalidParameterException

__all__ = [
    "INVALID_TOKEN",
    "decode_events_token",
    "decode_index_token",
    "decode_positions_token",
    "encode_events_token",
    "encode_index_token",
    "encode_positions_token",
]

INVALID_TOKEN = "The specified nextToken is invalid."
_EVENTS_TOKEN = re.compile(r"([fb])/(\d{56})/s")


def encode_events_token(direction: str, offset: int) -> str:
    """``f/…/s`` or ``b/…/s`` for a byte offset."""
    return f"{direction}/{offset:056d}/s"


def decode_events_token(token: str) -> tuple[str, int]:
    """(direction, offset) of a GetLogEvents token."""
    found = _EVENTS_TOKEN.fullmatch(token)
    if found is None:
        raise InvalidParameterException(INVALID_TOKEN)
    return found.group(1), int(found.group(2))


def encode_positions_token(positions: dict[str, int]) -> str:
    """A FilterLogEvents token: the next byte offset to read in each stream."""
    return _encode({"p": positions})


def decode_positions_token(token: str) -> dict[str, int]:
    """The per-stream offsets of a FilterLogEvents token."""
    positions = _decode(token).get("p")
    if not isinstance(positions, dict) or not all(
        isinstance(name, str) and type(offset) is int and offset >= 0 for name, offset in positions.items()
    ):
        raise InvalidParameterException(INVALID_TOKEN)
    return positions


def encode_index_token(index: int) -> str:
    """A Describe* token: the index of the next item."""
    return _encode({"i": index})


def decode_index_token(token: str) -> int:
    """The index of a Describe* token."""
    index = _decode(token).get("i")
    if type(index) is not int or index < 0:
        raise InvalidParameterException(INVALID_TOKEN)
    return index


def _encode(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()


def _decode(token: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise InvalidParameterException(INVALID_TOKEN) from error
    if not isinstance(value, dict):
        raise InvalidParameterException(INVALID_TOKEN)
    return value
