"""CountSongs: keeps MusicArtistCounts.SongCount equal to the number of songs of each artist in Music.

Triggered by the Music table's stream, filtered to INSERT and REMOVE records (an update of an
existing song does not change the count). One UpdateItem ADD per artist per batch.
"""

import os
from collections import Counter

import boto3

client = boto3.client("dynamodb")
TABLE = os.environ["COUNTS_TABLE"]
CHANGE = {"INSERT": 1, "REMOVE": -1}


def lambda_handler(event, context):
    changes = Counter()
    for record in event["Records"]:
        artist = record["dynamodb"]["Keys"]["Artist"]["S"]
        changes[artist] += CHANGE.get(record["eventName"], 0)
    for artist, change in changes.items():
        if change:
            client.update_item(
                TableName=TABLE,
                Key={"Artist": {"S": artist}},
                UpdateExpression="ADD SongCount :change",
                ExpressionAttributeValues={":change": {"N": str(change)}},
            )
    return {"artists": len(changes)}
