"""Two functions: `Caller` invokes `Callee` through boto3, as on AWS (no serverlite import)."""

import json
import os

import boto3

lambda_client = boto3.client("lambda")


def callee(event, context):
    print("callee got", json.dumps(event))
    return {"doubled": event["n"] * 2}


def caller(event, context):
    response = lambda_client.invoke(
        FunctionName=os.environ["CALLEE"], Payload=json.dumps({"n": int(event["queryStringParameters"]["n"])})
    )
    result = json.loads(response["Payload"].read())
    return {"statusCode": 200, "body": json.dumps({"callee_said": result})}
