"""DescribeEndpoints: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeEndpoints.html

AWS answers its regional endpoint with a one-day cache period:
``{"Endpoints": [{"Address": "dynamodb.us-east-1.amazonaws.com", "CachePeriodInMinutes": 1440}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.storage.database import Database

__all__ = ["DescribeEndpointsRequest", "execute", "validate"]

OPERATION = "DescribeEndpoints"

_CACHE_PERIOD_IN_MINUTES = 1440


@dataclass(frozen=True, slots=True)
class DescribeEndpointsRequest:
    """DescribeEndpoints takes no parameters."""


def validate(request: dict[str, Any]) -> DescribeEndpointsRequest:
    """Nothing to check."""
    return DescribeEndpointsRequest()


def execute(request: DescribeEndpointsRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """The regional endpoint of the configured region."""
    address = f"dynamodb.{environment.region}.amazonaws.com"
    return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": _CACHE_PERIOD_IN_MINUTES}]}
