"""GET /quotes on python3.13, with a pinned `requests` of its own (not serverlite's)."""

import json
import sys

import requests

QUOTES = ["Simplicity is prerequisite for reliability.", "Make it work, make it right, make it fast."]


def handler(event, context):
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    body = {"python": version, "requests": requests.__version__, "quotes": QUOTES}
    return {"statusCode": 200, "body": json.dumps(body)}
