"""Reserved concurrency throttles synchronous callers as Lambda does (429 "Rate Exceeded."), while
asynchronous callers (events, stream batches, schedules) wait for an environment."""

from __future__ import annotations

import asyncio
import json

import pytest

from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.invoke_api import LambdaInvokeApi
from serverlite.runtime.invoker import FunctionThrottled
from serverlite.runtime.lambda_service import LambdaService

from ..conftest import make_function

NAP = make_function("handlers.nap", name="OneAtATime", reserved_concurrency=1)


def _service(data_dir) -> LambdaService:
    return LambdaService(
        {NAP.logical_id: NAP}, RuntimeSettings(data_dir=data_dir, hot_reload=False), output=lambda *args: None
    )


def test_second_synchronous_call_is_throttled(data_dir):
    async def scenario():
        service = _service(data_dir)
        try:
            first = asyncio.ensure_future(service.invoke("OneAtATime", b"{}", throttle=True))
            await asyncio.sleep(0.2)  # the first holds the only environment
            with pytest.raises(FunctionThrottled):
                await service.invoke("OneAtATime", b"{}", throttle=True)
            waited = await service.invoke("OneAtATime", b"{}")  # an asynchronous caller waits instead
            return await first, waited
        finally:
            await service.close()

    first, waited = asyncio.run(scenario())
    assert first.function_error is None and waited.function_error is None


def test_invoke_api_answers_429(data_dir):
    async def scenario():
        service = _service(data_dir)
        api = LambdaInvokeApi(service, region="us-east-1", account_id="123456789012")
        target = "/2015-03-31/functions/OneAtATime/invocations"
        try:
            first = asyncio.ensure_future(api.handle("POST", target, {}, b"{}"))
            await asyncio.sleep(0.2)
            second = await api.handle("POST", target, {}, b"{}")
            return await first, second
        finally:
            await service.close()

    (status, _, _), (second_status, headers, body) = asyncio.run(scenario())
    assert status == 200 and second_status == 429
    assert headers["x-amzn-ErrorType"] == "TooManyRequestsException"
    assert json.loads(body) == {
        "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
        "Type": "User",
        "message": "Rate Exceeded.",
    }
