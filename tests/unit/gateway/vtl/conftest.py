"""A sample request as the gateway hands it to a template."""

from __future__ import annotations

import typing as t

import pytest

from serverlite.gateway.vtl import TemplateInput

CONTEXT: dict[str, t.Any] = {
    "accountId": "123456789012",
    "apiId": "abcdefghij",
    "httpMethod": "POST",
    "stage": "test",
    "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    "resourceId": "r00001",
    "resourcePath": "/music/{id}",
    "identity": {
        "accountId": "",
        "apiKey": "",
        "caller": "",
        "cognitoAuthenticationProvider": "",
        "cognitoAuthenticationType": "",
        "cognitoIdentityId": "",
        "cognitoIdentityPoolId": "",
        "sourceIp": "192.0.2.1",
        "user": "",
        "userAgent": "curl/8.1.2",
        "userArn": "",
    },
    "authorizer": {"principalId": ""},
}


def make_input(body: str = "", **changes: t.Any) -> TemplateInput:
    """A POST /test/music/42?artist=x with the given body."""
    fields: dict[str, t.Any] = {
        "body": body,
        "path_params": {"id": "42"},
        "query_params": {"artist": "x"},
        "headers": {"Content-Type": "application/json", "User-Agent": "curl/8.1.2"},
        "context": CONTEXT,
        "stage_variables": {"table": "Music"},
    }
    return TemplateInput(**(fields | changes))


@pytest.fixture
def make() -> t.Callable[..., TemplateInput]:
    """Builds the sample request, fields replaced as given."""
    return make_input
