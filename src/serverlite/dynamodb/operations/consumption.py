"""Per-table ConsumedCapacity tallies for the item operations, built on capacity.py's units.

A write charges the table ``write_units(old, new)`` and every secondary index the units of its
copy of the item (capacity.index_write_units; nothing for an index whose copy is unchanged or
absent: nubo-db/dynamodb-conformance tests/tier1/putItem/indexConsumedCapacity.test.ts, measured
against AWS). Transactions double every unit and report ReadCapacityUnits / WriteCapacityUnits
beside CapacityUnits at each level, each only when non-zero (conformance
tests/tier2/partiql/executeTransaction.test.ts: a transactional write reports
``WriteCapacityUnits: 2`` and no ``ReadCapacityUnits``; tests/tier2/transactions/transactGet.test.ts:
2 read units per item, a missing item included). Batch and transaction responses carry one entry
per table, in the order the tables first appear in the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from serverlite.dynamodb.operations import capacity
from serverlite.dynamodb.storage.indexes import IndexDefinition, definitions
from serverlite.dynamodb.values import Item

__all__ = ["Tally", "Tallies", "index_copy", "write_report"]


def index_copy(index: IndexDefinition, item: Item | None) -> Item | None:
    """The item as the index stores it, or None when the item is not in the index."""
    if item is None:
        return None
    entry = index.entry(item)
    return None if entry is None else entry[2]


@dataclass
class Tally:
    """Units one table consumed: table reads and writes, and writes per index."""

    read: float = 0.0
    write: float = 0.0
    local: dict[str, float] = field(default_factory=dict)
    global_: dict[str, float] = field(default_factory=dict)

    def add_write(self, table: dict[str, Any], old: Item | None, new: Item | None, factor: int = 1) -> None:
        """Charge one item write and the index writes it causes (factor 2 in a transaction)."""
        self.write += capacity.write_units(old, new) * factor
        for index in definitions(table):
            units = capacity.index_write_units(
                index_copy(index, old), index_copy(index, new), [name for name, _ in index.keys]
            )
            if units:
                arms = self.global_ if index.is_global else self.local
                arms[index.name] = arms.get(index.name, 0.0) + units * factor

    def report(
        self, mode: str | None, table_name: str, *, transactional: bool = False
    ) -> dict[str, Any] | None:
        """The ConsumedCapacity entry for this table under ReturnConsumedCapacity `mode`."""
        report = capacity.consumed_capacity(
            mode,
            table_name,
            self.read + self.write,
            global_indexes=self.global_,
            local_indexes=self.local,
        )
        if report is None or not transactional:
            return report
        _split(report, self.read, self.write)
        if "Table" in report:
            _split(report["Table"], self.read, self.write)
        for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
            for arm in report.get(member, {}).values():
                _split(arm, 0.0, arm["CapacityUnits"])
        return report


def _split(arm: dict[str, Any], read: float, write: float) -> None:
    if read:
        arm["ReadCapacityUnits"] = float(read)
    if write:
        arm["WriteCapacityUnits"] = float(write)


@dataclass
class Tallies:
    """Tallies by table name, in first-seen order, reported as a list (batch and transactions)."""

    by_table: dict[str, Tally] = field(default_factory=dict)

    def of(self, table_name: str) -> Tally:
        """The tally of one table, created on first use."""
        return self.by_table.setdefault(table_name, Tally())

    def reports(self, mode: str | None, *, transactional: bool = False) -> list[dict[str, Any]] | None:
        """The ConsumedCapacity list, or None when `mode` asks for nothing."""
        if mode not in ("TOTAL", "INDEXES"):
            return None
        found = [
            tally.report(mode, name, transactional=transactional) for name, tally in self.by_table.items()
        ]
        return [report for report in found if report is not None]


def write_report(
    mode: str | None, table_name: str, table: dict[str, Any], old: Item | None, new: Item | None
) -> dict[str, Any]:
    """``{"ConsumedCapacity": ...}`` for a single-item write, or ``{}``."""
    if mode not in ("TOTAL", "INDEXES"):
        return {}
    tally = Tally()
    tally.add_write(table, old, new)
    report = tally.report(mode, table_name)
    return {} if report is None else {"ConsumedCapacity": report}
