"""Composition root: builds every layer from a Config, owns start-up and shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import secrets
import sys
import time
import typing as t
from pathlib import Path

from serverlite.config import Config
from serverlite.embedded_dynamodb import (
    DynamoDBProcess,
    Spawning,
    StartupError,
    allowed_origins,
    spawn_dynamodb,
)
from serverlite.embedded_dynamodb import say as _say
from serverlite.endpoint_policy import DYNAMODB_EXPOSURE, EndpointPolicy, exposure_warning
from serverlite.gateway.support import unsupported_features
from serverlite.iam.registry import CREDENTIALS_FILE, write_registry
from serverlite.lifecycle import Shutdown
from serverlite.logs.store import LogStore
from serverlite.runtime.compatibility import UnsupportedRuntime, runtime_warning
from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.images import ImagePreparer, Images, prepare_images
from serverlite.runtime.invoker import InvocationResult, Invoker
from serverlite.runtime.lambda_service import LambdaService, terminal_output
from serverlite.runtime.worker import OutputSink
from serverlite.template.iam import role_sessions
from serverlite.template.load import load_application
from serverlite.template.model import Application, Function, HttpApi, Table

if t.TYPE_CHECKING:  # imported where used: a start imports them while the first workers initialise
    from serverlite.aws_endpoint import AwsEndpoint
    from serverlite.console import ConsoleState
    from serverlite.gateway.gateway import Gateway, TestInvokeResult
    from serverlite.gateway.server import GatewayServer
    from serverlite.gateway.v2.gateway import HttpGateway

__all__ = ["DynamoDBProcess", "StartupError", "invoke_once", "serve", "test_invoke_once"]


async def serve(config: Config, *, stop: asyncio.Event, dynamodb: Spawning | None = None) -> None:
    """Run the application of `config.template` until `stop` is set (`lifecycle.run_until_stopped` sets it
    on SIGINT/SIGTERM). `dynamodb`: the embedded DynamoDB server, if the caller started it already."""
    started = time.monotonic()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    async with contextlib.AsyncExitStack() as stack:
        # The DynamoDB server boots in its own process while this one reads the template.
        booting = asyncio.ensure_future(_start_dynamodb(config, stack, dynamodb))
        stack.push_async_callback(_cancel, booting)
        application = await asyncio.to_thread(_load, config)
        _write_iam_credentials(application, config)
        _check_runtimes(application, config)
        _check_support(application, config)
        preparer = ImagePreparer(config.data_dir, _say)
        images = await asyncio.to_thread(prepare_images, application.functions.values(), preparer)
        log_warning = _LogWriteWarning(config.data_dir / "logs")
        store = LogStore(config.data_dir / "logs", on_flush_error=log_warning)
        stack.callback(store.close)

        async def start_runtime(dynamodb_url: str, aws_url: str) -> LambdaService:
            runtime = LambdaService(
                application.functions,
                _runtime_settings(config, dynamodb_url, aws_url),
                output=_log_sink(store, log_warning),
                images=images.images,
                failures=images.failures,
                rebuild=preparer.image,
            )
            runtime.start()
            _on_stop(stack, "the Lambda runtime", runtime.close)
            if config.prewarm:
                # Warm environments by the first request, as Lambda's proactive initialisation: they start
                # now and initialise while the rest of serverlite starts (on the other cores).
                await runtime.prewarm()
            return runtime

        # With fixed ports the functions' endpoints are known now: their environments start before the
        # rest of serverlite is even imported.
        early_urls = _known_urls(config)
        runtime = await start_runtime(*early_urls) if early_urls else None
        from serverlite.aws_endpoint import AwsEndpoint
        from serverlite.console import ConsoleState, RecentInvocations
        from serverlite.gateway.front import GatewayFront
        from serverlite.gateway.server import GatewayServer
        from serverlite.logs.cloudwatch import CloudWatchLogsServer
        from serverlite.runtime.invoke_api import LambdaInvokeApi

        logs = CloudWatchLogsServer(store, region=config.region, account_id=config.account_id)
        aws = AwsEndpoint(
            None,
            logs,
            config.host,
            config.aws_port,
            credentials=config.data_dir / CREDENTIALS_FILE,
            region=config.region,
            account_id=config.account_id,
            policy=_endpoint_policy(config),
        )
        await _listen(aws, "Lambda and Logs endpoint", config.host, config.aws_port)
        _on_stop(stack, "the Lambda and Logs endpoint", aws.close)
        aws_url = f"http://{config.host}:{aws.port}"
        dynamodb_url = await booting
        if runtime is None:
            runtime = await start_runtime(dynamodb_url, aws_url)
        await _create_tables(application.tables, dynamodb_url, config.region)
        await _start_event_sources(application, config, runtime, dynamodb_url, stack)
        aws.lambda_api = LambdaInvokeApi(runtime, region=config.region, account_id=config.account_id)
        recent = RecentInvocations()
        gateway = _gateway(application, config, recent.wrap(runtime), store)
        _on_stop(stack, "the gateway", gateway.close)  # after the server has stopped: its HTTP client session
        http_gateway = _http_gateway(application, config, recent.wrap(runtime), store)
        spread = config.gateway_processes > 1
        server = GatewayServer(
            GatewayFront(gateway, http_gateway), config.host, config.port, reuse_port=spread
        )
        await _listen(server, "Gateway", config.host, config.port)
        _on_stop(stack, "the gateway server", server.close)
        if spread:
            await _gateway_processes(application, config, recent.wrap(runtime), store, server, stack)
        gateway_url = f"http://{config.host}:{server.port}"
        url_ports = await _serve_function_urls(application, config, recent.wrap(runtime), stack)
        console_state = ConsoleState(
            application=application,
            invoke=runtime.invoke,
            test_invoke=gateway.test_invoke,
            warm_count=lambda name: runtime.pool(name).warm,
            dynamodb_url=dynamodb_url,
            logs=store,
            gateway_url=gateway_url,
            recent=recent,
            test_invoke_http=http_gateway.test_invoke,
            function_urls={name: f"http://{config.host}:{port}/" for name, port in url_ports.items()},
        )
        console_url = await _serve_console(console_state, config, stack)
        _announce(
            application,
            config,
            _Endpoints(server.port, dynamodb_url, aws_url, console_url, url_ports),
            time.monotonic() - started,
        )
        stack.callback(_say, "Stopping ...")
        await stop.wait()


def _known_urls(config: Config) -> tuple[str, str] | None:
    """(DynamoDB URL, Lambda/Logs URL) when both are known before the servers listen: fixed ports."""
    if not config.aws_port or not (config.dynamodb_endpoint or config.dynamodb_port):
        return None
    dynamodb = config.dynamodb_endpoint or f"http://{config.host}:{config.dynamodb_port}"
    return dynamodb, f"http://{config.host}:{config.aws_port}"


async def _start_event_sources(
    application: Application,
    config: Config,
    runtime: LambdaService,
    dynamodb_url: str,
    stack: contextlib.AsyncExitStack,
) -> None:
    """Stream pollers (positioned before Ready, so no later write is missed) and schedule timers."""
    from serverlite.runtime.event_sources import EventSources, StreamsError
    from serverlite.runtime.schedules import ScheduleError, Schedules

    try:
        schedules = Schedules(
            application.schedules, runtime, region=config.region, account_id=config.account_id
        )
    except (ScheduleError, ValueError) as error:
        raise StartupError(f"{config.template}: {error}") from None
    event_sources = EventSources(
        application.event_sources, runtime, dynamodb_url, config.data_dir / "event_sources", log=_say
    )
    _on_stop(stack, "the event source pollers", event_sources.close)
    try:
        await event_sources.start()
    except StreamsError as error:
        raise StartupError(f"Event source mappings: {error}") from None
    schedules.start()
    _on_stop(stack, "the schedules", schedules.close)


def _gateway(application: Application, config: Config, invoker: Invoker, store: LogStore) -> Gateway:
    from serverlite.gateway.cognito import JwksError
    from serverlite.gateway.gateway import Gateway
    from serverlite.gateway.iam import CredentialsError

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


def _http_gateway(application: Application, config: Config, invoker: Invoker, store: LogStore) -> HttpGateway:
    from serverlite.gateway.cognito import JwksError
    from serverlite.gateway.iam import CredentialsError
    from serverlite.gateway.v2.gateway import HttpGateway

    try:
        return HttpGateway(
            application.http_apis,
            invoker,
            account_id=config.account_id,
            region=config.region,
            logs=store,
            jwks_files=config.jwks,
            credentials_file=config.credentials,
        )
    except (JwksError, CredentialsError) as error:
        raise StartupError(str(error)) from None


async def _gateway_processes(
    application: Application,
    config: Config,
    invoker: Invoker,
    store: LogStore,
    server: GatewayServer,
    stack: contextlib.AsyncExitStack,
) -> None:
    """`--gateway-processes N`: N processes serve the gateway port, this one only until they do; the
    functions they invoke run here, in the one runtime."""
    from serverlite.gateway.processes import GatewayProcesses, GatewaySetup, single_process_reason

    setup = GatewaySetup(
        rest_apis=tuple(application.rest_apis),
        http_apis=tuple(application.http_apis),
        usage_plans=tuple(application.usage_plans),
        api_keys=tuple(application.api_keys),
        account_id=config.account_id,
        region=config.region,
        host=config.host,
        port=server.port,
        vpcs=dict(config.vpcs),
        jwks_files=dict(config.jwks),
        credentials_file=config.credentials,
    )
    reason = single_process_reason(setup)
    if reason is not None:
        _say(f"Gateway processes: 1 ({reason})")
        return
    processes = GatewayProcesses(config.gateway_processes, setup, invoker, store)
    _on_stop(stack, "the gateway processes", processes.close)
    started = await processes.start()
    if started == config.gateway_processes:
        server.stop_accepting()
        _say(f"Gateway processes: {started}")
    else:
        _say(f"Gateway processes: {started} of {config.gateway_processes}, and this one")


async def _serve_function_urls(
    application: Application, config: Config, invoker: Invoker, stack: contextlib.AsyncExitStack
) -> dict[str, int]:
    """One server per function URL, on `--function-url-port` and the next ports (0: free ports)."""
    from serverlite.gateway.iam import CredentialsError
    from serverlite.gateway.server import GatewayServer
    from serverlite.gateway.v2.function_urls import FunctionUrlGateway

    ports: dict[str, int] = {}
    for index, url in enumerate(application.function_urls):
        try:
            core = FunctionUrlGateway(
                url,
                invoker,
                account_id=config.account_id,
                region=config.region,
                credentials_file=config.credentials,
            )
        except CredentialsError as error:
            raise StartupError(str(error)) from None
        port = config.function_url_port + index if config.function_url_port else 0
        server = GatewayServer(core, config.host, port)
        await _listen(server, f"Function URL {url.logical_id}", config.host, port)
        _on_stop(stack, f"the function URL {url.logical_id}", server.close)
        ports[url.logical_id] = server.port
    return ports


async def _serve_console(state: ConsoleState, config: Config, stack: contextlib.AsyncExitStack) -> str:
    """Serve the console; its URL as printed, with the token that its API asks for."""
    from serverlite.console import serve_console

    token = secrets.token_urlsafe(24) if config.console_token else None
    try:
        runner, port = await serve_console(
            state, config.host, config.console_port, token=token, policy=_endpoint_policy(config)
        )
    except OSError as error:
        raise StartupError(
            f"Console cannot listen on {config.host}:{config.console_port}: {error.strerror}"
        ) from None
    _on_stop(stack, "the console", runner.cleanup)
    return f"http://{config.host}:{port}/" + (f"?token={token}" if token else "")


def _endpoint_policy(config: Config) -> EndpointPolicy:
    """The Host and Origin rules of serverlite's own endpoints (never of the user's APIs)."""
    return EndpointPolicy.create(config.host, config.allowed_hosts, allowed_origins(config))


# Each service gets this long to stop; one that takes longer is cut short and named.
_SHUTDOWN = Shutdown(seconds=10.0, report=_say)


def _on_stop(stack: contextlib.AsyncExitStack, name: str, close: t.Callable[[], t.Awaitable[t.Any]]) -> None:
    stack.push_async_callback(_SHUTDOWN.close, name, close)


async def _cancel(task: asyncio.Future[t.Any]) -> None:
    if not task.done():
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def _start_dynamodb(config: Config, stack: contextlib.AsyncExitStack, early: Spawning | None) -> str:
    if config.dynamodb_endpoint:
        return config.dynamodb_endpoint
    dynamodb = await (early or spawn_dynamodb(config)).ready()
    _on_stop(stack, "the DynamoDB server", dynamodb.stop)
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
        cache_dir=config.data_dir / "cache",
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
    from serverlite.gateway.gateway import Gateway
    from serverlite.gateway.v2.gateway import HttpGateway

    application = _load(config)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    runtime = _stderr_runtime(config, application.functions)
    gateway = Gateway(application.rest_apis, runtime, account_id=config.account_id)
    http = HttpGateway(application.http_apis, runtime, account_id=config.account_id, region=config.region)
    try:
        if http.has_api(api) and not (api is None and application.rest_apis):
            return await http.test_invoke(method, path, query=query, headers=headers, body=body, api_id=api)
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


@dataclasses.dataclass(frozen=True)
class _Endpoints:
    """Where the started services listen."""

    port: int
    dynamodb: str
    aws: str
    console: str
    url_ports: t.Mapping[str, int]


def _announce(application: Application, config: Config, endpoints: _Endpoints, seconds: float) -> None:
    base = f"http://{config.host}:{endpoints.port}"
    _say(f"Gateway: {base}")
    for api in application.rest_apis:
        for stage in api.stages:
            _say(f"  {api.name} ({api.id}) stage {stage}: {base}/{stage}/")
    for http_api in application.http_apis:
        _announce_http_api(http_api, base, config.host, endpoints.port)
    for url in application.function_urls:
        function = application.functions[url.function]
        _say(
            f"Function URL {url.logical_id} ({function.name}): http://{config.host}:{endpoints.url_ports[url.logical_id]}/"
        )
    _say(f"DynamoDB: {endpoints.dynamodb}")
    _say(f"Lambda: {endpoints.aws}")
    _say(f"Logs: {endpoints.aws}")
    _say(f"Console: {endpoints.console}")
    for key in application.api_keys:
        _say(f"API key {key.name}: {key.value}")
    for note in application.not_emulated:
        _say(note)
    reachable = [
        (base, "your APIs, with the access control the template declares"),
        (endpoints.dynamodb, DYNAMODB_EXPOSURE),
        (endpoints.aws, "invoke any function and read every log group, without credentials"),
        (endpoints.console.partition("?")[0], "the console, for whoever has its URL with the token"),
    ]
    reachable += [
        (
            f"http://{config.host}:{port}",
            f"function URL {logical_id}, with the AuthType the template declares",
        )
        for logical_id, port in endpoints.url_ports.items()
    ]
    if config.dynamodb_endpoint:
        reachable.pop(1)
    for line in exposure_warning(config.host, reachable):
        _say(line)
    for url in application.function_urls:
        if url.invoke_mode == "RESPONSE_STREAM":
            _say(
                f"Not emulated: {url.logical_id} InvokeMode RESPONSE_STREAM "
                "(answered buffered: Python handlers return whole responses)"
            )
    _say(f"Started in {seconds:.2f} s")
    _say("Ready")


def _announce_http_api(api: HttpApi, base: str, host: str, port: int) -> None:
    """`$default` is served at the root, other stages under their name; `<id>.execute-api.localhost` picks
    the API when several share the root."""
    for stage in api.stages:
        where = f"{base}/" if stage == "$default" else f"{base}/{stage}/"
        _say(f"  {api.name} ({api.id}, HTTP API) stage {stage}: {where}")
    if api.disable_execute_api_endpoint:
        _say(
            f"  {api.name} ({api.id}): DisableExecuteApiEndpoint: "
            f"http://{api.id}.execute-api.localhost:{port}/ answers 403 as AWS's default endpoint does; "
            "the URLs above stand for its custom domain"
        )
    if not api.stages:
        _say(f"  {api.name} ({api.id}, HTTP API) has no stage: not served")


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
