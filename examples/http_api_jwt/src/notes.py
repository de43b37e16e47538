"""Notes behind an HTTP API with a JWT authorizer: plain Lambda code (payload format 2.0, boto3 only)."""

import json
import os
import time
import uuid

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    route = event["routeKey"]
    if route == "GET /notes":
        notes = sorted(TABLE.scan()["Items"], key=lambda note: note["created"])
        return {"notes": [{"id": n["id"], "text": n["text"], "author": n["author"]} for n in notes]}
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    if route == "GET /me":
        return {"sub": claims["sub"], "scopes": event["requestContext"]["authorizer"]["jwt"]["scopes"]}
    body = json.loads(event.get("body") or "{}")
    if not isinstance(body.get("text"), str) or not body["text"]:
        return {
            "statusCode": 400,
            "headers": {"content-type": "application/json"},
            "body": '{"error":"text is required"}',
        }
    note = {
        "id": str(uuid.uuid4()),
        "text": body["text"],
        "author": claims["sub"],
        "created": int(time.time() * 1000),
    }
    TABLE.put_item(Item=note)
    return {
        "statusCode": 201,
        "headers": {"content-type": "application/json", "location": f"/notes/{note['id']}"},
        "body": json.dumps({"id": note["id"], "text": note["text"], "author": note["author"]}),
    }
