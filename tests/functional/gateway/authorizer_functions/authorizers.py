"""Lambda authorizers for the access-control functional tests (plain Lambda code, no serverlite)."""

import json
import os

CALLS = "/tmp/serverlite-authorizer-calls"


def _policy(effect, resource, principal="user-1", **extra):
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        **extra,
    }


def token(event, context):
    """`allow`, `deny`, `other` (allows another path only), `unauthorized`, `broken`, `key` tokens."""
    _count(event)
    value = event["authorizationToken"]
    arn = event["methodArn"]
    if value == "Bearer unauthorized":
        raise Exception("Unauthorized")
    if value == "Bearer broken":
        return {"principalId": "x"}
    if value == "Bearer deny":
        return _policy("Deny", arn)
    if value == "Bearer other":
        return _policy("Allow", arn.rsplit("/", 1)[0] + "/elsewhere")
    if value == "Bearer wildcard":
        return _policy("Allow", arn.split("/", 1)[0] + "/*")
    return _policy(
        "Allow",
        arn,
        context={"event": json.dumps(event), "number": 7, "flag": True},
        usageIdentifierKey="authorizer-issued-key-0123456789",
    )


def request(event, context):
    """Allows when the `pass` query parameter is `yes`; echoes the event in the context."""
    _count(event)
    effect = "Allow" if (event.get("queryStringParameters") or {}).get("pass") == "yes" else "Deny"
    return _policy(effect, event["methodArn"], context={"event": json.dumps(event)})


def _count(event):
    path = os.environ.get("CALLS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(event["type"] + "\n")
