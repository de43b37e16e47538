"""operations/transaction_tokens.py: replay, mismatch and the 10-minute window."""

from __future__ import annotations

import pytest

from serverlite.dynamodb.errors import IdempotentParameterMismatchException
from serverlite.dynamodb.operations.transaction_tokens import TOKEN_LIFETIME, TokenLedger, ledger_for
from serverlite.dynamodb.storage.database import open_database


def test_same_token_same_request_replays() -> None:
    ledger = TokenLedger()
    assert ledger.replay("t", "request", 0.0) is None
    ledger.record("t", "request", 1.0, {})
    assert ledger.replay("t", "request", 2.0) == {}


def test_same_token_other_request_is_a_mismatch() -> None:
    ledger = TokenLedger()
    ledger.record("t", "request", 1.0, {})
    with pytest.raises(IdempotentParameterMismatchException) as excinfo:
        ledger.replay("t", "other", 2.0)
    assert excinfo.value.code == "IdempotentParameterMismatchException"
    assert excinfo.value.status == 400


def test_token_expires_after_ten_minutes() -> None:
    ledger = TokenLedger()
    ledger.record("t", "request", 1.0, {})
    assert ledger.replay("t", "other", 1.0 + TOKEN_LIFETIME) is None


def test_each_database_has_its_own_ledger() -> None:
    first, second = open_database(None), open_database(None)
    assert ledger_for(first) is ledger_for(first)
    assert ledger_for(first) is not ledger_for(second)
