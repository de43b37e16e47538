"""The `serverlite` command line (click): parses options into a Config and hands over to app."""

from __future__ import annotations

import asyncio
import typing as t
from pathlib import Path

import click

from serverlite import __version__
from serverlite.config import Config, parse_parameter_overrides, parse_vpc

__all__ = ["main"]


@click.group()
@click.version_option(__version__, prog_name="serverlite")
def main() -> None:
    """Run API Gateway REST APIs, Lambda functions and DynamoDB from a SAM template, on one machine."""


@main.command()
@click.option(
    "--template",
    "-t",
    "template",
    default="template.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SAM or CloudFormation template.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=3000, show_default=True, type=int, help="Gateway port.")
@click.option("--dynamodb-port", default=8000, show_default=True, type=int, help="Embedded DynamoDB port.")
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
def start(
    template: Path,
    host: str,
    port: int,
    dynamodb_port: int,
    data_dir: Path | None,
    region: str,
    dynamodb_endpoint: str | None,
    parameter_overrides: str | None,
    vpcs: tuple[str, ...],
    max_concurrency: int,
    no_reload: bool,
) -> None:
    """Serve the template's APIs, functions and tables."""
    from serverlite.app import StartupError, serve
    from serverlite.template.errors import TemplateError

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
            region=region,
            dynamodb_endpoint=dynamodb_endpoint,
            parameter_overrides=parse_parameter_overrides(parameter_overrides),
            vpcs=dict(parse_vpc(v) for v in vpcs),
            max_concurrency=max_concurrency,
            hot_reload=not no_reload,
        )
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    try:
        asyncio.run(serve(config))
    except (TemplateError, StartupError) as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        pass


def _template_option(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--template",
        "-t",
        "template",
        default="template.yaml",
        show_default=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="SAM or CloudFormation template.",
    )(function)


@main.command()
@_template_option
@click.argument("function_name", metavar="FUNCTION")
@click.option("--event", "-e", "event_file", type=click.File("rb"), help="Event JSON file, or - for stdin.")
@click.option(
    "--dynamodb-endpoint",
    metavar="URL",
    help="DynamoDB the function calls [default: the one `serverlite start` runs on --dynamodb-port].",
)
@click.option("--dynamodb-port", default=8000, show_default=True, type=int)
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--region", default="us-east-1", show_default=True)
@click.option("--parameter-overrides", metavar="'K=V K2=V2'", help="Template parameter values.")
def invoke(
    template: Path,
    function_name: str,
    event_file: t.BinaryIO | None,
    dynamodb_endpoint: str | None,
    dynamodb_port: int,
    data_dir: Path | None,
    region: str,
    parameter_overrides: str | None,
) -> None:
    """Run FUNCTION once with an event (default `{}`) and print its result, like the console's Test tab.

    The function's log goes to stderr; the exit status is 1 when the function failed.
    """
    import json

    from serverlite.app import StartupError, invoke_once
    from serverlite.template.errors import TemplateError

    event = event_file.read() if event_file is not None else b"{}"
    try:
        json.loads(event or b"{}")
    except ValueError as error:
        raise click.BadParameter(f"the event is not JSON: {error}", param_hint="--event") from None
    template = template.resolve()
    config = Config(
        template=template,
        data_dir=(data_dir or template.parent / ".serverlite").resolve(),
        dynamodb_port=dynamodb_port,
        region=region,
        dynamodb_endpoint=dynamodb_endpoint,
        parameter_overrides=parse_parameter_overrides(parameter_overrides),
    )
    try:
        result = asyncio.run(invoke_once(config, function_name, event or b"{}"))
    except (TemplateError, StartupError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(result.payload.decode("utf-8", errors="replace"))
    if result.failed:
        raise SystemExit(1)


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
def dynamodb(host: str, port: int, data_dir: Path, in_memory: bool, durability: str, region: str) -> None:
    """Run the DynamoDB server alone."""
    from serverlite.dynamodb.server import run

    if not in_memory:
        data_dir.mkdir(parents=True, exist_ok=True)
    try:
        run(host, port, None if in_memory else data_dir.resolve(), durability=durability, region=region)
    except OSError as error:
        raise click.ClickException(f"DynamoDB cannot listen on {host}:{port}: {error.strerror}") from None
