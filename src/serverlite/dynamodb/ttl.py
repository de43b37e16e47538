"""Background TimeToLive expiry: a periodic sweep that deletes expired items in small batches.

An item expires when its TTL attribute is a top-level Number of epoch seconds earlier than now.
Items whose attribute is missing, not a Number, or more than five years in the past are never
deleted (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-before-you-start.html).
Until the sweep reaches them, expired items are still returned by reads, as on AWS (which deletes
within a few days; serverlite sweeps every `interval` seconds).

The sweep runs on the event loop thread, like every request, and yields to the loop after each
batch of at most `batch_size` items; a batch reads and deletes in one transaction, so no request
can interleave with it, and each batch re-checks that the table still exists.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.metadata import metadata_of
from serverlite.dynamodb.values import Item

__all__ = ["FIVE_YEARS", "TimeToLiveSweeper", "is_expired"]

FIVE_YEARS = 5 * 365 * 24 * 3600
_DEFAULT_INTERVAL = 30.0
_DEFAULT_BATCH = 100


def is_expired(item: Item, attribute: str, now: float) -> bool:
    """True when the item's TTL attribute is a Number in [now - 5 years, now)."""
    value = item.get(attribute)
    if value is None or "N" not in value:
        return False
    try:
        expiry = Decimal(value["N"])
    except InvalidOperation:
        return False
    return Decimal(now) - FIVE_YEARS <= expiry < Decimal(now)


class TimeToLiveSweeper:
    """Deletes expired items of every table with TTL enabled."""

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], float],
        interval: float = _DEFAULT_INTERVAL,
        batch_size: int = _DEFAULT_BATCH,
    ) -> None:
        self.database = database
        self.clock = clock
        self.interval = interval
        self.batch_size = batch_size

    def sweep_once(self) -> int:
        """One full pass, without yielding; returns the number of items deleted."""
        return sum(self._batches())

    async def run(self) -> None:
        """Sweep every `interval` seconds until cancelled; errors are logged, never raised."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                for _ in self._batches():
                    await asyncio.sleep(0)
            except Exception:  # noqa: BLE001 - rule 4: log and keep serving
                traceback.print_exc(file=sys.stderr)

    def _batches(self) -> Iterator[int]:
        """Deleted count per batch, over every TTL-enabled table."""
        metadata = metadata_of(self.database)
        for name, table_id, attribute in metadata.ttl_tables():
            if not self._is_live(name, table_id):
                metadata.set_ttl_attribute({"TableName": name}, None)
                continue
            yield from self._table_batches(name, table_id, attribute)

    def _is_live(self, name: str, table_id: str) -> bool:
        table = self.database.tables.get(name)
        return table is not None and str(table.get("TableId", "")) == table_id

    def _table_batches(self, name: str, table_id: str, attribute: str) -> Iterator[int]:
        after: tuple[bytes, bytes] | None = None
        while self._is_live(name, table_id):
            now = self.clock()
            with self.database.transaction():
                rows = list(self.database.items.scan(name, after=after, limit=self.batch_size))
                expired = [(h, r) for h, r, item in rows if is_expired(item, attribute, now)]
                for hash_key, range_key in expired:
                    self.database.items.delete(name, hash_key, range_key)
            yield len(expired)
            if len(rows) < self.batch_size:
                return
            after = (rows[-1][0], rows[-1][1])
