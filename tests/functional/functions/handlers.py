"""Small Lambda handlers used by the functional tests (plain Lambda code: no serverlite imports)."""

import json
import os
import time

INIT_PID = os.getpid()


def echo(event, context):
    """Proxy result whose body is the event, plus what the context and environment say."""
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(
            {
                "event": event,
                "function_name": context.function_name,
                "memory_limit_in_mb": context.memory_limit_in_mb,
                "invoked_function_arn": context.invoked_function_arn,
                "aws_request_id": context.aws_request_id,
                "log_group_name": context.log_group_name,
                "log_stream_name": context.log_stream_name,
                "remaining_ms": context.get_remaining_time_in_millis(),
                "pid": os.getpid(),
                "env": {
                    k: v
                    for k, v in os.environ.items()
                    if k.startswith(("AWS_", "LAMBDA_", "_HANDLER", "GREETING", "TZ", "LANG"))
                },
            }
        ),
    }


def raw(event, context):
    """Return whatever the event's `result` key holds, so tests can send any proxy result."""
    return event["result"] if "result" in event else json.loads(event["body"])["result"]


def fail(event, context):
    raise ValueError("boom")


def sleep(event, context):
    time.sleep(float(event.get("seconds", 5)))
    return {"statusCode": 200, "body": "slept"}


def crash(event, context):
    """Exit the worker process mid-invocation when asked to; answer normally otherwise."""
    if event.get("crash"):
        os._exit(3)
    return {"statusCode": 200, "body": "alive"}


def slow_proxy(event, context):
    time.sleep(2)
    return {"statusCode": 200, "body": "late"}


def hog(event, context):
    """Hold more memory than the function's MemorySize allows."""
    held = b"x" * (int(event.get("mb", 200)) * 1024 * 1024)
    time.sleep(2)
    return {"statusCode": 200, "body": str(len(held))}


def log_levels(event, context):
    import logging

    logger = logging.getLogger()
    logger.debug("debug line")
    logger.info("info line")
    logger.warning("warning line")
    return {"statusCode": 200}


def nap(event, context):
    """Sleep half a second, then answer through the proxy integration."""
    time.sleep(0.5)
    return {"statusCode": 200, "body": str(os.getpid())}


def chatty(event, context):
    """Print many lines, then answer at once: the lines must still come before the REPORT line."""
    for number in range(event.get("lines", 3000)):
        print(f"line {number} " + "x" * 100)
    return "done"


def context_view(event, context):
    """What the runtime told the handler about its caller and its trace."""
    custom = context.client_context.custom if context.client_context else None
    identity = context.identity.cognito_identity_id if context.identity else None
    return {"custom": custom, "identity": identity, "trace": os.environ.get("_X_AMZN_TRACE_ID")}


def sized(event, context):
    """A string response of exactly `bytes` bytes once JSON-encoded (the quotes count), and the event's size."""
    return "x" * (int(event["bytes"]) - 2) if "bytes" in event else len(json.dumps(event))


def json_logs(event, context):
    import logging

    logging.getLogger().info("structured %s", "info", extra={"k": "v"})
    print("plain print")
    return "ok"
