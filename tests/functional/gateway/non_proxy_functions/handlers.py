"""Handlers behind non-proxy (AWS) integrations in the functional tests: plain Lambda code."""

import json


def identity(event, context):
    """Return the event as received, so tests see what the integration request delivered."""
    return event


def fail_with(event, context):
    """Raise with the event's `message`, so tests can drive selection patterns."""
    raise RuntimeError(event.get("message", "boom"))


def table(event, context):
    """The tutorial's DemoCreateTable answer."""
    return {"statusCode": 200, "body": json.dumps("Table created")}


def nothing(event, context):
    """Return None (body `null`)."""
    return None
