"""Sleeps half a second: a stand-in for a function that waits on I/O."""

import os
import time


def handler(event, context):
    time.sleep(0.5)
    return {"statusCode": 200, "body": str(os.getpid())}
