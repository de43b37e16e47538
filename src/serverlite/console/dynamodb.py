"""DynamoDB pages: tables with key schema, indexes and item count, and the item browser.

The console is a DynamoDB client like any other: it signs JSON 1.0 requests (SigV4, as botocore signs
them) and sends them to the endpoint the functions use, so it works against any DynamoDB.
"""

from __future__ import annotations

import asyncio
import json
import typing as t

import aiohttp
from aiohttp import web

from serverlite.console.wire import json_response

__all__ = ["CLIENT", "DynamoDBClient", "routes"]

routes = web.RouteTableDef()

#: What the item browser and table pages may ask for; the DynamoDB server validates the rest.
OPERATIONS = frozenset(
    {
        "ListTables",
        "DescribeTable",
        "CreateTable",
        "DeleteTable",
        "Scan",
        "Query",
        "GetItem",
        "PutItem",
        "DeleteItem",
    }
)


class DynamoDBError(Exception):
    """An error answer of DynamoDB: its HTTP status and JSON body."""

    def __init__(self, status: int, body: dict[str, t.Any]) -> None:
        super().__init__(body.get("message") or body.get("Message") or body.get("__type"))
        self.status = status
        self.body = body


class DynamoDBClient:
    """A small async DynamoDB JSON 1.0 client with SigV4 signing."""

    def __init__(self, endpoint: str, region: str) -> None:
        self._endpoint = endpoint.rstrip("/") + "/"
        self._region = region
        self._signer: t.Any = None  # botocore's signer, imported at the first call (not at every start)
        self._session: aiohttp.ClientSession | None = None

    async def call(self, operation: str, request: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        """Send one operation; raises DynamoDBError for an error answer."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        if self._signer is None:
            self._signer = SigV4Auth(Credentials("serverlite", "serverlite"), "dynamodb", self._region)
        body = json.dumps(request).encode()
        signed = AWSRequest(
            method="POST",
            url=self._endpoint,
            data=body,
            headers={
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": f"DynamoDB_20120810.{operation}",
            },
        )
        self._signer.add_auth(signed)
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(
            self._endpoint, data=body, headers=dict(signed.headers.items())
        ) as answer:
            data = await answer.json(content_type=None)
            if answer.status != 200:
                raise DynamoDBError(answer.status, data if isinstance(data, dict) else {})
            return t.cast(dict[str, t.Any], data)

    async def close(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None


#: The application's DynamoDB client.
CLIENT = web.AppKey("dynamodb", DynamoDBClient)


@routes.get("/api/tables")
async def list_tables(request: web.Request) -> web.Response:
    """Every table, described: key schema, attribute types, indexes, item count."""
    client = request.app[CLIENT]
    names: list[str] = []
    start: str | None = None
    while True:
        page = await client.call("ListTables", {"ExclusiveStartTableName": start} if start else {})
        names += page.get("TableNames", [])
        start = page.get("LastEvaluatedTableName")
        if not start:
            break
    described = await asyncio.gather(*(_describe(client, name) for name in names))
    return json_response({"tables": [table for table in described if table is not None]})


async def _describe(client: DynamoDBClient, name: str) -> dict[str, t.Any] | None:
    try:
        return t.cast(dict[str, t.Any], (await client.call("DescribeTable", {"TableName": name}))["Table"])
    except DynamoDBError:  # deleted between the list and the describe
        return None


@routes.post("/api/dynamodb/{operation}")
async def call(request: web.Request) -> web.Response:
    """Pass one allowed operation through; DynamoDB's own errors come back with their status."""
    operation = request.match_info["operation"]
    if operation not in OPERATIONS:
        raise web.HTTPNotFound(text=f"the console does not call {operation}")
    client = request.app[CLIENT]
    try:
        payload = await request.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return json_response({"error": {"type": "BadRequest", "message": "body must be a JSON object"}}, 400)
    try:
        return json_response(await client.call(operation, payload))
    except DynamoDBError as error:
        kind = str(error.body.get("__type", "")).rpartition("#")[2] or "DynamoDBError"
        return json_response({"error": {"type": kind, "message": str(error)}}, error.status)
    except aiohttp.ClientError as error:
        return json_response({"error": {"type": "EndpointUnreachable", "message": str(error)}}, 502)
