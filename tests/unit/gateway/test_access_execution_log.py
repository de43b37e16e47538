"""Execution log lines of API keys and usage plans (reference 5.3 and 4.4; captures in the code index:
29341295643 "not associated with a Usage Plan", 43534634764 "exceeded quota limit"), with the Invoker
seam faked and the clock pinned."""

import asyncio
import json

from serverlite.gateway.gateway import Gateway
from serverlite.gateway.messages import GatewayRequest
from serverlite.runtime.invoker import InvocationResult
from serverlite.template.model import (
    ApiKey,
    Integration,
    Method,
    MethodSetting,
    Quota,
    Resource,
    RestApi,
    Stage,
    UsagePlan,
    UsagePlanStage,
)

KEY = "abcdefghijklmnopqrstuvwxyz0123456789F0yrv6"


class Invoker:
    async def invoke(self, function, event, *, trace_id=None, client_context=None, throttle=False):
        return InvocationResult("req-1", json.dumps({"statusCode": 200, "body": "ok"}).encode())


class Sink:
    def __init__(self):
        self.events = []

    def append(self, group, stream, events):
        self.events += [message for _, message in events]


API = RestApi(
    logical_id="Api",
    id="abc123defg",
    name="Api",
    resources=(
        Resource("root01", "/"),
        Resource(
            "key001",
            "/key",
            {"GET": Method("GET", Integration("AWS_PROXY", function="F"), api_key_required=True)},
        ),
        Resource("open01", "/open", {"GET": Method("GET", Integration("AWS_PROXY", function="F"))}),
    ),
    stages={"dev": Stage("dev", "dep1", method_settings=(MethodSetting(logging_level="INFO"),))},
)
PLAN = UsagePlan(
    "Plan",
    "plan01",
    "plan",
    api_stages=(UsagePlanStage("abc123defg", "dev"),),
    quota=Quota(1, "DAY"),
    key_ids=("keyid00001",),
)


async def _run(*requests):
    sink = Sink()
    gateway = Gateway(
        [API],
        Invoker(),
        account_id="123456789012",
        logs=sink,
        usage_plans=[PLAN],
        api_keys=[ApiKey("K", "keyid00001", KEY, "k", enabled=True)],
        clock=lambda: 1_700_000_000.0,
    )
    statuses = []
    for target, headers in requests:
        response = await gateway.handle(GatewayRequest("GET", target, tuple(headers), b"", "127.0.0.1"))
        statuses.append(response.status)
    await asyncio.sleep(0.01)  # logs are written after the response
    return statuses, [line.split(") ", 1)[1] for line in sink.events]


def test_key_lines():
    statuses, lines = asyncio.run(
        _run(
            ("/dev/key", [("x-api-key", KEY)]),
            ("/dev/key", [("x-api-key", KEY)]),
            ("/dev/key", []),
        )
    )
    assert statuses == [200, 429, 403]
    masked = "*" * (len(KEY) - 6) + "F0yrv6"
    assert f"Usage Plan check succeeded for API Key {masked} and API Stage abc123defg/dev" in lines
    assert (
        f"API Key {masked} exceeded quota limit for API Stage abc123defg/dev: Key quota exhausted for Usage Plan "
        "ID plan01. Limit: 1 Period: DAY"
    ) in lines
    assert (
        "API Key  not authorized because method 'GET /key' requires API Key and API Key is not associated with a "
        "Usage Plan for API Stage abc123defg/dev: No Usage Plan found for key and API Stage"
    ) in lines
    assert "Method completed with status: 403" in lines


def test_plain_method_lines_are_unchanged():
    _, lines = asyncio.run(_run(("/dev/open", [])))
    assert lines[2] == (
        "API Key  authorized because method 'GET /open' does not require API Key. "
        "Request will not contribute to throttle or quota limits"
    )
