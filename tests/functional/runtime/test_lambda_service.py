"""The Lambda runtime with real awslambdaric workers: results, errors, timeouts, crashes, reuse."""

from __future__ import annotations

import asyncio
import json

from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.lambda_service import LambdaService

from ..conftest import make_function


def _run(functions, data_dir, scenario, **settings):
    lines: list[str] = []

    async def main():
        service = LambdaService(
            {f.logical_id: f for f in functions},
            RuntimeSettings(data_dir=data_dir, **settings),
            output=lambda fn, stream, line: lines.append(f"{fn.name}|{stream}|{line}"),
        )
        try:
            return await scenario(service)
        finally:
            await service.close()

    return asyncio.run(main()), lines


def test_result_context_and_environment(data_dir):
    fn = make_function(
        "handlers.echo",
        name="Echo",
        memory_size=256,
        environment={"GREETING": "hello", "AWS_REGION": "template-cannot-override"},
    )

    async def scenario(service):
        return await service.invoke("Echo", b'{"k": "v"}')

    result, lines = _run([fn], data_dir, scenario, region="eu-west-1")
    assert result.function_error is None
    body = json.loads(json.loads(result.payload)["body"])
    assert body["event"] == {"k": "v"}
    assert body["function_name"] == "Echo"
    assert body["memory_limit_in_mb"] == "256"
    assert body["invoked_function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:Echo"
    assert body["aws_request_id"] == result.request_id
    assert body["log_group_name"] == "/aws/lambda/Echo"
    assert 0 < body["remaining_ms"] <= 3000
    env = body["env"]
    assert env["GREETING"] == "hello"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "Echo"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["_HANDLER"] == "handlers.echo"
    assert env["TZ"] == ":UTC" and env["LANG"] == "en_US.UTF-8"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == body["log_stream_name"]
    assert body["log_stream_name"].count("/") == 3 and "[$LATEST]" in body["log_stream_name"]
    init = [line.split("|", 2)[2] for line in lines if "|INIT_START " in line]
    assert len(init) == 1 and init[0].startswith("INIT_START Runtime Version: python:3.12.")
    assert "\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:" in init[0]
    reports = [line for line in lines if "|REPORT RequestId: " in line]
    assert len(reports) == 1 and "Init Duration: " in reports[0] and "Memory Size: 256 MB" in reports[0]
    assert any(line.endswith(f"|START RequestId: {result.request_id} Version: $LATEST") for line in lines)


def test_warm_environment_is_reused(data_dir):
    fn = make_function("handlers.echo", name="Echo")

    async def scenario(service):
        results = [await service.invoke("Echo", b"{}") for _ in range(3)]
        return [json.loads(json.loads(r.payload)["body"])["pid"] for r in results], service.pool("Echo").warm

    (pids, warm), lines = _run([fn], data_dir, scenario)
    assert len(set(pids)) == 1 and warm == 1
    assert sum("Init Duration" in line for line in lines) == 1


def test_concurrent_invocations_get_their_own_environments(data_dir):
    fn = make_function("handlers.sleep", name="Sleeper")

    async def scenario(service):
        return await asyncio.gather(*(service.invoke("Sleeper", b'{"seconds": 0.5}') for _ in range(3)))

    results, _ = _run([fn], data_dir, scenario)
    assert [json.loads(r.payload)["body"] for r in results] == ["slept"] * 3


def test_unhandled_error_payload(data_dir):
    fn = make_function("handlers.fail", name="Fail")

    async def scenario(service):
        return await service.invoke("Fail", b"{}")

    result, lines = _run([fn], data_dir, scenario)
    assert result.function_error == "Unhandled"
    payload = json.loads(result.payload)
    assert list(payload) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (payload["errorMessage"], payload["errorType"], payload["requestId"]) == (
        "boom",
        "ValueError",
        result.request_id,
    )
    assert any(
        line.endswith("|[ERROR] ValueError: boom\rTraceback (most recent call last):")
        or "[ERROR] ValueError: boom" in line
        for line in lines
    )


def test_timeout_kills_and_replaces_the_environment(data_dir):
    fn = make_function("handlers.sleep", name="Sleeper", timeout=1)

    async def scenario(service):
        first = await service.invoke("Sleeper", b'{"seconds": 5}')
        second = await service.invoke("Sleeper", b'{"seconds": 0}')
        return first, second

    (first, second), lines = _run([fn], data_dir, scenario)
    payload = json.loads(first.payload)
    assert payload["errorType"] == "Sandbox.Timedout"
    assert payload["errorMessage"].startswith(
        f"RequestId: {first.request_id} Error: Task timed out after 1.0"
    )
    assert payload["errorMessage"].endswith(" seconds")
    assert first.function_error == "Unhandled"
    assert second.function_error is None and json.loads(second.payload)["body"] == "slept"
    assert any(f"{first.request_id} Task timed out after 1.0" in line for line in lines)
    report = next(line for line in lines if f"REPORT RequestId: {first.request_id}" in line)
    assert "Max Memory Used: 0 MB" not in report and "Max Memory Used: " in report


def test_crash_is_an_exit_error_and_next_invocation_succeeds(data_dir):
    crash = make_function("handlers.crash", name="Crash")

    async def scenario(service):
        crashed = await service.invoke("Crash", b'{"crash": true}')
        return crashed, await service.invoke("Crash", b"{}")

    (result, after), _ = _run([crash], data_dir, scenario)
    assert after.function_error is None and json.loads(after.payload)["body"] == "alive"
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {result.request_id} Error: Runtime exited with error: exit status 3",
    }


def test_import_error_is_reported_as_lambda_does(data_dir):
    fn = make_function("broken_import.handler", name="Broken")

    async def scenario(service):
        return await service.invoke("Broken", b"{}")

    result, _ = _run([fn], data_dir, scenario)
    payload = json.loads(result.payload)
    assert result.error_type == payload["errorType"] == "Runtime.ImportModuleError"
    assert payload["errorMessage"] == (
        "Unable to import module 'broken_import': No module named 'module_that_does_not_exist'"
    )


def test_missing_handler_function(data_dir):
    fn = make_function("handlers.nope", name="Nope")

    async def scenario(service):
        return await service.invoke("Nope", b"{}")

    result, _ = _run([fn], data_dir, scenario)
    payload = json.loads(result.payload)
    assert payload["errorType"] == "Runtime.HandlerNotFound"
    assert payload["errorMessage"] == "Handler 'nope' missing on module 'handlers'"


def test_output_printed_before_the_result_comes_before_report(data_dir):
    """The output pipe and the Runtime API race; on Lambda the function's lines precede REPORT, and
    LogType=Tail's log holds them all (issue 14: a loaded machine read the result first)."""
    fn = make_function("handlers.chatty", name="Chatty")

    async def scenario(service):
        return [await service.invoke("Chatty", b'{"lines": 3000}') for _ in range(3)]

    results, lines = _run([fn], data_dir, scenario)
    messages = [line.split("|", 2)[2] for line in lines]
    reports = [i for i, message in enumerate(messages) if message.startswith("REPORT RequestId:")]
    assert len(reports) == 3
    for result, report, start in zip(results, reports, [-1, *reports[:-1]], strict=True):
        printed = [m for m in messages[start + 1 : report] if m.startswith("line ")]
        assert printed == [f"line {n} " + "x" * 100 for n in range(3000)]
        assert [m for m in result.log if m.startswith("line ")] == printed
        assert result.log[-1].startswith("REPORT RequestId:")


def test_init_output_comes_before_start_and_handler_output_after(data_dir):
    """On Lambda a function's log reads INIT_START, what INIT printed, START, what the handler printed,
    END, REPORT; the event is delivered only once START is written, so no line lands on the wrong side."""
    fn = make_function("noisy_init.handler", name="Noisy")

    async def scenario(service):
        return await service.invoke("Noisy", b"{}")

    result, lines = _run([fn], data_dir, scenario)
    order = [
        line.split("|", 2)[2].split(" ", 1)[0]
        if "RequestId" in line or "INIT_START" in line
        else line.split("|", 2)[2]
        for line in lines
    ]
    assert order == ["INIT_START", "printed during init", "START", "printed by the handler", "END", "REPORT"]
    assert [line.split(" ", 1)[0] for line in result.log] == ["START", "printed", "END", "REPORT"]


def test_init_longer_than_the_init_limit_fails_the_invocation(data_dir):
    fn = make_function("slow_init.handler", name="SlowInit")

    async def scenario(service):
        return await service.invoke("SlowInit", b"{}")

    result, _ = _run([fn], data_dir, scenario, init_timeout=1.0)
    assert (result.function_error, result.error_type) == ("Unhandled", "Runtime.ExitError")
    assert (
        result.error_message
        == f"RequestId: {result.request_id} Error: Runtime exited with error: signal: killed"
    )


def test_prewarmed_environment_answers_its_first_invocation_warm(data_dir):
    """Lambda's proactive initialisation: an environment initialised before any invocation serves the
    first one without INIT (no Init Duration in its REPORT); without prewarm the first one is cold."""
    fn = make_function("handlers.echo", name="Warm")

    async def prewarmed(service):
        await service.prewarm()
        (env,) = service.pool("Warm")._idle
        assert await env.initialized(30)
        return await service.invoke("Warm", b"{}")

    async def cold(service):
        return await service.invoke("Warm", b"{}")

    warm_result, warm_lines = _run([fn], data_dir, prewarmed)
    cold_result, _ = _run([fn], data_dir, cold)
    assert warm_result.function_error is None and warm_result.init_duration_ms is None
    assert "Init Duration" not in warm_result.log[-1]
    assert [line.split("|", 2)[2].split(" ", 1)[0] for line in warm_lines][:2] == ["INIT_START", "START"]
    assert cold_result.init_duration_ms is not None and "Init Duration" in cold_result.log[-1]
