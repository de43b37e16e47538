"""Background trim of stream records older than 24 hours (and of streams disabled that long ago).

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html: "All data in
DynamoDB Streams is subject to a 24-hour lifetime." Each trim is one transaction on the event
loop thread, like every request.
"""

from __future__ import annotations

import asyncio
import sys
import traceback

from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.streams import RETENTION_SECONDS

__all__ = ["StreamTrimmer"]


class StreamTrimmer:
    """Trims every stream every `interval` seconds."""

    def __init__(
        self, database: Database, *, interval: float = 60.0, retention: float = RETENTION_SECONDS
    ) -> None:
        self.database = database
        self.interval = interval
        self.retention = retention

    def trim_once(self) -> int:
        """One trim; returns the number of records deleted."""
        with self.database.transaction():
            return self.database.streams.trim(self.retention)

    async def run(self) -> None:
        """Trim until cancelled; errors are logged, never raised."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.trim_once()
            except Exception:  # noqa: BLE001 - rule 4: log and keep serving
                traceback.print_exc(file=sys.stderr)
