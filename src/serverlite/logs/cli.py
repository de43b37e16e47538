"""``serverlite logs``: list log groups, or print a group's events like ``aws logs tail``.

Output copies ``aws logs tail``'s default "detailed" format (aws/aws-cli
``awscli/customizations/logs/tail.py``, DetailedLogEventsFormatter): the timestamp as
``isoformat(timespec='microseconds')`` in UTC, the stream name, the message with trailing whitespace
stripped, one newline. ``--since`` takes what ``tail --since`` takes: ``<n>s|m|h|d|w`` or an ISO 8601
timestamp, and defaults to ``10m`` as there.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from serverlite.lifecycle import run_until_stopped, until_stopped
from serverlite.logs.errors import CloudWatchLogsError
from serverlite.logs.reading import LogEvent
from serverlite.logs.store import LogStore

__all__ = ["format_event", "logs_command", "parse_since"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_RELATIVE = re.compile(r"(\d+)([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now_ms: int) -> int:
    """``10m``, ``2h``, ``1d``, ``30s``, ``1w`` before now_ms, or an ISO 8601 timestamp (UTC if naive)."""
    relative = _RELATIVE.fullmatch(text.strip())
    if relative:
        return now_ms - int(relative.group(1)) * _UNIT_SECONDS[relative.group(2)] * 1000
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r} is neither like 10m/2h/1d/30s nor an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def format_event(event: LogEvent) -> str:
    """``<ISO 8601 timestamp> <stream> <message>`` as ``aws logs tail`` prints it (no newline)."""
    moment = _EPOCH + timedelta(milliseconds=event.timestamp)
    line = f"{moment.isoformat(timespec='microseconds')} {event.log_stream_name} {event.message}"
    return line.rstrip()


@click.command("logs")
@click.argument("group", required=False)
@click.option("--stream", help="Only this log stream of GROUP.")
@click.option("--follow", is_flag=True, help="Keep printing new events until Ctrl-C.")
@click.option("--since", default="10m", show_default=True, help="10m, 2h, 1d, 30s or an ISO 8601 time.")
@click.option("--filter", "filter_pattern", help="A CloudWatch Logs filter pattern.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".serverlite"),
    show_default=True,
    help="The data directory (logs live in DATA_DIR/logs).",
)
def logs_command(
    group: str | None,
    stream: str | None,
    follow: bool,
    since: str,
    filter_pattern: str | None,
    data_dir: Path,
) -> None:
    """List log groups, or print the events of GROUP (like `aws logs tail`)."""
    store = LogStore(data_dir / "logs")
    if group is None:
        _print_groups(store)
        return
    since_ms = parse_since(since, time.time_ns() // 1_000_000)
    try:
        if follow:
            _follow(store, group, stream, since_ms, filter_pattern)
        else:
            _print_events(store, group, stream, since_ms, filter_pattern)
    except CloudWatchLogsError as error:
        raise click.ClickException(f"{(error.message or error.aws_type).rstrip('.')}: {group}") from None


def _print_groups(store: LogStore) -> None:
    """One line per group: name, number of streams, stored bytes."""
    groups = store.groups()
    if not groups:
        click.echo(f"No log groups in {store.root}", err=True)
        return
    width = max(len("LOG GROUP"), *(len(info.name) for info in groups))
    click.echo(f"{'LOG GROUP':<{width}}  {'STREAMS':>7}  {'STORED BYTES':>12}")
    for info in groups:
        streams = len(store.streams(info.name))
        click.echo(f"{info.name:<{width}}  {streams:>7}  {info.stored_bytes:>12}")


def _print_events(
    store: LogStore, group: str, stream: str | None, since_ms: int, pattern: str | None
) -> None:
    """Every matching event since since_ms, page by page."""
    token: str | None = None
    while True:
        streams = [stream] if stream is not None else None
        page = store.filter_events(group, streams, start=since_ms, pattern=pattern, next_token=token)
        for event in page.events:
            click.echo(format_event(event))
        if page.next_token is None:
            return
        token = page.next_token


def _follow(store: LogStore, group: str, stream: str | None, since_ms: int, pattern: str | None) -> None:
    """Print events as they arrive; Ctrl-C ends quietly, as ``aws logs tail --follow`` does."""

    async def print_events() -> None:
        async for event in store.follow(group, stream, since_ms, pattern):
            click.echo(format_event(event))

    run_until_stopped(lambda stop: until_stopped(stop, print_events()))
