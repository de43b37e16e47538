"""The Music API's answers: a status code and a JSON-encoded body, as the tutorial returns them."""

import json

# SEED-API.md, "Errors": the HTTP status for each DynamoDB error code (the tutorial answered 500 for all).
_STATUS_BY_ERROR_CODE = {
    "ResourceNotFoundException": 404,
    "ResourceInUseException": 409,
    "ValidationException": 400,
    "ConditionalCheckFailedException": 409,
    "ProvisionedThroughputExceededException": 429,
    "ThrottlingException": 429,
    "RequestLimitExceeded": 429,
}

BODY_NOT_AN_OBJECT = "The request body must be a JSON object."


def respond(status_code, message):
    """A Lambda proxy result whose body is `message` as JSON (a quoted string for text)."""
    return {"statusCode": status_code, "body": json.dumps(message)}


def respond_client_error(error):
    """Turn a botocore ClientError into the status of its kind and its message."""
    code = error.response.get("Error", {}).get("Code", "")
    return respond(_STATUS_BY_ERROR_CODE.get(code, 500), str(error))


def key_error_message(error, purpose):
    """The tutorial's message for a missing parameter, e.g. `... using key 'table' to get the table name.`"""
    return f"KeyError exception happened while using key {str(error)} to get {purpose}."
