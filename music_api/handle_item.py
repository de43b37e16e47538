"""DemoHandleItem: PUT adds, GET reads, POST updates and DELETE removes one song of a music table."""

import boto3
import botocore.exceptions
from proxy_responses import BODY_NOT_AN_OBJECT, key_error_message, respond, respond_client_error
from request_parameters import BodyNotAnObject, NoParameterSource, Parameters

client = boto3.client("dynamodb")

ITEM_NOT_FOUND = "Item not found"


def _key(params):
    return {"Artist": {"S": params["artist"]}, "SongTitle": {"S": params["songtitle"]}}


def add_item(params):
    item = _key(params)
    item["AlbumTitle"] = {"S": params["albumtitle"]}
    client.put_item(TableName=params["table"], Item=item)
    return respond(200, "Item added")


def read_item(params):
    response = client.get_item(TableName=params["table"], Key=_key(params))
    if "Item" not in response:
        return respond(404, ITEM_NOT_FOUND)
    return respond(200, response["Item"])


def update_item(params):
    # The condition keeps POST an update: the tutorial's UpdateItem silently created a missing item.
    try:
        client.update_item(
            TableName=params["table"],
            Key=_key(params),
            UpdateExpression="SET #AT = :t",
            ConditionExpression="attribute_exists(Artist)",
            ExpressionAttributeNames={"#AT": "AlbumTitle"},
            ExpressionAttributeValues={":t": {"S": params["albumtitle"]}},
            ReturnValues="ALL_NEW",
        )
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return respond(404, ITEM_NOT_FOUND)
        raise
    return respond(200, "Item updated")


def delete_item(params):
    client.delete_item(TableName=params["table"], Key=_key(params))
    return respond(200, "Item deleted")


ACTIONS = {"PUT": add_item, "GET": read_item, "POST": update_item, "DELETE": delete_item}


def lambda_handler(event, context):
    action = ACTIONS.get(event.get("httpMethod"))
    try:
        params = Parameters(event)
        if action is None:
            return respond(400, "Undefined request.")
        return action(params)
    except NoParameterSource:
        return respond(400, "Item to be processed is not specified.")
    except BodyNotAnObject:
        return respond(400, BODY_NOT_AN_OBJECT)
    except KeyError as error:
        return respond(400, key_error_message(error, "the value"))
    except botocore.exceptions.ClientError as error:
        return respond_client_error(error)
    except botocore.exceptions.ParamValidationError as error:
        # boto3 refuses some values before sending (e.g. an empty table name): the caller's fault, a 400.
        return respond(400, str(error))
