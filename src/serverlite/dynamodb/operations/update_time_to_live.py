"""UpdateTimeToLive: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html

Check order: shape, ``The parameter 'TableName' is required ...``, the model constraints
(``timeToLiveSpecification`` and its members not null, AttributeName length 1..255: ack-api-quirks
DDB-TABLE-457, dynalite test/updateTimeToLive.js), the table (``Requested resource not found:
Table: X not found``), then the state rules observed on AWS (ack-api-quirks DDB-TABLE-147/143,
dynalite test/updateTimeToLive.js): ``TimeToLive is active on a different AttributeName: current
AttributeName is X``, ``TimeToLive is already enabled``, ``TimeToLive is already disabled``.

AWS also refuses a second change within about 30-60 minutes (``Time to live has been modified
multiple times within a fixed interval``); serverlite has no cooldown, so tests can toggle TTL.
The change takes effect at once: DescribeTimeToLive says ENABLED, never ENABLING (AWS never
showed ENABLING either at 1 s polling, DDB-TABLE-143).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.operations.describe_table import not_found
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.schema import require_table
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.metadata import metadata_of

__all__ = ["UpdateTimeToLiveRequest", "execute", "validate"]

OPERATION = "UpdateTimeToLive"

_SHAPE = {"TableName": "String", "TimeToLiveSpecification": {"AttributeName": "String", "Enabled": "Boolean"}}
_SPEC = "timeToLiveSpecification"


@dataclass(frozen=True, slots=True)
class UpdateTimeToLiveRequest:
    """A validated UpdateTimeToLive request."""

    table_name: str
    attribute_name: str
    enabled: bool


def validate(request: dict[str, Any]) -> UpdateTimeToLiveRequest:
    """Shape, TableName required, then every model constraint at once."""
    check_shape(request, _SHAPE)
    name = request.get("TableName")
    if name is None:
        raise ValidationException("The parameter 'TableName' is required but was not present in the request")
    spec = request.get("TimeToLiveSpecification")
    constraints = Constraints()
    constraints.table_name(name)
    constraints.not_null(spec, _SPEC)
    if spec is not None:
        constraints.not_null(spec.get("Enabled"), f"{_SPEC}.enabled")
        constraints.not_null(spec.get("AttributeName"), f"{_SPEC}.attributeName")
        constraints.length(spec.get("AttributeName"), f"{_SPEC}.attributeName", 1, 255)
    constraints.raise_if_any()
    assert spec is not None  # guaranteed by the not-null constraint above
    return UpdateTimeToLiveRequest(str(name), str(spec["AttributeName"]), _truthy(spec["Enabled"]))


def _truthy(value: Any) -> bool:
    """Coral's Boolean conversion: JSON booleans, or the strings shapes.py accepts."""
    if isinstance(value, str):
        return value.upper() in ("TRUE", "1", "YES")
    return bool(value)


def execute(request: UpdateTimeToLiveRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Enable or disable TTL; answer the specification as sent."""
    with storage.transaction():
        table = require_table(storage, request.table_name, not_found(request.table_name))
        metadata = metadata_of(storage)
        current = metadata.ttl_attribute(table)
        _check_transition(current, request)
        metadata.set_ttl_attribute(table, request.attribute_name if request.enabled else None)
    return {"TimeToLiveSpecification": {"Enabled": request.enabled, "AttributeName": request.attribute_name}}


def _check_transition(current: str | None, request: UpdateTimeToLiveRequest) -> None:
    if current is not None and current != request.attribute_name:
        raise ValidationException(
            f"TimeToLive is active on a different AttributeName: current AttributeName is {current}"
        )
    if request.enabled and current is not None:
        raise ValidationException("TimeToLive is already enabled")
    if not request.enabled and current is None:
        raise ValidationException("TimeToLive is already disabled")
