"""The wire protocol seen by raw HTTP clients: targets, bad bodies, headers, checksums."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import zlib
from typing import Any

from tests.functional.dynamodb.dynamodb_server import ServerProcess


def _post(server: ServerProcess, body: bytes, target: str | None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    if target is not None:
        headers["X-Amz-Target"] = target
    request = urllib.request.Request(server.endpoint + "/any/path", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_unknown_operation(server: ServerProcess) -> None:
    status, headers, body = _post(server, b"{}", "DynamoDB_20120810.NoSuchThing")
    # dynalite index.js: AWS answers 400 with the coral service type and no message.
    assert (status, body) == (400, b'{"__type":"com.amazon.coral.service#UnknownOperationException"}')
    assert headers["Content-Type"] == "application/x-amz-json-1.0"


def test_invalid_json_is_serialization_exception(server: ServerProcess) -> None:
    status, _, body = _post(server, b"{not json", "DynamoDB_20120810.ListTables")
    # dynalite index.js (observed AWS).
    assert (status, body) == (400, b'{"__type":"com.amazon.coral.service#SerializationException"}')


def test_wrong_member_type_is_serialization_exception(server: ServerProcess) -> None:
    status, _, body = _post(server, b'{"TableName": 5}', "DynamoDB_20120810.DescribeTable")
    # dynalite validations/index.js checkTypes (observed AWS, capital M in "Message").
    assert status == 400
    assert json.loads(body) == {
        "__type": "com.amazon.coral.service#SerializationException",
        "Message": "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be "
        "converted to an String",
    }


def test_headers_carry_request_id_and_crc32(server: ServerProcess) -> None:
    status, headers, body = _post(server, b"{}", "DynamoDB_20120810.ListTables")
    assert status == 200
    assert headers["x-amz-crc32"] == str(zlib.crc32(body))
    assert len(headers["x-amzn-RequestId"]) == 36


def test_missing_table_name_on_item_operation(server: ServerProcess) -> None:
    status, _, body = _post(server, b'{"Key": {"a": {"S": "b"}}}', "DynamoDB_20120810.GetItem")
    parsed: Any = json.loads(body)
    # nubo-db/dynamodb-conformance putItem.test.ts "missing table name".
    assert (status, parsed) == (
        400,
        {
            "__type": "com.amazon.coral.validate#ValidationException",
            "message": "1 validation error detected: Value null at 'tableName' failed to "
            "satisfy constraint: Member must not be null",
        },
    )


def test_missing_table_name_on_create_table(server: ServerProcess) -> None:
    status, _, body = _post(server, b"{}", "DynamoDB_20120810.CreateTable")
    # nubo-db/dynamodb-conformance createTable.test.ts "missing TableName".
    assert (status, json.loads(body)["message"]) == (
        400,
        "The parameter 'TableName' is required but was not present in the request",
    )
