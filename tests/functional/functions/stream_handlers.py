"""Stream-triggered handlers for the event source tests (plain Lambda code: no serverlite imports)."""

import json
import os


def record_batches(event, context):
    """Append each batch's keys to $BATCHES_FILE; fail any batch holding a key starting with `poison`."""
    keys = [record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]
    with open(os.environ["BATCHES_FILE"], "a") as out:
        out.write(json.dumps({"keys": keys, "source": event["Records"][0]["eventSourceARN"]}) + "\n")
    if any(key.startswith("poison") for key in keys):
        raise ValueError("poison record")
    return {"processed": len(keys)}
