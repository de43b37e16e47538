"""Streams, shards, iterators and records as the Streams API shows them (one shard per stream).

Shard ids look like AWS's ``shardId-00000001536019433549-a1b2c3d4`` (20 digits of creation time in
ms, 8 hex digits); sequence numbers are 21-digit decimal strings. A shard iterator is opaque to
clients; AWS's is ``STREAM_ARN|1|BASE64``, and so is this one, the base64 part holding the shard,
the position (read records strictly after this sequence number), the issue time and whether it
reads from the trim horizon.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.storage.streams import StreamInfo, StreamRecordRow

__all__ = [
    "ITERATOR_LIFETIME",
    "Iterator",
    "decode_iterator",
    "encode_iterator",
    "record",
    "sequence_number",
    "shard_id",
]

ITERATOR_LIFETIME = 15 * 60.0  # GetShardIterator: "A shard iterator expires 15 minutes after it is returned"
_INVALID_ITERATOR = "Invalid ShardIterator"


def shard_id(stream: StreamInfo) -> str:
    """The id of the stream's one shard, stable across restarts."""
    digest = hashlib.sha256(stream.stream_arn.encode()).hexdigest()[:8]
    return f"shardId-{int(stream.created * 1000):020d}-{digest}"


def sequence_number(seq: int) -> str:
    """The wire form of a sequence number: 21 digits."""
    return f"{seq:021d}"


@dataclass(frozen=True, slots=True)
class Iterator:
    """A decoded shard iterator."""

    stream_arn: str
    shard_id: str
    position: int
    issued: float
    horizon: bool = False


def encode_iterator(iterator: Iterator) -> str:
    """``STREAM_ARN|1|BASE64`` as AWS's iterators look."""
    state = [iterator.shard_id, iterator.position, round(iterator.issued, 3), int(iterator.horizon)]
    blob = base64.b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()
    return f"{iterator.stream_arn}|1|{blob}"


def decode_iterator(text: str) -> Iterator:
    """Raises ValidationException for anything encode_iterator did not make."""
    parts = text.split("|")
    if len(parts) != 3 or parts[1] != "1":
        raise ValidationException(_INVALID_ITERATOR)
    try:
        shard, position, issued, horizon = json.loads(base64.b64decode(parts[2], validate=True))
        return Iterator(parts[0], str(shard), int(position), float(issued), bool(horizon))
    except (binascii.Error, ValueError, TypeError):
        raise ValidationException(_INVALID_ITERATOR) from None


def record(row: StreamRecordRow, region: str) -> dict[str, Any]:
    """A Record as GetRecords returns it (member order as AWS sends it)."""
    body = dict(row.body)
    size, view_type = body.pop("SizeBytes"), body.pop("StreamViewType")
    body["SequenceNumber"] = sequence_number(row.seq)
    body["SizeBytes"] = size
    body["StreamViewType"] = view_type
    return {
        "eventID": row.event_id,
        "eventName": row.event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": body,
    }
