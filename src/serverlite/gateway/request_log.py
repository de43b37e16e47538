"""Execution-log lines of the method request and the endpoint request (reference apigateway-lambda.md 5.3)."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

from serverlite.gateway.events import RequestIdentity
from serverlite.gateway.execution_log import ExecutionLog, java_map
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.router import RouteMatch

__all__ = ["TEST_INVOKE_STAGE", "lambda_endpoint", "log_lambda_request", "log_method_request"]

TEST_INVOKE_STAGE = "test-invoke-stage"


def log_method_request(
    log: ExecutionLog, request: GatewayRequest, match: RouteMatch, identity: RequestIdentity
) -> None:
    """The first lines of reference 5.3's sequence, up to the method request's body."""
    log.add(f"Starting execution for request: {identity.request_id}")
    log.add(f"HTTP Method: {request.method}, Resource Path: {match.path}")
    log.data(f"Method request path: {java_map(match.path_parameters or {})}")
    log.data(
        f"Method request query string: {java_map(parse_qsl(request.raw_query or '', keep_blank_values=True))}"
    )
    log.data(f"Method request headers: {java_map(request.headers)}")
    log.data(f"Method request body before transformations: {request.body.decode('utf-8', errors='replace')}")


def log_lambda_request(
    log: ExecutionLog, match: RouteMatch, identity: RequestIdentity, endpoint_uri: str
) -> None:
    """The endpoint request lines of a Lambda integration (URI and the signed request's headers)."""
    log.add(f"Endpoint request URI: {endpoint_uri}")
    # The console's Test has no stage: its source ARN says `null` there (reference 1.10).
    stage = "null" if match.stage.name == TEST_INVOKE_STAGE else match.stage.name
    source_arn = (
        f"arn:aws:execute-api:{_region(endpoint_uri)}:{identity.account_id}:{match.api.id}/{stage}"
        f"/{match.method.http_method if match.method.http_method != 'ANY' else '*'}{match.resource.path}"
    )
    log.data(
        "Endpoint request headers: "
        + java_map(
            {
                "x-amzn-lambda-integration-tag": identity.request_id,
                "Authorization": "*" * 40 + "serverl",
                "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(identity.epoch_ms / 1000)),
                "x-amzn-apigateway-api-id": match.api.id,
                "X-Amz-Source-Arn": source_arn,
                "Accept": "application/json",
                "User-Agent": f"AmazonAPIGateway_{match.api.id}",
                "X-Amzn-Trace-Id": identity.trace_id,
                "Content-Type": "application/json",
            }
        )
    )


def lambda_endpoint(uri: str) -> str:
    """`arn:aws:apigateway:<r>:lambda:path/2015-03-31/...` -> `https://lambda.<r>.amazonaws.com/2015-03-31/...`."""
    prefix, _, path = uri.partition(":lambda:path")
    region = prefix.rsplit(":", 1)[-1] or "us-east-1"
    return f"https://lambda.{region}.amazonaws.com{path}"


def _region(endpoint_uri: str) -> str:
    return endpoint_uri.split("lambda.", 1)[-1].split(".", 1)[0]
