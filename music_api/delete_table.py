"""DemoDeleteTable: DELETE /DemoResourceMusic/DemoResourceMusicTable deletes the table named by `table`."""

import boto3
import botocore.exceptions
from proxy_responses import BODY_NOT_AN_OBJECT, key_error_message, respond, respond_client_error
from request_parameters import BodyNotAnObject, NoParameterSource, Parameters

client = boto3.client("dynamodb")


def lambda_handler(event, context):
    try:
        params = Parameters(event)
        client.delete_table(TableName=params["table"])
    except NoParameterSource:
        return respond(400, "Name of the table to be deleted is not specified.")
    except BodyNotAnObject:
        return respond(400, BODY_NOT_AN_OBJECT)
    except KeyError as error:
        return respond(400, key_error_message(error, "the table name"))
    except botocore.exceptions.ClientError as error:
        return respond_client_error(error)
    except botocore.exceptions.ParamValidationError as error:
        # boto3 refuses some values before sending (e.g. an empty table name): the caller's fault, a 400.
        return respond(400, str(error))
    return respond(200, "Table deleted")
