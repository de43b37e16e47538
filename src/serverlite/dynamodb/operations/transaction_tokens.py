"""ClientRequestToken bookkeeping for TransactWriteItems.

https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html: a token
is valid for 10 minutes after the first request that used it completed; within that window the
same token with the same parameters succeeds again without writing anything, and with different
parameters fails with IdempotentParameterMismatchException. Only successful transactions are
remembered, so a cancelled one can be retried. The ledger lives in memory, one per Database, and
does not survive a restart of the server.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from serverlite.dynamodb.errors import IdempotentParameterMismatchException
from serverlite.dynamodb.storage.database import Database

__all__ = ["TOKEN_LIFETIME", "TokenLedger", "ledger_for"]

TOKEN_LIFETIME = 600.0


@dataclass
class TokenLedger:
    """Token -> (request fingerprint, completion time, response) for recent transactions."""

    entries: dict[str, tuple[str, float, dict[str, Any]]] = field(default_factory=dict)

    def replay(self, token: str, fingerprint: str, now: float) -> dict[str, Any] | None:
        """The earlier response for this token, None if the token is new or expired.

        Raises:
            IdempotentParameterMismatchException: the token was used with other parameters.
        """
        self._expire(now)
        entry = self.entries.get(token)
        if entry is None:
            return None
        if entry[0] != fingerprint:
            raise IdempotentParameterMismatchException()
        return dict(entry[2])

    def record(self, token: str, fingerprint: str, now: float, response: dict[str, Any]) -> None:
        """Remember a completed transaction."""
        self.entries[token] = (fingerprint, now, dict(response))

    def _expire(self, now: float) -> None:
        for token in [t for t, (_, done, _) in self.entries.items() if now - done >= TOKEN_LIFETIME]:
            del self.entries[token]


_LEDGERS: weakref.WeakKeyDictionary[Database, TokenLedger] = weakref.WeakKeyDictionary()


def ledger_for(storage: Database) -> TokenLedger:
    """The ledger that belongs to one database (created on first use)."""
    ledger = _LEDGERS.get(storage)
    if ledger is None:
        ledger = _LEDGERS[storage] = TokenLedger()
    return ledger
