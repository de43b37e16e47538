"""Raw requests to a DynamoDB server, for what boto3 will not send or hides (bodies, status codes)."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from tests.functional.dynamodb.dynamodb_server import ServerProcess

__all__ = ["VALIDATION", "post", "post_raw", "validation"]

VALIDATION = "com.amazon.coral.validate#ValidationException"


def post_raw(server: ServerProcess, operation: str, body: bytes | dict[str, Any]) -> tuple[int, bytes]:
    """One request to ``/``; the status and the body as sent."""
    parts = urlsplit(server.endpoint)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    try:
        connection.request("POST", "/", body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def post(server: ServerProcess, operation: str, body: bytes | dict[str, Any]) -> tuple[int, Any]:
    """One request; the status and the decoded JSON answer (None for an empty body)."""
    status, answer = post_raw(server, operation, body)
    return status, json.loads(answer) if answer else None


def validation(message: str) -> tuple[int, dict[str, str]]:
    """A ValidationException answer, as `post` returns it."""
    return 400, {"__type": VALIDATION, "message": message}
