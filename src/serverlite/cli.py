"""The `serverlite` command line (click): parses options into a Config and hands over to app."""

from __future__ import annotations

import asyncio
import typing as t
from pathlib import Path

import click

from serverlite import __version__
from serverlite.config import (
    Config,
    parse_env_vars,
    parse_jwks,
    parse_layer,
    parse_parameter_overrides,
    parse_vpc,
)
from serverlite.lifecycle import run_until_stopped, take_over_signals
from serverlite.logs.cli import logs_command

__all__ = ["main"]


def _template_option(*, exists: bool = False) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
    """`--template/-t`, shared by every command that reads the template."""
    return click.option(
        "--template",
        "-t",
        "template",
        default="template.yaml",
        show_default=True,
        type=click.Path(dir_okay=False, exists=exists, path_type=Path),
        help="SAM or CloudFormation template.",
    )


_LAYER_HELP = "A local folder standing in for a layer the template names by ARN (what its zip holds)."
_ENV_HELP = (
    "SAM CLI's env.json: values of the functions' declared variables (per function, `Parameters`: all)."
)


def _exposure_options(function: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """`--allowed-host` and `--allow-origin`: what serverlite's own endpoints answer besides the defaults."""
    function = click.option(
        "--allow-origin",
        "allow_origins",
        multiple=True,
        metavar="ORIGIN",
        help="Let web pages of this origin call the DynamoDB, Lambda and Logs endpoints "
        "(e.g. http://localhost:5173, http://localhost:*, or * for any).",
    )(function)
    return click.option(
        "--allowed-host",
        "allowed_hosts",
        multiple=True,
        metavar="NAME",
        help="Answer requests addressed to this host name too (default: localhost, IP addresses, --host).",
    )(function)


def _endpoint_policy_args(allowed_hosts: tuple[str, ...], allow_origins: tuple[str, ...]) -> None:
    """Check `--allowed-host` and `--allow-origin` values (a usage error names the bad one)."""
    from serverlite.endpoint_policy import parse_allowed_host, parse_origin_pattern

    for name, parse, values in (
        ("--allowed-host", parse_allowed_host, allowed_hosts),
        ("--allow-origin", parse_origin_pattern, allow_origins),
    ):
        for value in values:
            try:
                parse(value)
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint=name) from None


@click.group()
@click.version_option(__version__, prog_name="serverlite")
def main() -> None:
    """Run API Gateway REST APIs, Lambda functions and DynamoDB from a SAM template, on one machine."""
    take_over_signals()


@main.command()
@_template_option()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=3000, show_default=True, type=int, help="Gateway port.")
@click.option("--dynamodb-port", default=8000, show_default=True, type=int, help="Embedded DynamoDB port.")
@click.option(
    "--lambda-port",
    "aws_port",
    default=3001,
    show_default=True,
    type=int,
    help="Port of the Lambda Invoke and CloudWatch Logs APIs.",
)
@click.option("--console-port", default=3002, show_default=True, type=int, help="Port of the web console.")
@click.option(
    "--function-url-port",
    default=3010,
    show_default=True,
    type=int,
    help="Port of the first Lambda function URL; the next ones use the following ports (0: free ports).",
)
@click.option(
    "--iam",
    "iam_mode",
    type=click.Choice(["off", "warn", "enforce"]),
    default="enforce",
    show_default=True,
    help="Check each function's DynamoDB calls against its role; warn only logs what would be denied.",
)
@click.option(
    "--record-access",
    is_flag=True,
    help="Record the DynamoDB actions and resources each function uses, for `serverlite validate`.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where data and logs live [default: .serverlite/ beside the template].",
)
@click.option("--region", default="us-east-1", show_default=True)
@click.option("--dynamodb-endpoint", metavar="URL", help="Use this DynamoDB instead of the embedded one.")
@click.option("--parameter-overrides", metavar="'K=V K2=V2'", help="Template parameter values.")
@click.option(
    "--vpc",
    "vpcs",
    multiple=True,
    metavar="vpc-ID=CIDR[,CIDR]",
    help="Treat requests from these addresses as coming from this VPC (resource policies).",
)
@click.option(
    "--max-concurrency",
    default=16,
    show_default=True,
    type=int,
    help="Most execution environments per function.",
)
@click.option("--no-reload", is_flag=True, help="Do not restart workers when function code changes.")
@click.option(
    "--jwks",
    "jwks",
    multiple=True,
    metavar="POOL_ID_OR_ARN=PATH",
    help="JWKS file that Cognito user pool authorizers (REST) and JWT authorizers (HTTP APIs: issuer URL, "
    "its last path part or the authorizer name) verify tokens with.",
)
@click.option(
    "--credentials",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Access keys (ini, like ~/.aws/credentials) that AWS_IAM methods accept SigV4 signatures of.",
)
@click.option("--layer", "layers", multiple=True, metavar="ARN=DIR", help=_LAYER_HELP)
@click.option(
    "--no-prewarm",
    is_flag=True,
    help="Start no execution environment before the first invocation (measure cold starts).",
)
@click.option(
    "--gateway-processes",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Processes serving the gateway port, for more cores (functions still run in one runtime).",
)
@_exposure_options
@click.option(
    "--no-console-token",
    is_flag=True,
    help="Serve the console without the token of its URL (only with a loopback --host).",
)
@click.option(
    "--env-vars", "env_vars", type=click.Path(dir_okay=False, exists=True, path_type=Path), help=_ENV_HELP
)
def start(
    template: Path,
    host: str,
    port: int,
    dynamodb_port: int,
    aws_port: int,
    console_port: int,
    function_url_port: int,
    iam_mode: str,
    record_access: bool,
    data_dir: Path | None,
    region: str,
    dynamodb_endpoint: str | None,
    parameter_overrides: str | None,
    vpcs: tuple[str, ...],
    max_concurrency: int,
    no_reload: bool,
    jwks: tuple[str, ...],
    credentials: Path | None,
    layers: tuple[str, ...],
    no_prewarm: bool,
    gateway_processes: int,
    allowed_hosts: tuple[str, ...],
    allow_origins: tuple[str, ...],
    no_console_token: bool,
    env_vars: Path | None,
) -> None:
    """Serve the template's APIs, functions and tables."""
    from serverlite.embedded_dynamodb import StartupError
    from serverlite.endpoint_policy import is_loopback
    from serverlite.template.errors import TemplateError

    _endpoint_policy_args(allowed_hosts, allow_origins)
    if no_console_token and not is_loopback(host):
        raise click.UsageError(
            f"--no-console-token needs a loopback --host: on {host} the console is reachable from the "
            "network and its token is what keeps others out"
        )
    template = template.resolve()
    if not template.is_file():
        raise click.ClickException(f"{template}: template not found")
    try:
        config = Config(
            template=template,
            data_dir=(data_dir or template.parent / ".serverlite").resolve(),
            host=host,
            port=port,
            dynamodb_port=dynamodb_port,
            aws_port=aws_port,
            console_port=console_port,
            function_url_port=function_url_port,
            iam_mode=iam_mode,
            record_access=record_access,
            region=region,
            dynamodb_endpoint=dynamodb_endpoint,
            parameter_overrides=parse_parameter_overrides(parameter_overrides),
            vpcs=dict(parse_vpc(v) for v in vpcs),
            max_concurrency=max_concurrency,
            hot_reload=not no_reload,
            jwks=dict(parse_jwks(j) for j in jwks),
            credentials=credentials.resolve() if credentials else None,
            layers=dict(parse_layer(layer) for layer in layers),
            prewarm=not no_prewarm,
            allowed_hosts=allowed_hosts,
            allow_origins=allow_origins,
            console_token=not no_console_token,
            env_vars=parse_env_vars(env_vars),
            gateway_processes=gateway_processes,
        )
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    try:
        run_until_stopped(lambda stop: _serve(config, stop))
    except (TemplateError, StartupError) as error:
        raise click.ClickException(str(error)) from None


async def _serve(config: Config, stop: asyncio.Event) -> None:
    """The embedded DynamoDB server is started first: it boots while the rest of serverlite is imported."""
    from serverlite.embedded_dynamodb import spawn_dynamodb

    dynamodb = None
    if not config.dynamodb_endpoint:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        dynamodb = spawn_dynamodb(config)
        await dynamodb.started()
    try:
        from serverlite.app import serve

        await serve(config, stop=stop, dynamodb=dynamodb)
    finally:
        if dynamodb is not None:
            await dynamodb.abandon()  # a no-op once serve has stopped it; a kill if start-up failed early


_LOCAL_OPTIONS = [
    _template_option(),
    click.option(
        "--dynamodb-endpoint",
        metavar="URL",
        help="DynamoDB the functions call [default: the one `serverlite start` runs on --dynamodb-port].",
    ),
    click.option("--dynamodb-port", default=8000, show_default=True, type=int),
    click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path)),
    click.option("--region", default="us-east-1", show_default=True),
    click.option("--parameter-overrides", metavar="'K=V K2=V2'", help="Template parameter values."),
    click.option("--layer", "layers", multiple=True, metavar="ARN=DIR", help=_LAYER_HELP),
    click.option(
        "--env-vars", "env_vars", type=click.Path(dir_okay=False, exists=True, path_type=Path), help=_ENV_HELP
    ),
]


def _local_options(function: t.Callable[..., None]) -> t.Callable[..., None]:
    """The options of commands that run the template's functions once, beside `serverlite start`."""
    for option in reversed(_LOCAL_OPTIONS):
        function = option(function)
    return function


def _local_config(options: dict[str, t.Any]) -> Config:
    template = Path(options["template"]).resolve()
    try:
        layers = dict(parse_layer(layer) for layer in options["layers"])
        env_vars = parse_env_vars(options["env_vars"])
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return Config(
        layers=layers,
        env_vars=env_vars,
        template=template,
        data_dir=(options["data_dir"] or template.parent / ".serverlite").resolve(),
        dynamodb_port=options["dynamodb_port"],
        region=options["region"],
        dynamodb_endpoint=options["dynamodb_endpoint"],
        parameter_overrides=parse_parameter_overrides(options["parameter_overrides"]),
    )


def _run_local(coroutine: t.Coroutine[t.Any, t.Any, t.Any]) -> t.Any:
    from serverlite.app import StartupError
    from serverlite.template.errors import TemplateError

    try:
        return asyncio.run(coroutine)
    except (TemplateError, StartupError) as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.argument("function_name", metavar="FUNCTION")
@click.option("--event", "-e", "event_file", type=click.File("rb"), help="Event JSON file, or - for stdin.")
@_local_options
def invoke(function_name: str, event_file: t.BinaryIO | None, **options: t.Any) -> None:
    """Run FUNCTION once with an event (default `{}`) and print its result, like the console's Test tab.

    The function's log goes to stderr; the exit status is 1 when the function failed.
    """
    import json

    from serverlite.app import invoke_once

    event = (event_file.read() if event_file is not None else b"{}") or b"{}"
    try:
        json.loads(event)
    except ValueError as error:
        raise click.BadParameter(f"the event is not JSON: {error}", param_hint="--event") from None
    result = _run_local(invoke_once(_local_config(options), function_name, event))
    click.echo(result.payload.decode("utf-8", errors="replace"))
    if result.failed:
        raise SystemExit(1)


@main.command("test-invoke")
@click.argument("method")
@click.argument("path")
@click.option("--header", "-H", "headers", multiple=True, metavar="'name:value'", help="A request header.")
@click.option("--query", metavar="STRING", help="Query string, e.g. 'table=Music&artist=x'.")
@click.option("--body", metavar="TEXT", help="Request body.")
@click.option("--api", metavar="ID|NAME", help="The REST or HTTP API, when the template has several.")
@_local_options
def test_invoke(
    method: str,
    path: str,
    headers: tuple[str, ...],
    query: str | None,
    body: str | None,
    api: str | None,
    **options: t.Any,
) -> None:
    """The API console's method Test: run METHOD PATH (no stage) through the API and show what happened.

    For an HTTP API, PATH is matched against its routes (authorizers are not run)."""
    import json

    from serverlite.app import test_invoke_once
    from serverlite.gateway.errors import MissingAuthenticationToken
    from serverlite.gateway.v2.errors import NotFound

    pairs = []
    for header in headers:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected 'name:value', got {header!r}", param_hint="--header")
        pairs.append((name.strip(), value.strip()))
    coroutine = test_invoke_once(
        _local_config(options),
        method.upper(),
        path,
        query=query,
        headers=pairs,
        body=(body or "").encode(),
        api=api,
    )
    try:
        result = _run_local(coroutine)
    except MissingAuthenticationToken:
        raise click.ClickException(f"no method {method.upper()} on resource {path}") from None
    except NotFound:
        raise click.ClickException(f"no route matches {method.upper()} {path}") from None
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    shown = {
        name: value for name, value in result.headers if name not in ("x-amzn-RequestId", "x-amz-apigw-id")
    }
    click.echo(f"Request: {path}{'?' + query if query else ''}")
    click.echo(f"Status: {result.status}")
    click.echo(f"Latency: {result.latency_ms} ms")
    click.echo("Response body")
    click.echo(result.body.decode("utf-8", errors="replace"))
    click.echo("Response headers")
    click.echo(json.dumps(shown))
    click.echo("Logs")
    for line in result.log:
        click.echo(line)


@main.command()
@_template_option(exists=True)
@click.option("--api", metavar="ID|NAME", help="The REST or HTTP API, when the template has several.")
@click.option(
    "--stage", metavar="NAME", help="Stage whose base path prefixes the paths [default: the template's own]."
)
@click.option(
    "--server", "server_url", default="http://127.0.0.1:3000", show_default=True, help="Gateway URL."
)
@click.option("--parameter-overrides", metavar="'K=V K2=V2'", help="Template parameter values.")
def openapi(
    template: Path, api: str | None, stage: str | None, server_url: str, parameter_overrides: str | None
) -> None:
    """Print an OpenAPI 3 document (JSON) of a REST or HTTP API of the template."""
    import json

    from serverlite.gateway.openapi import default_stage, openapi_document, select_api
    from serverlite.gateway.v2.openapi import http_api_document, select_http_api
    from serverlite.template.errors import TemplateError
    from serverlite.template.load import load_application

    try:
        overrides = parse_parameter_overrides(parameter_overrides)
        application = load_application(template.resolve(), parameter_overrides=overrides)
        http_api = select_http_api(application.http_apis, api)
        if http_api is not None and (api is not None or not application.rest_apis):
            chosen_stage = stage or next(iter(http_api.stages), "$default")
            document = http_api_document(http_api, chosen_stage, server_url=server_url)
        else:
            chosen = select_api(application.rest_apis, api)
            document = openapi_document(chosen, stage or default_stage(chosen), server_url=server_url)
    except (TemplateError, LookupError) as error:
        raise click.ClickException(str(error)) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--parameter-overrides") from None
    click.echo(json.dumps(document, indent=2))


main.add_command(logs_command, "logs")


@main.command()
@_template_option(exists=True)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where `serverlite start --record-access` recorded [default: .serverlite/ beside the template].",
)
def validate(template: Path, data_dir: Path | None) -> None:
    """Lint the template (cfn-lint) and report, per function, the recorded DynamoDB actions its role lacks.

    Prints the policy statement to add for each; the exit status is 1 when something is missing or
    cfn-lint finds an error.
    """
    from serverlite.iam.recording import ACCESS_FILE, missing_permissions, read_records, report
    from serverlite.template.errors import TemplateError

    template = template.resolve()
    findings, lint_failed = _cfn_lint(template)
    click.echo(f"cfn-lint: {findings or 'no findings'}")
    access_file = (data_dir or template.parent / ".serverlite").resolve() / ACCESS_FILE
    try:
        roles = _function_roles(template)
        records = read_records(access_file)
    except TemplateError as error:
        raise click.ClickException(str(error)) from None
    except FileNotFoundError:
        click.echo(f"{access_file}: nothing recorded; run `serverlite start --record-access` first")
        raise SystemExit(1 if lint_failed else 0) from None
    missing = missing_permissions(records, roles)
    for line in report(missing, len({record.function for record in records})):
        click.echo(line)
    if missing or lint_failed:
        raise SystemExit(1)


def _cfn_lint(template: Path) -> tuple[str, bool]:
    """cfn-lint's findings on the template (what `sam validate --lint` prints), and whether one is an
    error: its exit status is a bit mask, 2 errors, 4 warnings, 8 informational
    (https://github.com/aws-cloudformation/cfn-lint#exit-codes)."""
    import shutil
    import subprocess
    import sys

    beside = Path(sys.executable).parent / "cfn-lint"  # the venv's own, first
    command = str(beside) if beside.is_file() else shutil.which("cfn-lint")
    if command is None:
        return "not installed (pip install cfn-lint)", False
    try:
        done = subprocess.run([command, str(template)], capture_output=True, text=True, check=False)
    except OSError as error:
        return f"not run ({error})", False
    if done.returncode and not done.stdout.strip():
        return f"not run ({done.stderr.strip() or done.returncode})", False
    return done.stdout.strip(), bool(done.returncode & 2)


def _function_roles(template: Path) -> dict[str, tuple[str, list[t.Any]]]:
    """Function name -> its role ARN and policies, for functions whose role the template defines."""
    from serverlite.iam.policy import Policy
    from serverlite.template.iam import role_sessions
    from serverlite.template.load import load_application

    application = load_application(template)
    sessions, policies = role_sessions(application.functions.values(), application.roles)
    return {
        session.session_name: (
            session.role_arn,
            [Policy.parse(name, document) for name, document in policies[session.role_arn]],
        )
        for session in sessions
    }


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".serverlite"),
    show_default=True,
    help="Folder of dynamodb.sqlite3.",
)
@click.option("--in-memory", is_flag=True, help="Keep nothing on disk.")
@click.option(
    "--durability",
    type=click.Choice(["process", "full"]),
    default="process",
    show_default=True,
    help="process: acknowledged writes survive a crash of this process; full: also an OS crash.",
)
@click.option("--region", default="us-east-1", show_default=True)
@click.option(
    "--iam-credentials",
    type=click.Path(dir_okay=False, path_type=Path),
    help="IAM credentials map: access key -> role session [default: DATA_DIR/iam/credentials.json].",
)
@click.option(
    "--iam",
    "iam_mode",
    type=click.Choice(["off", "warn", "enforce"]),
    help="Checks of calls signed by role sessions; warn logs would-be denials [default: the map's mode].",
)
@_exposure_options
# Started by `serverlite start`, which says itself what a non-loopback --host exposes.
@click.option("--embedded", is_flag=True, hidden=True)
def dynamodb(
    host: str,
    port: int,
    data_dir: Path,
    in_memory: bool,
    durability: str,
    region: str,
    iam_credentials: Path | None,
    iam_mode: str | None,
    allowed_hosts: tuple[str, ...],
    allow_origins: tuple[str, ...],
    embedded: bool,
) -> None:
    """Run the DynamoDB server alone."""
    from serverlite.dynamodb.server import run
    from serverlite.endpoint_policy import EndpointPolicy

    _endpoint_policy_args(allowed_hosts, allow_origins)
    if not in_memory:
        data_dir.mkdir(parents=True, exist_ok=True)
    try:
        run(
            host,
            port,
            None if in_memory else data_dir.resolve(),
            durability=durability,
            region=region,
            iam_credentials=iam_credentials.resolve() if iam_credentials else None,
            iam_mode=iam_mode,
            policy=EndpointPolicy.create(host, allowed_hosts, allow_origins),
            warn_exposure=not embedded,
        )
    except OSError as error:
        raise click.ClickException(f"DynamoDB cannot listen on {host}:{port}: {error.strerror}") from None
