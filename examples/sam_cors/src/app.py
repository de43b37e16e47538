"""GET /items: a proxy function answering with its own CORS header, as API Gateway requires."""

import json


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Access-Control-Allow-Origin": "https://example.com"},
        "body": json.dumps({"items": []}),
    }
