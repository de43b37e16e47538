"""What the gateway can serve today; anything else in a template is refused at start, by name.

Issue 4: no SAM or OpenAPI feature is silently ignored. Each check names the API, the method and the
feature, so the user knows what to change or what to wait for.
"""

from __future__ import annotations

from collections.abc import Sequence

from serverlite.template.model import RestApi

__all__ = ["unsupported_features"]

_SUPPORTED_INTEGRATIONS = {"AWS_PROXY"}


def unsupported_features(apis: Sequence[RestApi]) -> list[str]:
    """One message per method that uses something serverlite does not serve yet."""
    problems: list[str] = []
    for api in apis:
        for resource in api.resources:
            for method in resource.methods.values():
                where = f"REST API {api.logical_id}: {method.http_method} {resource.path}"
                integration = method.integration
                if integration.type not in _SUPPORTED_INTEGRATIONS:
                    problems.append(f"{where}: {integration.type} integrations are not supported yet")
                elif integration.function is None:
                    problems.append(f"{where}: the integration URI names no function of this template")
                if method.authorization_type not in ("NONE", ""):
                    problems.append(
                        f"{where}: authorization {method.authorization_type} is not supported yet"
                    )
                if method.api_key_required:
                    problems.append(f"{where}: API keys (ApiKeyRequired) are not supported yet")
    return problems
