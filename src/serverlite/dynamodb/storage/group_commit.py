"""Group commit: the write requests of one event-loop tick share one SQLite COMMIT.

Requests run synchronously on the event loop, one after another. The first write of a tick begins
a transaction (``Database.group_transactions``) and schedules its COMMIT with ``call_soon``, so it
runs after every request already queued for this tick; each request's own transaction is a
SAVEPOINT inside it. A request that ran while the transaction was open (a write, or a read that
may have seen one) is answered only after that COMMIT returned, so an acknowledged write survives
a crash exactly as before (with durability ``full``, the COMMIT includes the fsync). When the
COMMIT fails, every request waiting on it fails too.
"""

from __future__ import annotations

import asyncio

from serverlite.dynamodb.storage.database import Database

__all__ = ["GroupCommit"]


class GroupCommit:
    """Shares one COMMIT among the transactions of the requests run in the same loop iteration."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._committed: asyncio.Future[None] | None = None
        database.group_transactions(self._schedule)

    def pending(self) -> asyncio.Future[None] | None:
        """The COMMIT that the request just run must wait for, or None when nothing is uncommitted."""
        return self._committed if self._database.group_open else None

    def _schedule(self) -> bool:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a synchronous caller (tests, the sweeper driven by hand)
            return False
        self._committed = loop.create_future()
        self._committed.add_done_callback(_retrieve)
        loop.call_soon(self._commit)
        return True

    def _commit(self) -> None:
        committed, self._committed = self._committed, None
        assert committed is not None
        try:
            self._database.commit_group()
        except Exception as error:  # noqa: BLE001 - handed to every request waiting on this COMMIT
            committed.set_exception(error)
            return
        committed.set_result(None)


def _retrieve(future: asyncio.Future[None]) -> None:
    """Mark a failed COMMIT's exception as seen: the waiting requests report it, or nobody waited."""
    if not future.cancelled():
        future.exception()
