"""What the console reads and drives: the application model and the running services, injected."""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import typing as t

from aiohttp import web

from serverlite.console.invocations import RecentInvocations
from serverlite.logs.store import LogStore
from serverlite.runtime.invoker import InvocationResult
from serverlite.template.model import Application

__all__ = ["STATE", "ConsoleState", "InvokeFunction", "TestInvoke", "WarmCount"]

#: `(function name or logical id, event JSON bytes) -> InvocationResult`, e.g. `LambdaService.invoke`.
InvokeFunction = cabc.Callable[[str, bytes], cabc.Awaitable[InvocationResult]]
#: `Gateway.test_invoke`: `(method, path, *, query, headers, body, api_id) -> TestInvokeResult`.
TestInvoke = cabc.Callable[..., cabc.Awaitable[t.Any]]
#: How many execution environments of a function are alive, e.g. `lambda n: service.pool(n).warm`.
WarmCount = cabc.Callable[[str], int]


@dataclasses.dataclass
class ConsoleState:
    """Everything the console shows; services are passed in so tests can build them in-process."""

    application: Application
    invoke: InvokeFunction
    test_invoke: TestInvoke
    warm_count: WarmCount
    dynamodb_url: str
    logs: LogStore
    #: `Gateway: URL` of `serverlite start`, for the stages' invoke URLs; None hides them.
    gateway_url: str | None = None
    #: Recent invocations; pass the same object to `RecentInvocations.wrap` for the gateway's invoker
    #: so requests through the API are listed too.
    recent: RecentInvocations = dataclasses.field(default_factory=RecentInvocations)
    #: `HttpGateway.test_invoke` for the HTTP APIs' route Test; None hides it.
    test_invoke_http: TestInvoke | None = None
    #: Function URL logical id -> the local URL it is served at.
    function_urls: cabc.Mapping[str, str] = dataclasses.field(default_factory=dict)


#: Where `create_app` keeps the state on the aiohttp application.
STATE = web.AppKey("state", ConsoleState)
