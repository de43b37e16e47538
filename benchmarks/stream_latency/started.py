"""Prints the wall-clock time it started at, for each record's key."""

import time


def lambda_handler(event, context):
    started = time.time()
    for record in event["Records"]:
        print(f"STARTED {record['dynamodb']['Keys']['pk']['S']} {started:.6f}")
