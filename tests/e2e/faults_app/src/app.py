"""Sleep `seconds` (query string, default 0), then answer with the worker's pid."""

import json
import os
import time


def handler(event, context):
    seconds = float((event.get("queryStringParameters") or {}).get("seconds", 0))
    time.sleep(seconds)
    return {"statusCode": 200, "body": json.dumps({"pid": os.getpid()})}
