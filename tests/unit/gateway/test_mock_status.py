"""The MOCK integration's status from its mapped request: JSON, or the unquoted `{ statusCode: 200 }` that
aws-cdk-lib's `addCorsPreflight` writes for every CORS preflight (and AWS accepts)."""

from __future__ import annotations

import pytest

from serverlite.gateway.errors import ApiConfigurationError
from serverlite.gateway.non_proxy import _mock_status


@pytest.mark.parametrize(
    ("body", "status"),
    [(b'{"statusCode": 200}', 200), (b"{ statusCode: 200 }", 200), (b"{statusCode:404}\n", 404)],
)
def test_status_of_the_mapped_request(body: bytes, status: int) -> None:
    assert _mock_status(body) == status


def test_no_status_is_a_configuration_error() -> None:
    with pytest.raises(ApiConfigurationError):
        _mock_status(b"{ status: 200 }")
