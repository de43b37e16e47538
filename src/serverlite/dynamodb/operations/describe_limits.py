"""DescribeLimits: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeLimits.html

AWS's default provisioned-throughput quotas: 40,000 RCU and 40,000 WCU per table, 80,000 RCU and
80,000 WCU per account and Region
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#default-limits-throughput).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.storage.database import Database

__all__ = ["DEFAULT_LIMITS", "DescribeLimitsRequest", "execute", "validate"]

OPERATION = "DescribeLimits"

DEFAULT_LIMITS = {
    "AccountMaxReadCapacityUnits": 80000,
    "AccountMaxWriteCapacityUnits": 80000,
    "TableMaxReadCapacityUnits": 40000,
    "TableMaxWriteCapacityUnits": 40000,
}


@dataclass(frozen=True, slots=True)
class DescribeLimitsRequest:
    """DescribeLimits takes no parameters; unknown members are ignored, as Coral does."""


def validate(request: dict[str, Any]) -> DescribeLimitsRequest:
    """Nothing to check."""
    return DescribeLimitsRequest()


def execute(request: DescribeLimitsRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """The default quotas."""
    return dict(DEFAULT_LIMITS)
