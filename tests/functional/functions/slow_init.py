"""Takes longer to import than the INIT limit a test sets."""

import time

time.sleep(30)


def handler(event, context):
    return "never"
