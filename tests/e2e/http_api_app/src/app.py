"""Handlers of the HTTP API end-to-end test (plain Lambda code)."""

import json


def hello(event, context):
    name = (event.get("pathParameters") or {}).get("name", "url")
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json", "x-greeting": "hi"},
        "body": json.dumps({"hello": name, "routeKey": event["routeKey"], "rawPath": event["rawPath"]}),
    }


def items(event, context):
    if event.get("version") == "1.0":
        return {
            "statusCode": 200,
            "body": json.dumps({"path": event["path"], "stage": event["requestContext"]["stage"]}),
        }
    return {"items": [], "stage": event["requestContext"]["stage"], "table": event["stageVariables"]["table"]}
