"""The `serverlite` command line (click): parses options into a Config and hands over to app."""

from __future__ import annotations

import asyncio
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
@click.option("--template", "-t", "template", default="template.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="SAM or CloudFormation template.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=3000, show_default=True, type=int, help="Gateway port.")
@click.option("--dynamodb-port", default=8000, show_default=True, type=int, help="Embedded DynamoDB port.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where data and logs live [default: .serverlite/ beside the template].")
@click.option("--region", default="us-east-1", show_default=True)
@click.option("--dynamodb-endpoint", metavar="URL", help="Use this DynamoDB instead of the embedded one.")
@click.option("--parameter-overrides", metavar="'K=V K2=V2'", help="Template parameter values.")
@click.option("--vpc", "vpcs", multiple=True, metavar="vpc-ID=CIDR[,CIDR]",
              help="Treat requests from these addresses as coming from this VPC (resource policies).")
@click.option("--max-concurrency", default=16, show_default=True, type=int,
              help="Most execution environments per function.")
def start(template: Path, host: str, port: int, dynamodb_port: int, data_dir: Path | None, region: str,
          dynamodb_endpoint: str | None, parameter_overrides: str | None, vpcs: tuple[str, ...],
          max_concurrency: int) -> None:
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
            host=host, port=port, dynamodb_port=dynamodb_port, region=region,
            dynamodb_endpoint=dynamodb_endpoint,
            parameter_overrides=parse_parameter_overrides(parameter_overrides),
            vpcs=dict(parse_vpc(v) for v in vpcs),
            max_concurrency=max_concurrency,
        )
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    try:
        asyncio.run(serve(config))
    except (TemplateError, StartupError) as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        pass


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".serverlite"),
              show_default=True, help="Folder of dynamodb.sqlite3.")
@click.option("--in-memory", is_flag=True, help="Keep nothing on disk.")
@click.option("--durability", type=click.Choice(["process", "full"]), default="process", show_default=True,
              help="process: acknowledged writes survive a crash of this process; full: also an OS crash.")
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
