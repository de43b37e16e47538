"""Composition root: builds every layer from a Config, owns start-up and shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import signal
import sys
import time
import typing as t
from pathlib import Path

from serverlite.aws_endpoint import AwsEndpoint
from serverlite.children import die_with_parent
from serverlite.config import Config
from serverlite.console import ConsoleState, RecentInvocations, serve_console
from serverlite.gateway.cognito import JwksError
from serverlite.gateway.gateway import Gateway, TestInvokeResult
from serverlite.gateway.iam import CredentialsError
from serverlite.gateway.server import GatewayServer
from serverlite.gateway.support import unsupported_features
from serverlite.iam.registry import CREDENTIALS_FILE, write_registry
from serverlite.logs.cloudwatch import CloudWatchLogsServer
from serverlite.logs.store import LogStore
from serverlite.runtime.compatibility import UnsupportedRuntime, runtime_warning
from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.event_sources import EventSources, StreamsError
from serverlite.runtime.images import ImagePreparer, Images, prepare_images
from serverlite.runtime.invoke_api import LambdaInvokeApi
from serverlite.runtime.invoker import InvocationResult, Invoker
from serverlite.runtime.lambda_service import LambdaService, terminal_output
from serverlite.runtime.schedules import ScheduleError, Schedules
from serverlite.runtime.worker import OutputSink
from serverlite.template.iam import role_sessions
from serverlite.template.load import load_application
from serverlite.template.model import Application, Function, Table

__all__ = ["DynamoDBProcess", "StartupError", "invoke_once", "serve", "test_invoke_once"]


class StartupError(Exception):
    """A service could not start; the message says which and why."""


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class DynamoDBProcess:
    """The embedded DynamoDB server, run as `serverlite dynamodb` in a child process.

    The child is supervised: when it fails without `stop` having been called (killed, crashed), it is
    started again on the same port and data dir, so the functions' endpoint stays valid; requests in the
    gap fail as connection errors, and SQLite's journal recovery keeps every acknowledged write.
    """

    def __init__(self, process: asyncio.subprocess.Process, url: str, host: str, data_dir: Path) -> None:
        self._process = process
        self.url = url
        self._host = host
        self._port = int(url.rsplit(":", 1)[1].rstrip("/"))  # the port actually bound (useful with port 0)
        self._data_dir = data_dir
        self._stopping = False
        #: How many times the child was started again after an unexpected exit.
        self.restarts = 0
        self._pump = asyncio.ensure_future(self._forward_output(process))
        self._supervisor = asyncio.ensure_future(self._supervise())

    @classmethod
    async def start(cls, host: str, port: int, data_dir: Path, timeout: float = 30.0) -> DynamoDBProcess:
        """Spawn the server and wait for its `Ready` line."""
        process, url = await cls._launch(host, port, data_dir, timeout)
        return cls(process, url, host, data_dir)

    @classmethod
    async def _launch(
        cls, host: str, port: int, data_dir: Path, timeout: float
    ) -> tuple[asyncio.subprocess.Process, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "serverlite",
            "dynamodb",
            "--host",
            host,
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
        try:
            url, seen = await cls._wait_ready(process, timeout)
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise
        if url is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise StartupError("DynamoDB server did not start:\n" + "\n".join(seen[-20:]))
        return process, url

    @staticmethod
    async def _wait_ready(
        process: asyncio.subprocess.Process, timeout: float
    ) -> tuple[str | None, list[str]]:
        assert process.stdout is not None
        url: str | None = None
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                raw = await asyncio.wait_for(process.stdout.readline(), max(remaining, 0.01))
            except TimeoutError:
                return None, seen + ["(timed out waiting for Ready)"]
            if not raw:
                return None, seen
            line = raw.decode("utf-8", errors="replace").rstrip()
            seen.append(line)
            if line.startswith("DynamoDB: "):
                url = line.split(" ", 1)[1]
            elif line == "Ready" and url is not None:
                return url, seen

    @staticmethod
    async def _forward_output(process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            _say("[dynamodb] " + raw.decode("utf-8", errors="replace").rstrip())

    async def _supervise(self) -> None:
        """Start the child again, on the same port and data dir, whenever it exits unexpectedly."""
        while True:
            code = await self._process.wait()
            await asyncio.gather(self._pump, return_exceptions=True)
            if self._stopping:
                return
            if code == 0:  # it was told to stop (a signal to the whole process group, as Ctrl-C sends)
                _say("DynamoDB server stopped; not restarting it")
                return
            _say(
                f"DynamoDB server exited unexpectedly (code {code}); "
                f"restarting it on port {self._port} with {self._data_dir}"
            )
            self._process = await self._relaunch()
            self._pump = asyncio.ensure_future(self._forward_output(self._process))
            self.restarts += 1
            _say(f"DynamoDB server restarted: {self.url}")

    async def _relaunch(self) -> asyncio.subprocess.Process:
        """Retry with backoff (the port may still be held for a moment, the disk may be full)."""
        delay = 0.1
        while True:
            try:
                process, _ = await self._launch(self._host, self._port, self._data_dir, 30.0)
            except (StartupError, OSError) as error:
                _say(f"DynamoDB server did not restart, retrying in {delay:.1f} s: {error}")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            else:
                return process

    async def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM, then SIGKILL if it does not exit in time; no restart after this."""
        self._stopping = True
        if not self._supervisor.done():
            self._supervisor.cancel()
        await asyncio.gather(self._supervisor, return_exceptions=True)
        if self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self._process.wait(), timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self._process.kill()
                await self._process.wait()
        await asyncio.gather(self._pump, return_exceptions=True)


async def serve(config: Config, *, stop: asyncio.Event | None = None) -> None:
    """Run the application of `config.template` until SIGINT/SIGTERM (or `stop` is set)."""
    started = time.monotonic()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    stop = stop or asyncio.Event()
    _install_signal_handlers(stop)
    async with contextlib.AsyncExitStack() as stack:
        # The DynamoDB server boots in its own process while this one reads the template.
        dynamodb = asyncio.ensure_future(_start_dynamodb(config, stack))
        stack.push_async_callback(_cancel, dynamodb)
        application = await asyncio.to_thread(_load, config)
        _write_iam_credentials(application, config)
        _check_runtimes(application, config)
        _check_support(application, config)
        preparer = ImagePreparer(config.data_dir, _say)
        images = await asyncio.to_thread(prepare_images, application.functions.values(), preparer)
        dynamodb_url = await dynamodb
        await _create_tables(application.tables, dynamodb_url, config.region)
        log_warning = _LogWriteWarning(config.data_dir / "logs")
        store = LogStore(config.data_dir / "logs", on_flush_error=log_warning)
        stack.callback(store.close)
        logs = CloudWatchLogsServer(store, region=config.region, account_id=config.account_id)
        aws = AwsEndpoint(
            None,
            logs,
            config.host,
            config.aws_port,
            credentials=config.data_dir / CREDENTIALS_FILE,
            region=config.region,
            account_id=config.account_id,
        )
        await _listen(aws, "Lambda and Logs endpoint", config.host, config.aws_port)
        stack.push_async_callback(aws.close)
        aws_url = f"http://{config.host}:{aws.port}"
        runtime = LambdaService(
            application.functions,
            _runtime_settings(config, dynamodb_url, aws_url),
            output=_log_sink(store, log_warning),
            images=images.images,
            failures=images.failures,
            rebuild=preparer.image,
        )
        runtime.start()
        stack.push_async_callback(runtime.close)
        await _start_event_sources(application, config, runtime, dynamodb_url, stack)
        aws.lambda_api = LambdaInvokeApi(runtime, region=config.region, account_id=config.account_id)
        recent = RecentInvocations()
        gateway = _gateway(application, config, recent.wrap(runtime), store)
        stack.push_async_callback(gateway.close)  # after the server has stopped: its HTTP client session
        server = GatewayServer(gateway, config.host, config.port)
        await _listen(server, "Gateway", config.host, config.port)
        stack.push_async_callback(server.close)
        gateway_url = f"http://{config.host}:{server.port}"
        console_state = ConsoleState(
            application=application,
            invoke=runtime.invoke,
            test_invoke=gateway.test_invoke,
            warm_count=lambda name: runtime.pool(name).warm,
            dynamodb_url=dynamodb_url,
            logs=store,
            gateway_url=gateway_url,
            recent=recent,
        )
        console_url = await _serve_console(console_state, config, stack)
        _announce(
            application, config, server.port, dynamodb_url, aws_url, console_url, time.monotonic() - started
        )
        stack.callback(_say, "Stopping ...")
        await stop.wait()


async def _start_event_sources(
    application: Application,
    config: Config,
    runtime: LambdaService,
    dynamodb_url: str,
    stack: contextlib.AsyncExitStack,
) -> None:
    """Stream pollers (positioned before Ready, so no later write is missed) and schedule timers."""
    try:
        schedules = Schedules(
            application.schedules, runtime, region=config.region, account_id=config.account_id
        )
    except (ScheduleError, ValueError) as error:
        raise StartupError(f"{config.template}: {error}") from None
    event_sources = EventSources(
        application.event_sources, runtime, dynamodb_url, config.data_dir / "event_sources", log=_say
    )
    stack.push_async_callback(event_sources.close)
    try:
        await event_sources.start()
    except StreamsError as error:
        raise StartupError(f"Event source mappings: {error}") from None
    schedules.start()
    stack.push_async_callback(schedules.close)


def _gateway(application: Application, config: Config, invoker: Invoker, store: LogStore) -> Gateway:
    try:
        return Gateway(
            application.rest_apis,
            invoker,
            account_id=config.account_id,
            region=config.region,
            logs=store,
            vpcs=config.vpcs,
            usage_plans=application.usage_plans,
            api_keys=application.api_keys,
            jwks_files=config.jwks,
            credentials_file=config.credentials,
        )
    except (JwksError, CredentialsError) as error:
        raise StartupError(str(error)) from None


async def _serve_console(state: ConsoleState, config: Config, stack: contextlib.AsyncExitStack) -> str:
    try:
        runner, port = await serve_console(state, config.host, config.console_port)
    except OSError as error:
        raise StartupError(
            f"Console cannot listen on {config.host}:{config.console_port}: {error.strerror}"
        ) from None
    stack.push_async_callback(runner.cleanup)
    return f"http://{config.host}:{port}"


async def _cancel(task: asyncio.Future[t.Any]) -> None:
    if not task.done():
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def _start_dynamodb(config: Config, stack: contextlib.AsyncExitStack) -> str:
    if config.dynamodb_endpoint:
        return config.dynamodb_endpoint
    dynamodb = await DynamoDBProcess.start(config.host, config.dynamodb_port, config.data_dir)
    stack.push_async_callback(dynamodb.stop)
    return dynamodb.url


def _write_iam_credentials(application: Application, config: Config) -> None:
    """The credentials map (function role sessions and their policies) the DynamoDB server checks calls
    against; it reads `<data dir>/iam/credentials.json` by convention and re-reads it when it changes.
    With `record_access` it also appends what each function's calls used to `<data dir>/iam/access.jsonl`."""
    sessions, policies = role_sessions(application.functions.values(), application.roles)
    write_registry(
        config.data_dir / CREDENTIALS_FILE,
        sessions,
        policies,
        mode=config.iam_mode,
        record=config.record_access,
    )


class _LogWriteWarning:
    """Says once that logs cannot be written (a full disk must not turn an answer into an error)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._said = False

    def __call__(self, error: OSError) -> None:
        if not self._said:
            self._said = True
            _say(f"Warning: cannot write function logs to {self._root}: {error.strerror}")


def _log_sink(store: LogStore, warn: _LogWriteWarning) -> OutputSink:
    """Function output goes to the terminal and to the function's log group, one event per line."""

    def sink(function: Function, log_stream: str, line: str) -> None:
        terminal_output(function, log_stream, line)
        try:
            store.append(function.log_group_name, log_stream, [(int(time.time() * 1000), line)])
        except OSError as error:
            warn(error)

    return sink


def _load(config: Config) -> Application:
    return _with_env_vars(_loaded(config), config.env_vars)


def _with_env_vars(application: Application, env_vars: t.Mapping[str, t.Mapping[str, str]]) -> Application:
    """`--env-vars`: as SAM CLI, the file overrides the values of variables the template declares, a
    function's own entry (by logical id, else name) before `Parameters`
    (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-invoke.html)."""
    if not env_vars:
        return application
    functions = {}
    for logical_id, function in application.functions.items():
        own = env_vars.get(logical_id) or env_vars.get(function.name) or {}
        given = {**env_vars.get("Parameters", {}), **own}
        environment = {name: given.get(name, value) for name, value in function.environment.items()}
        functions[logical_id] = dataclasses.replace(function, environment=environment)
    return dataclasses.replace(application, functions=functions)


def _loaded(config: Config) -> Application:
    return load_application(
        config.template,
        region=config.region,
        account_id=config.account_id,
        parameter_overrides=config.parameter_overrides,
        layers=config.layers,
    )


def _stderr_runtime(config: Config, functions: t.Mapping[str, Function]) -> LambdaService:
    endpoint = config.dynamodb_endpoint or f"http://{config.host}:{config.dynamodb_port}"
    settings = dataclasses.replace(_runtime_settings(config, endpoint), hot_reload=False)
    images = _stderr_images(config, functions)
    return LambdaService(
        functions,
        settings,
        output=lambda fn, stream, line: terminal_output(fn, stream, line, stream=sys.stderr),
        images=images.images,
        failures=images.failures,
    )


def _stderr_images(config: Config, functions: t.Mapping[str, Function]) -> Images:
    """The functions' images, their progress on stderr (stdout is the command's answer)."""

    def say(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    return prepare_images(functions.values(), ImagePreparer(config.data_dir, say, announce=False))


async def test_invoke_once(
    config: Config,
    method: str,
    path: str,
    *,
    query: str | None,
    headers: t.Sequence[tuple[str, str]],
    body: bytes,
    api: str | None,
) -> TestInvokeResult:
    """The API console's method Test, against the application's functions; function logs go to stderr."""
    application = _load(config)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    runtime = _stderr_runtime(config, application.functions)
    gateway = Gateway(application.rest_apis, runtime, account_id=config.account_id)
    try:
        return await gateway.test_invoke(method, path, query=query, headers=headers, body=body, api_id=api)
    finally:
        await gateway.close()
        await runtime.close()


async def invoke_once(config: Config, function_name: str, event: bytes) -> InvocationResult:
    """Run one function once, as the Lambda console's Test button does; logs go to stderr."""
    application = _load(config)
    function = application.function_by_name(function_name)
    if function is None:
        names = ", ".join(sorted(f.name for f in application.functions.values()))
        raise StartupError(
            f"{config.template.name}: no function named {function_name!r} (functions: {names})"
        )
    config.data_dir.mkdir(parents=True, exist_ok=True)
    runtime = _stderr_runtime(config, {function.logical_id: function})
    try:
        return await runtime.invoke(function.logical_id, event)
    finally:
        await runtime.close()


def _check_support(application: Application, config: Config) -> None:
    problems = unsupported_features(application.rest_apis)
    if problems:
        raise StartupError(f"{config.template}: " + "\n  ".join(["not supported yet:", *problems]))


def _check_runtimes(application: Application, config: Config) -> None:
    """Only Python runtimes run; which interpreter each uses is said when images are prepared."""
    try:
        for function in application.functions.values():
            runtime_warning(function)
    except UnsupportedRuntime as error:
        raise StartupError(f"{config.template}: {error}") from None


def _runtime_settings(
    config: Config, dynamodb_endpoint: str, aws_endpoint: str | None = None
) -> RuntimeSettings:
    endpoints = {
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint,
        "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": dynamodb_endpoint,
    }
    if aws_endpoint:
        endpoints |= {"AWS_ENDPOINT_URL_LAMBDA": aws_endpoint, "AWS_ENDPOINT_URL_LOGS": aws_endpoint}
    return RuntimeSettings(
        region=config.region,
        account_id=config.account_id,
        data_dir=config.data_dir,
        endpoint_environment=endpoints,
        max_concurrency=config.max_concurrency,
        hot_reload=config.hot_reload,
    )


async def _listen(server: GatewayServer | AwsEndpoint, name: str, host: str, port: int) -> None:
    try:
        await server.start()
    except OSError as error:
        raise StartupError(f"{name} cannot listen on {host}:{port}: {error.strerror}") from None


def _announce(
    application: Application, config: Config, port: int, dynamodb: str, aws: str, console: str, seconds: float
) -> None:
    base = f"http://{config.host}:{port}"
    _say(f"Gateway: {base}")
    for api in application.rest_apis:
        for stage in api.stages:
            _say(f"  {api.name} ({api.id}) stage {stage}: {base}/{stage}/")
    _say(f"DynamoDB: {dynamodb}")
    _say(f"Lambda: {aws}")
    _say(f"Logs: {aws}")
    _say(f"Console: {console}")
    for key in application.api_keys:
        _say(f"API key {key.name}: {key.value}")
    for note in application.not_emulated:
        _say(note)
    _say(f"Started in {seconds:.2f} s")
    _say("Ready")


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)


async def _create_tables(tables: t.Sequence[Table], endpoint: str, region: str) -> None:
    """Create the template's tables that do not exist yet (as a deployment would)."""
    if not tables:
        return
    await asyncio.get_running_loop().run_in_executor(None, _create_tables_sync, tables, endpoint, region)


def _create_tables_sync(tables: t.Sequence[Table], endpoint: str, region: str) -> None:
    import boto3
    import botocore.exceptions

    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="serverlite",
        aws_secret_access_key="serverlite",
    )
    for table in tables:
        try:
            client.create_table(**dict(table.create_table_request))
            _say(f"Created table {table.name}")
        except botocore.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceInUseException":
                raise StartupError(f"Table {table.logical_id} ({table.name}): {error}") from None
        if table.time_to_live_attribute is not None:
            _enable_time_to_live(client, table)


def _enable_time_to_live(client: t.Any, table: Table) -> None:
    """TimeToLiveSpecification: enabled after creation, as CloudFormation does, unless it already is."""
    import botocore.exceptions

    attribute = table.time_to_live_attribute
    try:
        current = client.describe_time_to_live(TableName=table.name)["TimeToLiveDescription"]
        if current.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            if current.get("AttributeName") != attribute:
                _say(
                    f"Warning: table {table.name} keeps Time to Live on {current.get('AttributeName')!r}; "
                    f"the template names {attribute!r} (disable it first, as on AWS)"
                )
            return
        client.update_time_to_live(
            TableName=table.name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute}
        )
    except botocore.exceptions.ClientError as error:
        raise StartupError(f"Table {table.logical_id} ({table.name}): Time to Live: {error}") from None
