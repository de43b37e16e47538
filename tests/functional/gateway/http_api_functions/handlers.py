"""Handlers behind the HTTP API tests (plain Lambda code: no serverlite imports)."""

import base64
import json
import time
import uuid


def echo(event, context):
    """A 2.0 (or 1.0) response whose body is the event."""
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}


def scripted(event, context):
    """Return what the request body's `answer` says, as is: the test decides the Lambda response."""
    body = event.get("body") or "{}"
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body)["answer"]


def fail(event, context):
    raise RuntimeError("boom")


def sleep(event, context):
    time.sleep(2)
    return "late"


def authorize_simple(event, context):
    """A simple-response Lambda authorizer: the token `allow` is authorized; `raise` raises Unauthorized."""
    token = event["identitySource"][0]
    if token == "raise":
        raise Exception("Unauthorized")
    return {
        "isAuthorized": token == "allow",
        "context": {"user": "alice", "n": 1, "source": event["identitySource"]},
    }


def authorize_policy(event, context):
    """An IAM-policy Lambda authorizer (payload 1.0): allows the route ARN it is asked for unless the token
    is `deny`; records the event it got in the context."""
    effect = "Deny" if event["authorizationToken"].split(",")[0] == "deny" else "Allow"
    return {
        "principalId": "user-7",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}],
        },
        "context": {
            "type": event["type"],
            "version": event["version"],
            "token": event["authorizationToken"],
            "call": str(uuid.uuid4()),
        },
    }
