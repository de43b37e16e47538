"""storage/group_commit.py: requests of one loop iteration share one COMMIT, and wait for it."""

from __future__ import annotations

import asyncio
import json
import pathlib
from typing import Any

import pytest

from serverlite.dynamodb.protocol import DynamoDBServer
from serverlite.dynamodb.storage.database import Database, open_database
from serverlite.dynamodb.storage.group_commit import GroupCommit

TABLE = {
    "TableName": "grouped",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def _core(path: pathlib.Path) -> DynamoDBServer:
    core = DynamoDBServer(open_database(path), region="us-east-1", account_id="123456789012")
    assert core.handle_sync("DynamoDB_20120810.CreateTable", json.dumps(TABLE).encode())[0] == 200
    return core


def _statements(database: Database) -> list[str]:
    seen: list[str] = []
    database._connection.set_trace_callback(seen.append)  # noqa: SLF001 - watching the SQL itself
    return seen


async def _call(core: DynamoDBServer, operation: str, request: Any) -> tuple[int, Any]:
    status, body = await core.handle(f"DynamoDB_20120810.{operation}", json.dumps(request).encode())
    return status, json.loads(body)


def _put(pk: str, **extra: Any) -> dict[str, Any]:
    return {"TableName": "grouped", "Item": {"pk": {"S": pk}}, **extra}


def test_concurrent_writes_share_one_commit(tmp_path: pathlib.Path) -> None:
    core = _core(tmp_path)
    seen = _statements(core.database)

    async def main() -> list[tuple[int, Any]]:
        return await asyncio.gather(*(_call(core, "PutItem", _put(f"k{i}")) for i in range(5)))

    assert [status for status, _ in asyncio.run(main())] == [200] * 5
    assert seen.count("COMMIT") == 1 and seen.count("BEGIN IMMEDIATE") == 1
    assert seen.count("SAVEPOINT request") == 5
    assert core.database.items.count("grouped") == 5


def test_a_failing_request_rolls_back_only_its_own_changes(tmp_path: pathlib.Path) -> None:
    core = _core(tmp_path)
    failing = _put("k1", ConditionExpression="attribute_exists(pk)")

    async def main() -> list[tuple[int, Any]]:
        return await asyncio.gather(
            _call(core, "PutItem", _put("k0")),
            _call(core, "PutItem", failing),
            _call(core, "PutItem", _put("k2")),
        )

    statuses = [status for status, _ in asyncio.run(main())]
    assert statuses == [200, 400, 200]
    stored = sorted(item["pk"]["S"] for _, _, item in core.database.items.scan("grouped"))
    assert stored == ["k0", "k2"]


def test_savepoint_rollback_keeps_the_group(tmp_path: pathlib.Path) -> None:
    database = open_database(tmp_path)

    async def main() -> None:
        group = GroupCommit(database)
        with database.transaction():
            database.items.put("t", b"a", b"", {"pk": {"S": "a"}})
        with pytest.raises(RuntimeError), database.transaction():
            database.items.put("t", b"b", b"", {"pk": {"S": "b"}})
            raise RuntimeError("boom")
        committed = group.pending()
        assert committed is not None and database.group_open
        await committed

    asyncio.run(main())
    assert not database.group_open
    assert database.items.get("t", b"a") is not None and database.items.get("t", b"b") is None


def test_no_answer_before_its_commit(tmp_path: pathlib.Path) -> None:
    core = _core(tmp_path)
    seen = _statements(core.database)

    async def main() -> None:
        await _call(core, "PutItem", _put("k"))
        assert seen[-1] == "COMMIT"
        assert not core.database._connection.in_transaction  # noqa: SLF001

    asyncio.run(main())


def test_reads_outside_a_group_do_not_wait(tmp_path: pathlib.Path) -> None:
    core = _core(tmp_path)
    core.handle_sync("DynamoDB_20120810.PutItem", json.dumps(_put("k")).encode())
    seen = _statements(core.database)

    async def main() -> tuple[int, Any]:
        return await _call(core, "GetItem", {"TableName": "grouped", "Key": {"pk": {"S": "k"}}})

    assert asyncio.run(main()) == (200, {"Item": {"pk": {"S": "k"}}})
    assert "COMMIT" not in seen and "BEGIN IMMEDIATE" not in seen


@pytest.mark.dynamodb_500  # a failed COMMIT is a 500, on purpose
def test_a_failed_commit_fails_every_request_of_the_group(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    core = _core(tmp_path)
    commit = core.database.commit_group

    def broken() -> None:
        commit()
        raise OSError("disk full")

    monkeypatch.setattr(core.database, "commit_group", broken)

    async def main() -> list[tuple[int, Any]]:
        return await asyncio.gather(*(_call(core, "PutItem", _put(f"k{i}")) for i in range(2)))

    results = asyncio.run(main())
    assert [status for status, _ in results] == [500, 500]
    assert results[0][1]["__type"].endswith("#InternalServerError")


def test_callers_outside_the_loop_commit_on_their_own(tmp_path: pathlib.Path) -> None:
    database = open_database(tmp_path)
    GroupCommit(database)
    seen = _statements(database)
    with database.transaction():
        database.items.put("t", b"a", b"", {"pk": {"S": "a"}})
    assert seen[0] == "BEGIN IMMEDIATE" and seen[-1] == "COMMIT"
    assert not any(statement.startswith("SAVEPOINT") for statement in seen)
    assert not database.group_open
