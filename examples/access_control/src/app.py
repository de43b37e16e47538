"""Handlers of the access-control example: plain Lambda code."""

import json


def authorize(event, context):
    """TOKEN: `Bearer letmein` is allowed, anything else denied. REQUEST: tenant `acme` is allowed."""
    if event["type"] == "TOKEN":
        allowed = event["authorizationToken"] == "Bearer letmein"
        principal = "token-user"
    else:
        allowed = event["headers"].get("X-Tenant") == "acme"
        principal = "tenant-acme"
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow" if allowed else "Deny",
                    "Resource": event["methodArn"],
                }
            ],
        },
        "context": {"tier": "gold", "level": 3},
    }


def hello(event, context):
    """Says who the gateway let in."""
    request_context = event["requestContext"]
    body = {
        "authorizer": request_context.get("authorizer"),
        "apiKeyId": request_context["identity"].get("apiKeyId"),
    }
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
