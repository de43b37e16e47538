"""What operations need besides storage: region, account, clock and id generator (injected)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Environment"]


@dataclass(frozen=True, slots=True)
class Environment:
    """Region and account for ARNs, a clock (epoch seconds) and a table-id generator."""

    region: str
    account_id: str
    clock: Callable[[], float]
    new_id: Callable[[], str]

    def table_arn(self, name: str) -> str:
        """``arn:aws:dynamodb:{region}:{account_id}:table/{name}``."""
        return f"arn:aws:dynamodb:{self.region}:{self.account_id}:table/{name}"
