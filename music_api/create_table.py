"""DemoCreateTable: PUT /DemoResourceMusic/DemoResourceMusicTable creates the table named by `table`."""

import boto3
import botocore.exceptions
from proxy_responses import BODY_NOT_AN_OBJECT, key_error_message, respond, respond_client_error
from request_parameters import BodyNotAnObject, NoParameterSource, Parameters

client = boto3.client("dynamodb")


def lambda_handler(event, context):
    try:
        params = Parameters(event)
        client.create_table(
            TableName=params["table"],
            AttributeDefinitions=[
                {"AttributeName": "Artist", "AttributeType": "S"},
                {"AttributeName": "SongTitle", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "Artist", "KeyType": "HASH"},
                {"AttributeName": "SongTitle", "KeyType": "RANGE"},
            ],
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        )
    except NoParameterSource:
        return respond(400, "Name of the table to be created is not specified.")
    except BodyNotAnObject:
        return respond(400, BODY_NOT_AN_OBJECT)
    except KeyError as error:
        return respond(400, key_error_message(error, "the table name"))
    except botocore.exceptions.ClientError as error:
        return respond_client_error(error)
    except botocore.exceptions.ParamValidationError as error:
        # boto3 refuses some values before sending (e.g. an empty table name): the caller's fault, a 400.
        return respond(400, str(error))
    return respond(200, "Table created")
